"""How long the short `gongyi` commands take, run as a clerk runs them: one process each.

Prepares a scratch SQLite database the way the demo starts (the 淮河路街道 cycle
with its needs, the fund with its gifts, the call with its proposals screened),
in a process of its own, then runs the real `gongyi` executable as a subprocess
five times per command and prints the median wall time of:

- `gongyi needs review --cycle 1`
- `gongyi fund show --cycle 1`
- `gongyi needs classify <100 rows> --output …` (default domains, no database)
- `gongyi proposal screening --call 1`
- `gongyi --help` (the floor: Python, Typer and Rich)

The goal is ≤ 1.5 s each on an idle machine. With --importtime it also prints
the ten most expensive imports of each command (`python -X importtime`).

With --flows it times instead the commands a clerk runs that write a document
through a flow, on a small database of their own (`benchmarks.monthly.store_cycle`:
a running cycle of 5 projects with 14 days of daily reports, and the demo
cycle's 110 needs), three runs each, in two modes:

- `gongyi needs summary --cycle 2` (需求调研报告 and 需求汇总表);
- `gongyi monitor week --cycle 1 --week-start 2026-06-08` (周例会议程, the
  `weekly_meeting` flow);

(a) with no server: each command that runs a flow boots Prefect's temporary
server for itself; (b) with `gongyi server --workers 0 --no-deploy` started by
the script (waited for until it announces its URL under `var/prefect-server/`,
stopped at the end), which every command finds and uses. The output folder is
emptied before each run, so every run writes its PDF again. The goal is ≤ 3 s
per command with a server.
Run from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/cli_latency.py [--runs 5] [--importtime]
    PYTHONPATH=. .venv/bin/python benchmarks/cli_latency.py --flows [--runs 3]

Measured 2026-12-05 on 2 cores shared with six other jobs (load average 8–11, so
wall times are inflated; the CPU time is what a command costs): --help 0.26 s
(CPU 0.21); needs review 1.99 s (CPU 0.95); fund show 2.18 s (CPU 1.00); needs
classify 1.70 s (CPU 1.14); proposal screening 1.62 s (CPU 0.99). Before the CLI
was split and the short commands stopped starting Prefect, under the same load:
2.30 / 3.15 / 7.94 / 3.81 s. About 0.6 s of each database command is `import
models` (SQLModel and SQLAlchemy, and building every table class).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GONGYI = Path(sys.executable).with_name("gongyi")
GOAL_SECONDS = 1.5
FLOW_GOAL_SECONDS = 3.0  # a command that runs a flow, with `gongyi server` running

PREPARE = """
from datetime import date
from pathlib import Path

from cli.common import prepare_prefect, upgrade
from settings import get_settings

settings = get_settings()
prepare_prefect(settings)
upgrade(settings)

from flows.call.close_call import close_call
from flows.call.open_cycle import open_cycle
from flows.call.publish_call import publish_call
from flows.demo.demo_selection import receive_demo_bids
from flows.call.register_agencies import register_agencies
from flows.demo.demo_cycle import CYCLE_NAME, FUND_NAME, STREET_OFFICE, YEAR
from flows.fund.raise_fund import raise_fund
from flows.needs.needs_intake import needs_intake

data = Path({data!r})
cycle_id = open_cycle(
    STREET_OFFICE, YEAR, CYCLE_NAME, date(2026, 3, 1), date(2026, 12, 31),
    str(data / "communities.csv"),
)
needs_intake(cycle_id, str(data / "needs.csv"), date(2026, 3, 31))
raise_fund(cycle_id, FUND_NAME, str(data / "donations.csv"), str(data / "in_kind.csv"))
call_id = publish_call(cycle_id, str(data / "call.toml"), date(2026, 5, 1))
register_agencies(str(data / "agencies.csv"), str(data / "track_records.csv"))
receive_demo_bids(call_id, data)
screening = close_call(call_id, date(2026, 5, 21))
print(cycle_id, call_id, screening.eligible, len(screening.ineligible))
"""


def prepare(folder: Path, env: dict[str, str]) -> tuple[int, int]:
    """Build the scratch database (demo data) in a process of its own; return cycle and call ids."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PREPARE.format(data=str(ROOT / "demo"))],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"preparing the database failed:\n{done.stderr[-3000:]}")
    cycle_id, call_id, eligible, ineligible = map(int, done.stdout.split()[-4:])
    print(
        f"prepared in {time.perf_counter() - started:.1f} s: cycle #{cycle_id}, call #{call_id} "
        f"({eligible} proposals eligible, {ineligible} not)"
    )
    return cycle_id, call_id


