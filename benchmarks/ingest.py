"""Daily-report ingest over HTTP: the portal's API against a bare FastAPI endpoint, same run.

Seeds a SQLite database with 50 running projects, one agency account and API
token each, then starts two servers the same way (uvicorn in a subprocess, the
same worker count): the real portal (`create_app`) and a bare FastAPI app whose
one endpoint returns 200. 50 concurrent clients (httpx, asyncio), one per
agency, each submit daily reports for successive days to their own project —
every tenth request is a re-send of the previous one, as a double click would
be — and then the same requests go to the bare endpoint. It prints requests per
second for both, their ratio (target ≥ 0.5), and checks the database: every
report sent is stored exactly once (0 lost, 0 duplicated), and every answered
submission has its audit event. Run from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/ingest.py [--requests 40] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

CLIENTS = 50
ROOT = Path(__file__).resolve().parents[1]


def real_app():  # type: ignore[no-untyped-def]
    """The portal, for `uvicorn --factory` (settings from GONGYI_* in the environment)."""
    from settings import get_settings
    from web.app import create_app

    return create_app(get_settings())


def bare_app():  # type: ignore[no-untyped-def]
    """A FastAPI app with one endpoint that returns 200, for `uvicorn --factory`."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.post("/api/projects/{project_id}/daily-reports")
    async def accept(project_id: int) -> dict[str, bool]:
        return {"ok": True}

    return app


def seed(url: str) -> list[tuple[int, str, date]]:
    """Store 50 running projects with an agency account and token each; return (id, token, start)."""
    from sqlmodel import Session, SQLModel

    import models  # noqa: F401  (registers the tables)
    from models.project import Project
    from models.status import Role
    from store.accounts import add_account, add_api_token
    from store.database import get_engine
    from tests.monitoring_builders import build_running_cycle

    engine = get_engine(url)
    SQLModel.metadata.create_all(engine)
    today = datetime.now(UTC).date()
    start = today - timedelta(days=120)
    seeded = []
    with Session(engine, expire_on_commit=False) as session:
        cycle = build_running_cycle(session, projects=CLIENTS)
        for n, (project_id, agency_id) in enumerate(
            zip(cycle.project_ids, cycle.agency_ids, strict=True)
        ):
            project = session.get(Project, project_id)
            assert project is not None
            # Run the projects around today, so every day sent is inside the run and not ahead.
            project.starts_on, project.ends_on = start, today + timedelta(days=30)
            session.add(project)
            account = add_account(
                session,
                login=f"agency{n}",
                password="benchmark-password",
                name=f"机构{n}",
                role=Role.AGENCY,
                agency_id=agency_id,
            )
            token = add_api_token(session, account_id=account.id or 0, now=datetime.now(UTC))
            seeded.append((project_id, token, start))
        session.commit()
    engine.dispose()
    return seeded


def payload(day: date) -> dict[str, Any]:
    """One day's report: two activities, hours, volunteers, a small spend."""
    return {
        "day": day.isoformat(),
        "activities": [
            {"kind": "group", "title": "智能手机课", "people": 18},
            {"kind": "case", "title": "入户探访", "people": 3},
        ],
        "beneficiaries": ["E01-0007", "E01-0012"],
        "service_hours": 2.5,
        "volunteers": 2,
        "volunteer_hours": 4,
        "spend_fen": {"活动费": 1000},
        "summary": f"{day} 的服务小结",
    }


def plan(start: date, requests: int) -> list[date]:
    """The days one client sends, in order; every tenth is a re-send of the one before."""
    days: list[date] = []
    for n in range(requests):
        days.append(days[-1] if n % 10 == 9 else start + timedelta(days=len(set(days))))
    return days


def free_port() -> int:
    """Return a TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(factory: str, *, env: dict[str, str], workers: int) -> tuple[subprocess.Popen, str]:  # type: ignore[type-arg]
    """Start uvicorn on a free port with this app factory; return the process and base URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--factory", f"ingest:{factory}",
        "--app-dir", str(ROOT / "benchmarks"), "--port", str(port),
        "--workers", str(workers), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(f"{base}/api/openapi.json", timeout=1)
            return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"{factory} 没有在 30 秒内启动")


