"""The monthly evaluation on PostgreSQL and a Dask cluster: throughput, memory, a killed worker.

It stores a cycle of N projects (default 10,000; `--projects 200` for a quick
run), each with 30 daily reports for June 2026, in a schema of its own on the
PostgreSQL server (`--database-url`, default the tests' server on 127.0.0.1),
runs the month once with an evaluator's score sheet (measure + score, the
untimed set-up) and has every evaluation approved. Then it runs the publishing
month — publish, build the contexts, render N 项目月度评估报告 and the
街道月度汇总报告 as `render_pdf_batch` tasks on Dask, record the keys — against
a LocalCluster of 1 and then of 2 worker processes (started before the run, as
a standing cluster would be: `GONGYI_DASK_SCHEDULER_ADDRESS`), and prints:

1. the throughput in PDFs/s with 1 and with 2 workers, and their ratio (goal ≥ 1.8 on 2 cores);
2. the peak memory of each process (PSS through psutil; goal ≤ 1 GiB per worker);
3. the flow's time with 1 worker divided by WeasyPrint alone rendering the same
   HTML to PDF in one process (goal ≤ 1.15);
4. a run with 2 workers in which one is killed with SIGKILL once a third of the
   PDFs are stored: whether every PDF is there and registered once, and whether
   any was stored twice (each PDF keeps the inode it was first renamed into place
   with; the batch run again reports the PDFs it found stored and did not render).

Before each timed run the register's rows and the PDFs are removed, so each run
renders the whole month. The flow runs in this process against Prefect's
temporary server (not through a deployment on a work pool: see docs/scale_out.md).
The figures are only as good as the free cores: on a shared machine say so.

Run from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/scale.py --projects 200
    PYTHONPATH=. .venv/bin/python benchmarks/scale.py            # 10,000 projects: hours on 2 cores
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2026-06"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MIB = 2**20


class ProcessMemory:
    """Sample the PSS of this process and every process below it; keep each one's peak."""

    def __init__(self, every: float = 0.25) -> None:
        self.peaks: dict[int, tuple[str, int]] = {}
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ProcessMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            for process in [me, *me.children(recursive=True)]:
                try:
                    info = process.memory_full_info()
                    size = getattr(info, "pss", info.rss)
                    role = _role(process)
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                old = self.peaks.get(process.pid, (role, 0))[1]
                self.peaks[process.pid] = (role, max(old, size))
            self._stop.wait(self.every)

    def by_role(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for role, size in self.peaks.values():
            found.setdefault(role, []).append(size)
        return found


def _role(process: object) -> str:
    import psutil

    assert isinstance(process, psutil.Process)
    if process.pid == os.getpid():
        return "flow process (+ Dask scheduler)"
    command = " ".join(process.cmdline())
    if ("prefect" in command and "server" in command) or "uvicorn" in command:
        return "Prefect server"
    if "resource_tracker" in command:
        return "multiprocessing resource tracker"
    if "multiprocessing" in command or "distributed" in command:
        return "Dask worker"
    return "other"


def _schema_url(base: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text

    schema = f"gongyi_scale_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{base}?options=-csearch_path%3D{schema}", schema


def _drop_schema(base: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(base)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def set_up(url: str, projects: int, reports: int, sheet: str) -> tuple[float, float, int]:
    """Store the cycle, run the month once with the score sheet, approve every evaluation."""
    from benchmarks.monthly import approve_all, store_cycle
    from flows.monitoring.monthly_evaluation import monthly_evaluation

    start = time.perf_counter()
    cycle_id = store_cycle(url, projects, reports)
    stored = time.perf_counter() - start
    start = time.perf_counter()
    monthly_evaluation(cycle_id, MONTH, sheet, date(2026, 7, 5))
    scoring = time.perf_counter() - start
    approve_all(url, cycle_id)
    return stored, scoring, cycle_id


def _set_up_in_own_process(projects: int, reports: int, sheet: str) -> tuple[float, float, int]:
    command = [sys.executable, __file__, "--set-up", "--projects", str(projects)]
    command += ["--reports", str(reports), "--sheet", sheet]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ)
    if done.returncode:
        sys.exit(f"set-up failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    stored, scoring, cycle_id = done.stdout.strip().splitlines()[-1].split()
    return float(stored), float(scoring), int(cycle_id)


def forget_documents(url: str, output: Path) -> None:
    """Remove the register's rows and the PDFs, so that the next run renders the whole month."""
    from sqlalchemy import delete

    from models.register import DocumentRecord
    from store.database import open_session

    with open_session(url) as session:
        session.exec(delete(DocumentRecord))  # type: ignore[call-overload]
        session.commit()
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)


def registered(url: str, output: Path) -> tuple[int, int, int]:
    """The register's rows, the distinct paths among them, and the rows whose file matches."""
    from sqlmodel import select

    from models.register import DocumentRecord
    from reports.output_store import file_sha256
    from store.database import open_session

    with open_session(url) as session:
        rows = session.exec(select(DocumentRecord)).all()
    matching = sum(1 for row in rows if file_sha256(output / row.path) == row.sha256)
    return len(rows), len({row.path for row in rows}), matching


def run_month(cycle_id: int, workers: int, kill_after: float = 0.0) -> dict[str, object]:
    """Run the publishing month on a fresh LocalCluster of `workers`; kill one if asked."""
    from distributed import Client, LocalCluster

    from flows.monitoring.monthly_evaluation import monthly_evaluation
    from flows.rendering import local_cluster_options

    output = Path(os.environ["GONGYI_OUTPUT_DIR"])
    forget_documents(os.environ["GONGYI_DATABASE_URL"], output)
    with LocalCluster(**local_cluster_options(workers)) as cluster, Client(cluster) as client:
        client.run(_warm)  # fonts loaded, as in a standing cluster
        os.environ["GONGYI_DASK_SCHEDULER_ADDRESS"] = cluster.scheduler_address
        pids = client.run(os.getpid)
        expected = int(os.environ["SCALE_EXPECTED_PDFS"])
        first_seen: dict[Path, int] = {}
        killed: list[str] = []
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                for pdf in output.rglob("*.pdf"):
                    if pdf not in first_seen:
                        try:
                            first_seen[pdf] = pdf.stat().st_ino
                        except FileNotFoundError:
                            continue
                if kill_after and not killed and len(first_seen) >= kill_after * expected:
                    busy = [a for a, keys in client.processing().items() if keys]
                    if busy:
                        os.kill(pids[busy[0]], signal.SIGKILL)
                        killed.append(f"pid {pids[busy[0]]} after {len(first_seen)} PDFs")
                stop.wait(0.1 if expected < 2000 else 1.0)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        with ProcessMemory() as memory:
            start = time.perf_counter()
            summary = monthly_evaluation(cycle_id, MONTH, today=date(2026, 7, 5))
            took = time.perf_counter() - start
        stop.set()
        watcher.join()
    del os.environ["GONGYI_DASK_SCHEDULER_ADDRESS"]
    again: list[str] = []
    for pdf, inode in first_seen.items():
        try:
            changed = pdf.stat().st_ino != inode
        except FileNotFoundError:
            changed = True
        if changed:
            again.append(pdf.name)
    return {
        "seconds": took,
        "pdfs": len(summary.pdfs),
        "failed": len(summary.failed_pdfs),
        "on_disk": len(list(output.rglob("*.pdf"))),
        "memory": memory.by_role(),
        "killed": killed,
        "rerendered": len(again),
        "rerendered_names": again[:5],
        "reused": summary.reused_pdfs,
        "register": registered(os.environ["GONGYI_DATABASE_URL"], output),
    }


def _warm() -> None:
    from reports.fonts import get_font_state

    get_font_state()


def weasyprint_alone(url: str, cycle_id: int, out: Path, templates: Path) -> tuple[float, int]:
    from benchmarks.monthly import weasyprint_alone as alone

    return alone(url, cycle_id, out, templates)


def _in_own_process(function, *args):  # type: ignore[no-untyped-def]
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def _environment(work: Path, url: str) -> None:
    os.environ.update(
        GONGYI_DATABASE_URL=url,
        GONGYI_OUTPUT_DIR=str(work / "output"),
        GONGYI_DASK_MIN_DOCUMENTS="0",
        PREFECT_HOME=str(work / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180",  # a loaded machine is slow
        PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL="WARNING",
        PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL="WARNING",
        PREFECT_LOGGING_LEVEL="WARNING",
    )


def _memory_line(memory: dict[str, list[int]]) -> str:
    return "；".join(
        f"{role} {', '.join(f'{size / MIB:.0f}' for size in sorted(sizes, reverse=True))}"
        for role, sizes in sorted(memory.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=30)
    parser.add_argument("--database-url", default=DEFAULT_PG, help="PostgreSQL (a schema is made)")
    parser.add_argument("--skip-kill", action="store_true", help="no run with a killed worker")
    parser.add_argument(
        "--kill-only", action="store_true", help="only the run with a killed worker"
    )
    parser.add_argument("--keep", action="store_true", help="keep the PDFs and the schema")
    parser.add_argument("--set-up", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sheet", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.set_up:
        from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            url = os.environ["GONGYI_DATABASE_URL"]
            print(*set_up(url, args.projects, args.reports, args.sheet))
        return
    from benchmarks.monthly import write_sheet

    work = Path(tempfile.mkdtemp(prefix="gongyi-scale-"))
    url, schema = _schema_url(args.database_url)
    _environment(work, url)
    os.environ["SCALE_EXPECTED_PDFS"] = str(args.projects + 1)
    templates = ROOT / "templates"
    try:
        sheet = write_sheet(work / "scores.csv", args.projects)
        stored, scoring, cycle_id = _set_up_in_own_process(args.projects, args.reports, sheet)
        from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

        print(f"set-up: stored {stored:.1f} s, measure + score {scoring:.1f} s", flush=True)
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            if args.kill_only:
                print(f"killed: {_brief(run_month(cycle_id, 2, kill_after=1 / 3))}", flush=True)
                return
            one = run_month(cycle_id, 1)
            print(f"1 worker: {_brief(one)}", flush=True)
            # WeasyPrint alone renders the same (now published) reports' HTML in one process.
            (work / "direct").mkdir()
            direct, rendered = _in_own_process(
                weasyprint_alone, url, cycle_id, work / "direct", templates
            )
            print(f"WeasyPrint alone: {direct:.1f} s for {rendered} PDFs", flush=True)
            two = run_month(cycle_id, 2)
            print(f"2 workers: {_brief(two)}", flush=True)
            killed = None if args.skip_kill else run_month(cycle_id, 2, kill_after=1 / 3)
            if killed is not None:
                print(f"killed: {_brief(killed)}", flush=True)
        report(args, stored, scoring, one, two, killed, direct, rendered, work)
    finally:
        if not args.keep:
            _drop_schema(args.database_url, schema)
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"  kept: {work}, schema {schema}")


def _brief(run: dict[str, object]) -> str:
    return ", ".join(f"{k} {v}" for k, v in run.items() if k != "memory") + (
        f", peak PSS MiB: {_memory_line(run['memory'])}"  # type: ignore[arg-type]
    )


def report(args, stored, scoring, one, two, killed, direct, rendered, work) -> None:  # type: ignore[no-untyped-def]
    load = os.getloadavg()
    print(
        f"月评估 × {args.projects} 个项目 × {args.reports} 份日报告（PostgreSQL），"
        f"{os.cpu_count()} 核，负载 {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )
    print(f"  storing the cycle and reports:            {stored:9.1f} s")
    print(f"  measure + score run (set-up):             {scoring:9.1f} s")
    for label, run in (("1 Dask worker ", one), ("2 Dask workers", two)):
        print(
            f"  publish + render, {label}:        {run['seconds']:9.1f} s  "
            f"({run['pdfs']} PDFs, {run['failed']} failed) = "
            f"{run['pdfs'] / run['seconds']:.2f} PDFs/s"  # type: ignore[operator]
        )
    print(f"  WeasyPrint alone, same {rendered} PDFs:       {direct:9.1f} s")
    ratio = (two["pdfs"] / two["seconds"]) / (one["pdfs"] / one["seconds"])  # type: ignore[operator]
    print(f"  throughput 2 ÷ 1 workers (≥ 1.8):         {ratio:9.2f}")
    print(f"  flow, 1 worker ÷ WeasyPrint (≤ 1.15):     {one['seconds'] / direct:9.2f}")  # type: ignore[operator]
    for label, run in (("1 worker", one), ("2 workers", two)):
        print(f"  peak PSS MiB, {label}: {_memory_line(run['memory'])}")  # type: ignore[arg-type]
    if killed is not None:
        rows, paths, matching = killed["register"]
        print(
            f"  kill -9 of one Dask worker ({', '.join(killed['killed']) or 'no worker was busy'}): "
            f"{killed['pdfs']} PDFs in the summary, {killed['on_disk']} on disk, "
            f"{killed['failed']} failed; register {rows} rows, {paths} distinct paths, "
            f"{matching} matching their file; stored twice: {killed['rerendered']}; "
            f"found stored by the retried batch: {killed['reused']}; "
            f"run took {killed['seconds']:.1f} s"
        )
        complete = killed["on_disk"] == rows == paths == matching == args.projects + 1
        print(
            f"  killed worker: {'every PDF, none twice' if complete and not killed['rerendered'] else 'INCOMPLETE OR DUPLICATED'}"
        )


if __name__ == "__main__":
    main()