def write_classify_input(path: Path, rows: int = 100) -> Path:
    """A file of `rows` needs to classify, taken (cycled) from the demo's needs."""
    with (ROOT / "demo" / "needs.csv").open(encoding="utf-8") as handle:
        texts = [row["需求内容"] for row in csv.DictReader(handle)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["编号", "text"])
        for i in range(rows):
            writer.writerow([str(i + 1), texts[i % len(texts)]])
    return path


def timed(
    args: list[str], env: dict[str, str], cwd: Path, runs: int
) -> tuple[float, float, list[float]]:
    """Run `gongyi args` `runs` times; return the median wall and CPU time and every wall time.

    The CPU time (user + system of the child) says what the command costs when the
    machine is shared; the wall time is what the clerk waits.
    """
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [str(GONGYI), *args], env=env, cwd=cwd, capture_output=True, text=True, check=False
        )
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            sys.exit(f"gongyi {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return statistics.median(times), statistics.median(cpu), times


def import_costs(args: list[str], env: dict[str, str], cwd: Path, top: int = 10) -> list[str]:
    """The `top` most expensive imports (cumulative, µs) of one run of `gongyi args`."""
    code = f"import sys; sys.argv = ['gongyi', *{args!r}]; import cli; cli.main()"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|")
        rows.append((int(cumulative), int(own), name.strip()))
    total = sum(own for _, own, _ in rows)
    prefect = "prefect" in {name.split(".")[0] for _, _, name in rows}
    lines = [f"    imports {total / 1e6:.2f} s in all; prefect imported: {prefect}"]
    lines += [
        f"    {cum / 1e6:6.3f} s  {name}" for cum, _, name in sorted(rows, reverse=True)[:top]
    ]
    return lines


SEED = """
from cli.common import upgrade
from settings import get_settings

settings = get_settings()
upgrade(settings)

from benchmarks.monthly import store_cycle
from tests.flows.call_setup import open_demo_cycle

print(store_cycle(settings.database_url, 5, 14), open_demo_cycle(2027))
"""


def seed(folder: Path, env: dict[str, str]) -> tuple[int, int]:
    """Store the small database in a process of its own; return the running and the needs cycle."""
    done = subprocess.run(
        [sys.executable, "-c", SEED], env=env, cwd=folder, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"seeding the database failed:\n{done.stderr[-3000:]}")
    running, needs = map(int, done.stdout.split()[-2:])
    return running, needs


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(folder: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], float]:
    """Start `gongyi server` and wait until it announces its URL; return it and the wait."""
    sys.path.insert(0, str(ROOT))
    from flows.server_address import API_URL_FILE, SERVER_HOME, running_server

    home = Path(env["GONGYI_VAR_DIR"]) / SERVER_HOME
    log = (folder / "gongyi-server.log").open("wb")
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(GONGYI), "server", "--port", str(_free_port()), "--workers", "0", "--no-deploy"],
        env=env,
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, stopped as one at the end
    )
    while running_server(home) is None:
        if server.poll() is not None or time.perf_counter() - started > 180:
            stop_server(server)
            sys.exit(
                f"gongyi server did not announce {home / API_URL_FILE}: {folder}/gongyi-server.log"
            )
        time.sleep(0.5)
    return server, time.perf_counter() - started


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop the server as Ctrl-C would (SIGTERM to its group), then for good if it hangs."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def timed_fresh(
    args: list[str], env: dict[str, str], cwd: Path, runs: int
) -> tuple[float, float, list[float]]:
    """Like `timed`, each run on an emptied output folder, so each writes its PDF again."""
    walls, cpus = [], []
    for _ in range(runs):
        shutil.rmtree(env["GONGYI_OUTPUT_DIR"], ignore_errors=True)
        wall, cpu, _ = timed(args, env, cwd, 1)
        walls.append(wall)
        cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus), walls


