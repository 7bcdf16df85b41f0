"""How the monthly flow scales: 1,000 projects with 30 daily reports each.

It stores a cycle of N projects (default 1,000), each with 30 daily reports
for June 2026, a budget and KPI targets; runs `monthly_evaluation` once with
an evaluator's score sheet (measure + score, untimed set-up) and has every
evaluation approved; then prints:

1. the wall time of the publishing run of the flow (publish, build contexts,
   render N 项目月度评估报告 and the 街道月度汇总报告) with one render process,
   divided by the time WeasyPrint alone takes to render the same PDFs from the
   same HTML in this process (target ≤ 1.15);
2. the speed-up of the same run from 1 to 2 render processes (target ≥ 1.8×);
3. the peak memory of the whole process tree — this process, the render
   processes and Prefect's local server — sampled from /proc as PSS, so that
   pages the processes share count once (target ≤ 1 GiB), with the peak of
   each kind of process and, as an upper bound, the peak of the summed RSS.

WeasyPrint alone runs in a process of its own, after the flow runs, so that
its memory is not counted as the flow's. The set-up runs in a process of its own too. The machine should be otherwise idle:
the speed-up is only as good as the free cores.

Run from the repository root (takes about 20 minutes for 1,000 projects on 2 cores):

    PYTHONPATH=. python benchmarks/monthly.py [--projects 1000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTH = "2026-06"
BUDGET = {"人员费": 400_000, "活动费": 500_000, "物资费": 300_000}
TARGETS = {"服务人次": 200, "活动场次": 20, "受益人数": 30, "志愿服务时长": 40}
GIB = 1024**3


class TreeMemory:
    """Sample the memory of this process and all its descendants; keep the peak of their sum.

    The sum that counts is of PSS (proportional set size): a page that several processes
    share — the Python interpreter, the C libraries, the CJK fonts every render process
    maps — is counted once in all, as the machine holds it once. The sum of RSS, which
    counts such a page once per process, is kept too, as an upper bound.
    """

    def __init__(self, every: float = 0.2) -> None:
        self.peak, self.peak_rss, self.every = 0, 0, every
        self.by_role: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            sizes = {pid: _memory(pid) for pid in tree(os.getpid())}
            self.peak = max(self.peak, sum(pss for pss, _ in sizes.values()))
            self.peak_rss = max(self.peak_rss, sum(rss for _, rss in sizes.values()))
            for pid, (pss, _) in sizes.items():
                role = _role(pid)
                self.by_role[role] = max(self.by_role.get(role, 0), pss)
            self._stop.wait(self.every)


def tree(root: int) -> set[int]:
    """Return `root` and every process below it."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    family, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return family


def _role(pid: int) -> str:
    if pid == os.getpid():
        return "flow process"
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "other"
    if "uvicorn" in command or "prefect" in command:
        return "Prefect local server"
    return "render process" if "multiprocessing" in command else "other"


def _memory(pid: int) -> tuple[int, int]:
    """Return the PSS and RSS of `pid` in bytes (0, 0 once it has gone)."""
    found = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("Pss", "Rss"):
                found[key] = int(rest.split()[0]) * 1024
    except (OSError, ValueError):
        pass
    return found.get("Pss", 0), found.get("Rss", 0)


def store_cycle(url: str, projects: int, reports: int) -> int:
    """Store a cycle of `projects` running projects with `reports` daily reports each."""
    from sqlmodel import Session, SQLModel

    import models  # noqa: F401
    from store.database import get_engine
    from tests.monitoring_builders import build_running_cycle

    engine = get_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        cycle = build_running_cycle(session, projects=projects)
        session.add_all(_reports(cycle.project_ids, reports))
        session.commit()
    return cycle.cycle_id


