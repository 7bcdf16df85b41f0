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
Run from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/cli_latency.py [--runs 5] [--importtime]

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
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GONGYI = Path(sys.executable).with_name("gongyi")
GOAL_SECONDS = 1.5

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


def main() -> None:
    """Prepare the database, time each command and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--importtime", action="store_true")
    options = parser.parse_args()
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