def flow_commands(runs: int) -> None:
    """Time the commands that run a flow, with no server and with `gongyi server` (see module)."""
    with tempfile.TemporaryDirectory(prefix="gongyi-flows-") as tmp:
        folder = Path(tmp)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "GONGYI_DATABASE_URL": f"sqlite:///{folder / 'gongyi.db'}",
            "GONGYI_VAR_DIR": str(folder / "var"),
            "GONGYI_OUTPUT_DIR": str(folder / "output"),
        }
        env.pop("PREFECT_API_URL", None)  # (a) is the embedded mode
        running, needs = seed(folder, env)
        commands = {
            "needs summary": ["needs", "summary", "--cycle", str(needs), "--today", "2026-03-31"],
            "monitor week": [
                "monitor",
                "week",
                "--cycle",
                str(running),
                "--week-start",
                "2026-06-08",
            ],
        }
        figures: dict[tuple[str, str], float] = {}
        for mode in ("no server", "gongyi server"):
            server = None
            if mode == "gongyi server":
                server, waited = start_server(folder, env)
                print(f"gongyi server announced its URL after {waited:.1f} s")
            try:
                load = " ".join(f"{x:.1f}" for x in os.getloadavg())
                print(f"({mode}) load average {load} on {os.cpu_count()} cores; median of {runs}")
                for label, args in commands.items():
                    median, cpu, times = timed_fresh(args, env, folder, runs)
                    figures[(label, mode)] = median
                    spread = " ".join(f"{t:.2f}" for t in times)
                    print(f"  {label:16} {median:6.2f} s  CPU {cpu:5.2f} s  ({spread})")
            finally:
                if server is not None:
                    stop_server(server)
        print(f"goal: ≤ {FLOW_GOAL_SECONDS:.0f} s per command with a server")
        for label in commands:
            with_server = figures[(label, "gongyi server")]
            verdict = "ok" if with_server <= FLOW_GOAL_SECONDS else "SLOW"
            print(
                f"  {label:16} no server {figures[(label, 'no server')]:6.2f} s, "
                f"with gongyi server {with_server:6.2f} s [{verdict}]"
            )


def main() -> None:
    """Prepare the database, time each command and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=0, help="runs per command (5; --flows: 3)")
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--flows", action="store_true", help="the commands that run a flow")
    options = parser.parse_args()
    if options.flows:
        flow_commands(options.runs or 3)
        return
    options.runs = options.runs or 5
    with tempfile.TemporaryDirectory(prefix="gongyi-cli-") as tmp:
        folder = Path(tmp)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "GONGYI_DATABASE_URL": f"sqlite:///{folder / 'gongyi.db'}",
            "GONGYI_VAR_DIR": str(folder / "var"),
            "GONGYI_OUTPUT_DIR": str(folder / "output"),
        }
        cycle_id, call_id = prepare(folder, env)
        needs_file = write_classify_input(folder / "needs100.csv")
        commands = {
            "gongyi --help": ["--help"],
            "needs review": ["needs", "review", "--cycle", str(cycle_id)],
            "fund show": ["fund", "show", "--cycle", str(cycle_id)],
            "needs classify (100 rows)": [
                "needs",
                "classify",
                str(needs_file),
                "--output",
                str(folder / "classified.csv"),
            ],
            "proposal screening": ["proposal", "screening", "--call", str(call_id)],
        }
        load = os.getloadavg()[0]
        print(f"load average {load:.1f} on {os.cpu_count()} cores; median of {options.runs} runs")
        slow = []
        for label, args in commands.items():
            median, cpu, times = timed(args, env, folder, options.runs)
            verdict = "ok" if median <= GOAL_SECONDS else "SLOW"
            if median > GOAL_SECONDS:
                slow.append(label)
            spread = " ".join(f"{t:.2f}" for t in times)
            print(f"{label:28} {median:5.2f} s  [{verdict}]  CPU {cpu:4.2f} s  ({spread})")
            if options.importtime:
                print("\n".join(import_costs(args, env, folder)))
        if slow:
            print(f"over {GOAL_SECONDS} s: {', '.join(slow)} (is the machine idle?)")


if __name__ == "__main__":
    main()
