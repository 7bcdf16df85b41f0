"""The month's PDFs rendered as Prefect tasks on a real Dask cluster, and a worker killed mid-run.

Each test starts a real `distributed.LocalCluster` of two worker processes (a few
seconds) and runs the monthly evaluation of a small month through Prefect's
`DaskTaskRunner`: the flow plans with the register, the workers store the PDFs
by key, the flow records the keys. Killing a worker with SIGKILL while it renders
leaves every PDF stored once and registered once.
"""

from __future__ import annotations

import os
import signal
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from flows.monitoring.monthly_evaluation import monthly_evaluation
from flows.rendering import local_cluster_options
from models.register import DocumentRecord
from reports.output_store import STAMPS, file_sha256
from tests.flows.test_monthly_evaluation import JUNE, june_reports, write_sheet
from tests.monitoring_builders import build_running_cycle

# The rendering fan-out does not depend on the database: run once, on SQLite.
pytestmark = [
    pytest.mark.flow,
    pytest.mark.one_backend,
    pytest.mark.usefixtures("prefect_harness"),
]


def _month(session: Session, tmp_path: Path, projects: int) -> tuple[int, str]:
    cycle = build_running_cycle(session, projects=projects)
    for project in cycle.project_ids:
        june_reports(session, project, skip=project % 5)
    sheet = write_sheet(
        tmp_path / "s.csv",
        [["周立衡", f"测试项目{n}", "85", "", "", ""] for n in range(1, projects + 1)],
    )
    return cycle.cycle_id, sheet


def _registered(session: Session, output: Path) -> dict[str, str]:
    session.expire_all()
    rows = session.exec(select(DocumentRecord)).all()
    assert len({row.path for row in rows}) == len(rows)  # one row per document
    for row in rows:
        assert file_sha256(output / row.path) == row.sha256, row.path
    return {str(output / row.path): row.sha256 for row in rows}


def test_a_month_renders_on_a_local_dask_cluster_and_is_registered(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGYI_DASK_MIN_DOCUMENTS", "0")  # a LocalCluster even for 4 PDFs
    monkeypatch.setenv("GONGYI_DASK_WORKERS", "2")
    cycle_id, sheet = _month(session, tmp_path, projects=3)
    summary = monthly_evaluation(cycle_id, JUNE, sheet, date(2026, 7, 1), drafts=True)
    output = tmp_path / "output"
    assert len(summary.pdfs) == 4 and summary.failed_pdfs == ()
    assert all(Path(p).read_bytes().startswith(b"%PDF-") for p in summary.pdfs)
    assert sorted(_registered(session, output)) == sorted(summary.pdfs)
    # Rendered by the cluster's worker processes, not by the flow's.
    assert summary.rendered_on and all(
        not name.endswith(f":{os.getpid()}") for name in summary.rendered_on
    )
    assert not list((output / STAMPS).glob("*.json"))  # the register holds the keys now


def test_a_worker_killed_mid_batch_leaves_every_pdf_stored_and_registered_once(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import Client, LocalCluster

    cycle_id, sheet = _month(session, tmp_path, projects=4)
    output = tmp_path / "output"
    with (
        LocalCluster(**local_cluster_options(2)) as cluster,
        Client(cluster) as client,
    ):
        monkeypatch.setenv("GONGYI_DASK_SCHEDULER_ADDRESS", cluster.scheduler_address)
        pids = client.run(os.getpid)  # worker address -> its process id
        first_seen: dict[Path, int] = {}
        killed: list[tuple[int, int]] = []
        stop = threading.Event()

        def kill_a_busy_worker() -> None:
            # Watch the PDFs appear (keeping the inode each was first stored with); once the
            # first is there, kill -9 a worker that is rendering a batch.
            while not stop.is_set():
                for pdf in output.rglob("*.pdf"):
                    first_seen.setdefault(pdf, pdf.stat().st_ino)
                if first_seen and not killed:
                    busy = [address for address, keys in client.processing().items() if keys]
                    if busy:
                        pid = pids[busy[0]]
                        os.kill(pid, signal.SIGKILL)
                        killed.append((pid, len(first_seen)))
                stop.wait(0.05)

        watcher = threading.Thread(target=kill_a_busy_worker, daemon=True)
        watcher.start()
        try:
            summary = monthly_evaluation(cycle_id, JUNE, sheet, date(2026, 7, 1), drafts=True)
        finally:
            stop.set()
            watcher.join()
    assert killed and killed[0][1] < 5, "the worker was killed before the month was done"
    assert len(summary.pdfs) == 5 and summary.failed_pdfs == ()
    assert all(Path(p).is_file() for p in summary.pdfs)
    assert sorted(_registered(session, output)) == sorted(summary.pdfs)
    assert session.exec(select(func.count()).select_from(DocumentRecord)).one() == 5
    # No PDF was stored twice: every file keeps the inode it was first renamed into place with.
    for pdf, inode in first_seen.items():
        assert pdf.stat().st_ino == inode, f"{pdf.name} was rendered again"
    assert len(list(output.rglob("*.pdf"))) == 5