async def client(base: str, project_id: int, token: str, days: list[date]) -> Counter[int]:
    """Send one agency's reports one after another; count the answers by status."""
    answers: Counter[int] = Counter()
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
        for day in days:
            response = await http.post(
                f"/api/projects/{project_id}/daily-reports", json=payload(day)
            )
            answers[response.status_code] += 1
    return answers


async def load(
    base: str, seeded: list[tuple[int, str, date]], requests: int, offset: int
) -> tuple[float, Counter[int]]:
    """Run the 50 clients at once; return the elapsed seconds and the answers by status."""
    began = time.perf_counter()
    counts = await asyncio.gather(
        *(
            client(base, project_id, token, plan(start + timedelta(days=offset), requests))
            for project_id, token, start in seeded
        )
    )
    elapsed = time.perf_counter() - began
    return elapsed, sum(counts, Counter())


def check_database(
    url: str, seeded: list[tuple[int, str, date]], expected_days: set[int]
) -> tuple[int, int]:
    """Count reports sent but not stored, and reports stored more than once."""
    from sqlmodel import Session, select

    from models.monitoring import DailyReport
    from store.database import get_engine

    with Session(get_engine(url)) as session:
        rows = session.exec(select(DailyReport.project_id, DailyReport.day)).all()
    stored = Counter(rows)
    expected = {
        (project_id, start + timedelta(days=d))
        for project_id, _, start in seeded
        for d in expected_days
    }
    lost = len(expected - set(stored))
    duplicated = sum(n - 1 for n in stored.values() if n > 1) + len(set(stored) - expected)
    return lost, duplicated


def count_audited(url: str) -> int:
    """Count the audit events of daily-report submissions (one per answered request)."""
    from sqlmodel import Session, col, func, select

    from models.user import AuditEvent
    from store.database import get_engine

    with Session(get_engine(url)) as session:
        return session.exec(
            select(func.count()).where(col(AuditEvent.action).startswith("daily_report_"))
        ).one()


def main() -> None:
    """Run both servers under the same load and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="每个客户端发送的请求数")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn 工作进程数（两个服务相同）")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gongyi-ingest-"))
    url = f"sqlite:///{folder / 'ingest.db'}"
    seeded = seed(url)
    env = os.environ | {
        "GONGYI_DATABASE_URL": url,
        "GONGYI_OUTPUT_DIR": str(folder / "output"),
        "GONGYI_VAR_DIR": str(folder / "var"),
        "PYTHONPATH": str(ROOT),
    }
    warmup, timed = 3, args.requests
    results, warmed = {}, {}
    for name in ("real_app", "bare_app"):
        process, base = serve(name, env=env, workers=args.workers)
        try:
            warmed[name] = asyncio.run(load(base, seeded, warmup, offset=0))[1]
            results[name] = asyncio.run(load(base, seeded, timed, offset=warmup))
        finally:
            process.terminate()
            process.wait(timeout=30)
    sent = CLIENTS * timed
    real_s, real_codes = results["real_app"]
    bare_s, bare_codes = results["bare_app"]
    real_rate, bare_rate = sent / real_s, sent / bare_s
    days = set(range(warmup)) | {warmup + d for d in range(len(set(plan(date.min, timed))))}
    lost, duplicated = check_database(url, seeded, days)
    answered = sum(real_codes.values()) + sum(warmed["real_app"].values())
    audited = count_audited(url)
    print(f"{CLIENTS} 个并发客户端，每个 {timed} 个请求（每 10 个中 1 个为重复提交），"
          f"uvicorn {args.workers} 个工作进程，SQLite")  # fmt: skip
    print(f"  门户 API 提交日报告：{real_rate:7.1f} 请求/秒   应答 {dict(real_codes)}")
    print(f"  空 FastAPI 端点：    {bare_rate:7.1f} 请求/秒   应答 {dict(bare_codes)}")
    print(f"  比值：{real_rate / bare_rate:.2f}（目标 ≥ 0.5）")
    print(
        f"  数据库核对：丢失 {lost} 份，重复 {duplicated} 份；审计事件 {audited} 条（应为 {answered}）"
    )
    if lost or duplicated or audited != answered or set(real_codes) - {200, 201}:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
