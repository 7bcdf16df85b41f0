"""The scale-out topology end to end: a Prefect server, a process worker, a deployment, Dask.

It starts a real Prefect server (SQLite under the test's folder), creates the
process work pool `gongyi`, registers prefect.yaml's monthly-evaluation
deployment, starts one worker, and runs a small month through the deployment:
the worker starts the flow run in a process of its own, which renders the PDFs
on a LocalCluster through `DaskTaskRunner`. It takes one to three minutes, so it
runs only when GONGYI_TEST_DEPLOYMENT=1.
"""

from __future__ import annotations

import os
import socket
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models.register import DocumentRecord
from settings import PROJECT_ROOT
from tests.flows.test_monthly_evaluation import JUNE, june_reports, write_sheet
from tests.monitoring_builders import build_running_cycle

pytestmark = [
    pytest.mark.flow,
    pytest.mark.skipif(
        os.environ.get("GONGYI_TEST_DEPLOYMENT") != "1",
        reason="starts a Prefect server and a worker (1-3 min); set GONGYI_TEST_DEPLOYMENT=1",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_month_runs_through_a_deployment_on_a_process_worker_with_dask(
    session: Session, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("one backend is enough: the worker's flow run reads the same settings")
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import deploy_project, ensure_work_pool, local_server, process_workers

    cycle = build_running_cycle(session, projects=2)
    for project in cycle.project_ids:
        june_reports(session, project)
    sheet = write_sheet(
        tmp_path / "s.csv", [["周立衡", f"测试项目{n}", "85", "", "", ""] for n in (1, 2)]
    )
    monkeypatch.setenv("GONGYI_DASK_MIN_DOCUMENTS", "0")  # the flow run starts a LocalCluster
    monkeypatch.setenv("GONGYI_DASK_WORKERS", "1")
    home = tmp_path / "prefect-server"
    with local_server(home, port=_free_port()) as api_url:
        assert ensure_work_pool(api_url)
        assert deploy_project(api_url, PROJECT_ROOT, only={"monthly-evaluation"}) == [
            "monthly_evaluation/monthly-evaluation"
        ]
        with (
            process_workers(api_url, count=1, project_dir=PROJECT_ROOT, log=home / "worker.log"),
            temporary_settings(updates={PREFECT_API_URL: api_url}),
        ):
            run = run_deployment(
                "monthly_evaluation/monthly-evaluation",
                parameters={
                    "cycle_id": cycle.cycle_id,
                    "month": JUNE,
                    "scores_path": sheet,
                    "today": date(2026, 7, 1).isoformat(),
                    "drafts": True,
                },
                timeout=300,
            )
    assert run.state is not None and run.state.is_completed(), (
        run.state,
        (home / "worker.log").read_text(errors="replace")[-3000:],
    )
    output = tmp_path / "output"
    pdfs = sorted(output.rglob("*.pdf"))
    assert len(pdfs) == 3 and all(p.read_bytes().startswith(b"%PDF-") for p in pdfs)
    session.expire_all()
    assert session.exec(select(func.count()).select_from(DocumentRecord)).one() == 3