def _reports(project_ids: tuple[int, ...], count: int) -> list:  # type: ignore[type-arg]
    from models.monitoring import DailyReport

    rows = []
    for project in project_ids:
        for n in range(count):
            day = date(2026, 6, 1) + timedelta(days=n)
            sent = datetime.combine(day + timedelta(days=n % 9 == 4), clock(18), SHANGHAI)
            rows.append(
                DailyReport(
                    project_id=project,
                    day=day,
                    first_submitted_at=sent,
                    submitted_at=sent,
                    activities=[{"kind": "group", "title": "长者手工小组", "people": 9}],
                    people_served=9,
                    beneficiary_refs=[f"E{project}-{n % 11}"],
                    service_minutes=180,
                    volunteers=2,
                    volunteer_minutes=240,
                    spend_fen={"活动费": 2_500},
                    issues="场地临时被占用" if n == 7 else "",
                    summary=f"第{n + 1}天：开展长者手工小组，9位老人参加。",
                )
            )
    return rows


def write_sheet(path: Path, projects: int) -> str:
    lines = ["评估专家,项目名称,服务质量,评语"]
    lines += [
        f"周立衡,测试项目{n},{70 + n % 30},服务规范，台账完整。" for n in range(1, projects + 1)
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return str(path)


def approve_all(url: str, cycle_id: int) -> None:
    from flows.monitoring.evaluation_review import review
    from models.status import EvaluationStatus
    from store import evaluations
    from store.database import open_session

    with open_session(url) as session:
        for evaluation in evaluations.list_monthly_evaluations(
            session, cycle_id=cycle_id, month=MONTH, status=EvaluationStatus.IN_REVIEW
        ):
            review(
                session,
                evaluation,
                reviewer="陈慧敏",
                approve=True,
                comment="",
                now=datetime.now(UTC),
            )


def run_month(cycle_id: int, processes: int, **options: object) -> tuple[float, int]:
    from flows.monitoring.monthly_evaluation import monthly_evaluation

    # The month renders on Dask: `processes` LocalCluster workers, never in the flow's own process.
    os.environ["GONGYI_DASK_WORKERS"] = str(processes)
    os.environ["GONGYI_DASK_MIN_DOCUMENTS"] = "0"
    start = time.perf_counter()
    summary = monthly_evaluation(cycle_id, MONTH, today=date(2026, 7, 5), **options)  # type: ignore[arg-type]
    return time.perf_counter() - start, len(summary.pdfs)


def cpu_seconds() -> tuple[float, float]:
    """Return the CPU time used so far by this process and by its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def weasyprint_alone(url: str, cycle_id: int, out: Path, templates: Path) -> tuple[float, int]:
    """Render the same reports' HTML, then time WeasyPrint alone on it, in this process."""
    from flows.monitoring.report_contexts import assessment_contexts
    from flows.monitoring.street_summary import street_summary_context
    from models.call_rules import read_call_rules
    from reports.environment import build_environment
    from reports.render import (
        MONTHLY_ASSESSMENT_TEMPLATE,
        STREET_SUMMARY_TEMPLATE,
        render_html,
        write_pdf,
    )
    from store import awards, calls
    from store.database import open_session

    env = build_environment(templates)
    with open_session(url) as session:
        rules = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules)
        ids = [p.id for p in awards.list_projects(session, cycle_id=cycle_id)]
        contexts = assessment_contexts(
            session,
            cycle_id=cycle_id,
            month=MONTH,
            project_ids=ids,  # type: ignore[arg-type]
            weights={c.name: c.weight for c in rules.monthly_criteria},
            today=date(2026, 7, 5),
            tz=SHANGHAI,
        )
        street = street_summary_context(
            session, cycle_id=cycle_id, month=MONTH, today=date(2026, 7, 5)
        )
    pages = [render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx) for _, ctx in contexts]
    pages.append(render_html(env, STREET_SUMMARY_TEMPLATE, street))
    write_pdf(pages[0], target=out / "warm-up.pdf", templates_dir=templates)
    start = time.perf_counter()
    for n, html in enumerate(pages):
        write_pdf(html, target=out / f"{n:05d}.pdf", templates_dir=templates)
    return time.perf_counter() - start, len(pages)


