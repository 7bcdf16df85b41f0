"""The monitoring schedules as deployments, and `gongyi serve`, which makes them fire.

Prefect's embedded (ephemeral) mode runs flows but never schedules, so
`serve` starts a local Prefect server on SQLite (its home under var/), then
serves the three monitoring deployments from this process: the evening
daily check (Monday to Friday, 20:00), the Monday 09:00 weekly meeting and
the monthly evaluation on the 1st at 10:00, all in Asia/Shanghai. The
Prefect UI at http://127.0.0.1:<port> shows them and their scheduled runs.
The same schedules are in `prefect.yaml` for running with a work pool.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.monitoring.daily_check import daily_check
from flows.monitoring.monthly_evaluation import monthly_evaluation
from flows.monitoring.weekly_meeting import weekly_meeting
from flows.server_address import is_server_up

STARTUP_SECONDS = 120


@dataclass(frozen=True)
class Schedule:
    """One scheduled deployment: its name, flow, cron and what it is for."""

    name: str
    flow: Any
    cron: str
    description: str


SCHEDULES = (
    Schedule(
        "daily-check", daily_check, "0 20 * * 1-5", "工作日 20:00 检查日报告：缺交提醒、督办、黄牌"
    ),
    Schedule("weekly-meeting", weekly_meeting, "0 9 * * 1", "每周一 09:00 生成周例会议程与纪要"),
    Schedule(
        "monthly-evaluation",
        monthly_evaluation,
        "0 10 1 * *",
        "每月 1 日 10:00 上月月评估与 PDF 报告",
    ),
)


def build_deployments(*, timezone: str, cycle_id: int | None) -> list[Any]:
    """Build the runner deployments of the monitoring schedules."""
    from prefect.schedules import Cron

    parameters = {"cycle_id": cycle_id} if cycle_id is not None else {}
    return [
        s.flow.to_deployment(
            name=s.name,
            description=s.description,
            schedules=[Cron(s.cron, timezone=timezone)],
            parameters=parameters,
            tags=["gongyi", "monitoring"],
        )
        for s in SCHEDULES
    ]


@contextmanager
def local_server(home: Path, *, port: int) -> Iterator[str]:
    """Run `prefect server start` on 127.0.0.1 with its SQLite under `home`; yield the API URL."""
    api_url = f"http://127.0.0.1:{port}/api"
    if is_server_up(api_url):
        raise RuntimeError(f"端口 {port} 上已有 Prefect 服务器：请换一个端口（--port）或先停止它")
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    command = [
        sys.executable,
        "-m",
        "prefect",
        "server",
        "start",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with (home / "server.log").open("ab") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(api_url, server, home / "server.log")
        yield api_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_for(api_url: str, server: subprocess.Popen, log: Path) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"Prefect 服务器未能启动，请查看 {log}")
        if is_server_up(api_url):
            return
        time.sleep(0.5)
    raise RuntimeError(f"Prefect 服务器 {STARTUP_SECONDS} 秒内没有就绪，请查看 {log}")


def serve_schedules(api_url: str, *, timezone: str, cycle_id: int | None) -> None:
    """Register the monitoring deployments with the server at `api_url` and run them as scheduled."""
    from prefect import serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # A plain `kill` should stop the server too, as Ctrl-C does, not leave it running.
    signal.signal(signal.SIGTERM, _interrupt)
    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        serve(*build_deployments(timezone=timezone, cycle_id=cycle_id))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


# --- `gongyi server`: the Prefect server, the work pool's workers and the deployments (#18) ---

WORK_POOL = "gongyi"  # the work pool prefect.yaml's deployments name


def ensure_work_pool(api_url: str, name: str = WORK_POOL) -> bool:
    """Create the process work pool `name` on the server at `api_url`; False if it existed."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as c:
        try:
            c.create_work_pool(WorkPoolCreate(name=name, type="process"))
        except ObjectAlreadyExists:
            return False
    return True


def _prefect_env(api_url: str, project_dir: Path) -> dict[str, str]:
    env = {**os.environ, "PREFECT_API_URL": api_url, "GONGYI_PROJECT_DIR": str(project_dir)}
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    return env


def deploy_project(
    api_url: str, project_dir: Path, *, pool: str = WORK_POOL, only: set[str] | None = None
) -> list[str]:
    """Register every deployment of `prefect.yaml` (schedules included) on the server; name them.

    Registered from Python rather than by `prefect deploy --all`, whose check for online
    workers the Prefect 3.8 server refuses (422: `limit` None). The code is pulled the way
    prefect.yaml says: a process worker runs each flow in `project_dir`. `only` names the
    deployments to register (default: all).
    """
    import yaml
    from prefect import Flow
    from prefect.schedules import Cron
    from prefect.settings import PREFECT_API_URL, temporary_settings

    config = yaml.safe_load((project_dir / "prefect.yaml").read_text(encoding="utf-8"))
    names = []
    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        for item in config["deployments"]:
            if only is not None and item["name"] not in only:
                continue
            flow = Flow.from_source(source=str(project_dir), entrypoint=item["entrypoint"])
            deployment = flow.to_deployment(
                name=item["name"],
                description=item.get("description"),
                parameters=item.get("parameters") or {},
                schedules=[
                    Cron(s["cron"], timezone=s.get("timezone")) for s in item.get("schedules", [])
                ],
                tags=item.get("tags") or [],
            )
            deployment.apply(work_pool_name=(item.get("work_pool") or {}).get("name", pool))
            names.append(f"{flow.name}/{item['name']}")
    return names


@contextmanager
def process_workers(
    api_url: str, *, count: int, project_dir: Path, log: Path, pool: str = WORK_POOL
) -> Iterator[list[subprocess.Popen]]:  # type: ignore[type-arg]
    """Run `count` Prefect process workers polling `pool`; stop them after."""
    command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool]
    command += ["--type", "process"]
    env = _prefect_env(api_url, project_dir)
    workers = []
    with log.open("ab") as out:
        for n in range(count):
            named = [*command, "--name", f"{pool}-{os.uname().nodename}-{os.getpid()}-{n + 1}"]
            workers.append(
                subprocess.Popen(named, cwd=project_dir, env=env, stdout=out, stderr=out)
            )
    try:
        yield workers
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()


def wait_for_exit(processes: list[subprocess.Popen]) -> int:  # type: ignore[type-arg]
    """Block until one of `processes` ends (none: forever) or Ctrl-C / SIGTERM; return its code."""
    signal.signal(signal.SIGTERM, _interrupt)
    while True:
        for process in processes:
            code = process.poll()
            if code is not None:
                return code
        time.sleep(1)
