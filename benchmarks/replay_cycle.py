"""How long a whole cycle takes through the CLI only, as a clerk types it, from an empty database.

Runs every step of `tests/journey_data/steps.py` (新安街道办事处, 2026: needs, the
fund, the call, two paper batches of proposals, layered selection step by step,
three weeks of daily reports, a weekly meeting, the June evaluation, the final
evaluation and the close) as a subprocess of `.venv/bin/gongyi`, against a fresh
SQLite database in a temporary folder (GONGYI_DATABASE_URL, GONGYI_VAR_DIR,
GONGYI_OUTPUT_DIR). Each step passes its business date; the clock is never faked.
It prints each command with its wall time, the total, and the PDFs written. A
command that fails prints its output and the script stops with exit 1.

By default each command that runs a flow starts Prefect's temporary server for
itself, as on a clerk's laptop. With `--server` a Prefect server is started once
(`prefect server start`, SQLite in the temporary folder) and every command is
pointed at it with PREFECT_API_URL, which shows what that start-up costs.
Run from the repository root:

    .venv/bin/python benchmarks/replay_cycle.py [--server] [--keep] [--only N]

The goal (issue #15) is the whole replay in under 3 minutes on an idle machine.

Measured 2026-12-05 on 2 cores shared with other agents (never idle), 57 commands,
42 PDFs (+ 20 archive copies): each flow command starting its own temporary
Prefect server, 324 s at load average 4–7 (629 s at load 9–11); with `--server`,
145 s (153 s with the server's start) at load 3.5–6.4 (322 s at load 9–11). The
slowest are `needs import` (the first flow command: 40 s embedded, 9 s with
`--server`), `monitor month` (PDFs), `call publish`, `cycle final` and `monitor week`.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.journey_data.steps import CYCLE_REPORT, Step, journey  # noqa: E402

GONGYI = Path(sys.executable).with_name("gongyi")
PREFECT = Path(sys.executable).with_name("prefect")
GOAL_SECONDS = 180


def scratch_env(folder: Path) -> dict[str, str]:
    """The environment of every command: a fresh database, var and output folder."""
    env = dict(os.environ)
    env.update(
        GONGYI_DATABASE_URL=f"sqlite:///{folder / 'gongyi.db'}",
        GONGYI_VAR_DIR=str(folder / "var"),
        GONGYI_OUTPUT_DIR=str(folder / "output"),
        COLUMNS="200",
        PYTHONUNBUFFERED="1",
    )
    for name in ("PREFECT_API_URL", "PREFECT_HOME"):  # embedded mode unless --server
        env.pop(name, None)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def prefect_server(folder: Path, env: dict[str, str]) -> Iterator[str]:
    """Start one Prefect server for the whole replay and yield its API URL."""
    port = _free_port()
    server_env = dict(env, PREFECT_HOME=str(folder / "prefect-server"))
    server_env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    log = (folder / "prefect-server.log").open("w")
    process = subprocess.Popen(
        [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{api}/health", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log_path = folder / "prefect-server.log"
                    raise SystemExit(f"Prefect 服务器未能启动，见 {log_path}") from None
                time.sleep(0.5)
        yield api
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def run_step(step: Step, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run one command as a subprocess; return its wall time and result."""
    started = time.perf_counter()
    done = subprocess.run(
        [str(GONGYI), *step.args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    return time.perf_counter() - started, done


def replay(folder: Path, env: dict[str, str], steps: list[Step]) -> list[tuple[str, float]]:
    """Run every step in order; stop with exit 1 at the first that fails."""
    timings: list[tuple[str, float]] = []
    for number, step in enumerate(steps, 1):
        seconds, done = run_step(step, env)
        timings.append((step.label, seconds))
        print(f"{number:3d}  {seconds:7.2f} s  {step.label}", flush=True)
        if done.returncode != 0:
            print(f"\n第 {number} 步失败（退出码 {done.returncode}）：{step.label}")
            print(done.stdout[-6000:])
            print(done.stderr[-6000:], file=sys.stderr)
            print(f"数据留在 {folder}")
            raise SystemExit(1)
    return timings


def _short(label: str, width: int = 72) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def report(timings: list[tuple[str, float]], output: Path, elapsed: float) -> None:
    """Print the slowest commands, the time per command group, the total and the PDFs written."""
    print(f"\n{'command (slowest first)':<72}  seconds")
    for label, seconds in sorted(timings, key=lambda t: -t[1]):
        print(f"{_short(label):<72}  {seconds:7.2f}")
    groups: dict[str, list[float]] = {}
    for label, seconds in timings:
        groups.setdefault(" ".join(label.split()[:3]), []).append(seconds)
    print(f"\n{'command group':<28}  runs  seconds")
    for group, times in sorted(groups.items(), key=lambda g: -sum(g[1])):
        print(f"{group:<28}  {len(times):4d}  {sum(times):7.2f}")
    total = sum(seconds for _, seconds in timings)
    pdfs = list(output.rglob("*.pdf"))
    archived = [p for p in pdfs if "archive" in p.relative_to(output).parts]
    print(
        f"\n{len(timings)} commands, total {total:.1f} s (wall {elapsed:.1f} s; goal {GOAL_SECONDS} s)"
    )
    print(f"PDFs written: {len(pdfs) - len(archived)} (+ {len(archived)} copies in the archive)")
    report_pdf = output / CYCLE_REPORT
    print(f"cycle report: {report_pdf} ({'present' if report_pdf.exists() else 'MISSING'})")
    load = os.getloadavg()
    print(
        f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--server", action="store_true", help="one Prefect server for every command"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--only", type=int, default=0, help="run only the first N steps")
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="gongyi-replay-"))
    env = scratch_env(folder)
    steps = journey()
    if options.only:
        steps = steps[: options.only]
    print(
        f"replaying {len(steps)} commands in {folder}"
        + (" with one Prefect server" if options.server else "")
    )
    started = time.perf_counter()
    if options.server:
        with prefect_server(folder, env) as api:
            env["PREFECT_API_URL"] = api
            timings = replay(folder, env, steps)
    else:
        timings = replay(folder, env, steps)
    report(timings, folder / "output", time.perf_counter() - started)
    if options.keep:
        print(f"kept: {folder}")
    else:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