def _in_own_process(function, *args):  # type: ignore[no-untyped-def]
    # A process of its own, as a served or worker-run flow gets: what it loads
    # (WeasyPrint for the set-up run's summary, or for WeasyPrint alone) is not
    # counted as the timed runs' memory.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def _set_up_in_own_process(projects: int, reports: int, sheet: str) -> tuple[float, float, int]:
    # A plain interpreter, not a pool worker: it must exit normally so that the
    # Prefect server its flow run started is stopped with it.
    command = [sys.executable, __file__, "--set-up", "--projects", str(projects)]
    command += ["--reports", str(reports), "--sheet", sheet]
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=os.environ)
    stored, scoring, cycle_id = done.stdout.strip().splitlines()[-1].split()
    return float(stored), float(scoring), int(cycle_id)


def set_up(url: str, projects: int, reports: int, sheet: str) -> tuple[float, float, int]:
    """Store the cycle, run the month once with the score sheet, approve every evaluation."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    start = time.perf_counter()
    cycle_id = store_cycle(url, projects, reports)
    stored = time.perf_counter() - start
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        scoring, _ = run_month(cycle_id, 2, scores_path=sheet)
    approve_all(url, cycle_id)
    return stored, scoring, cycle_id


def _environment(work: Path, database_url: str) -> str:
    url = database_url or f"sqlite:///{work / 'bench.db'}"
    os.environ.update(
        GONGYI_DATABASE_URL=url,
        GONGYI_OUTPUT_DIR=str(work / "output"),
        PREFECT_HOME=str(work / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL="WARNING",
        PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL="WARNING",
    )
    return url


def main() -> None:
    """Print the flow-to-WeasyPrint ratio, the 1 → 2 process speed-up and the peak memory."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--reports", type=int, default=30)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true", help="keep the PDFs and database")
    parser.add_argument("--set-up", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sheet", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.set_up:
        print(*set_up(os.environ["GONGYI_DATABASE_URL"], args.projects, args.reports, args.sheet))
        return
    work = Path(tempfile.mkdtemp(prefix="gongyi-bench-"))
    url = _environment(work, args.database_url)
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    templates = Path(__file__).resolve().parents[1] / "templates"
    sheet = write_sheet(work / "scores.csv", args.projects)
    stored, scoring, cycle_id = _set_up_in_own_process(args.projects, args.reports, sheet)
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        cpu = [cpu_seconds()]
        with TreeMemory() as two_memory:
            two, pdfs = run_month(cycle_id, 2)
        cpu.append(cpu_seconds())
        with TreeMemory() as one_memory:
            one, _ = run_month(cycle_id, 1)
        cpu.append(cpu_seconds())
    (work / "direct").mkdir()
    direct, rendered = _in_own_process(weasyprint_alone, url, cycle_id, work / "direct", templates)
    print(
        f"月评估 × {args.projects} 个项目 × {args.reports} 份日报告（{url.split(':')[0]}），{os.cpu_count()} 核"
    )
    print(f"  storing the cycle and reports:           {stored:8.1f} s")
    print(f"  measure + score run (set-up):            {scoring:8.1f} s")
    print(f"  publish + render run, 2 processes:       {two:8.1f} s  ({pdfs} PDFs)")
    print(f"  same run again, 1 process:               {one:8.1f} s")
    print(f"  WeasyPrint alone, same {rendered} PDFs:       {direct:8.1f} s")
    for label, (before, after) in (("2 processes", cpu[0:2]), ("1 process", cpu[1:3])):
        print(
            f"  CPU, {label}: flow process {after[0] - before[0]:.0f} s,"
            f" render processes {after[1] - before[1]:.0f} s"
        )
    print(f"  flow (1 process) ÷ WeasyPrint (≤ 1.15):  {one / direct:8.2f}")
    print(f"  speed-up 1 → 2 processes (≥ 1.8):        {one / two:8.2f}×")
    for label, memory in (("2 processes", two_memory), ("1 process", one_memory)):
        roles = "，".join(
            f"{role} {size / 2**20:.0f}" for role, size in sorted(memory.by_role.items())
        )
        print(
            f"  peak memory, {label}, whole tree:     {memory.peak / 2**20:8.0f} MiB PSS"
            f" (≤ 1024; RSS summed {memory.peak_rss / 2**20:.0f}; by process, PSS: {roles})"
        )
    if args.keep:
        print(f"  PDFs and database kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
