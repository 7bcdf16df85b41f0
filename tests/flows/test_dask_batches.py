"""The final reports, the donor statements and the archive's copies stored on a real Dask cluster.

One `distributed.LocalCluster` of two worker processes serves the module
(`GONGYI_DASK_SCHEDULER_ADDRESS` points the flows at it, so every batch runs
on Dask however small the run). Each test runs the real flow under the Prefect
harness and checks, from the register and the folder, that every document is
there and registered once, that the batches ran on the cluster's workers, and
that running the flow again stores nothing twice. The rendering path does not
depend on the database, so these run on SQLite only.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from prefect import flow
from sqlmodel import Session, select

from flows.closing.cycle_archive import verify_archive, write_archive
from flows.closing.final_evaluation import final_evaluation
from flows.fund.donor_statement import donor_statement
from flows.rendering import _render_pdf_batch, local_cluster_options
from models.cycle import Cycle
from models.register import DocumentRecord
from reports.output_store import COPY, STAMPS, StoredJob, file_sha256
from tests.builders import DEMO_DIR
from tests.flows.call_setup import open_demo_cycle, raise_demo_fund
from tests.flows.test_close_cycle import CLOSED_ON, PERIOD_END, _cycle_with_june, _score_and_review

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]
# The rendering path does not depend on the database: SQLite keeps the suite short.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A LocalCluster of two workers and a client that records which tasks ran on them."""
    from distributed import Client, LocalCluster

    with LocalCluster(**local_cluster_options(2)) as local, Client(local) as client:
        yield client


@pytest.fixture
def on_cluster(cluster: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Send every batch of the test to the module's cluster."""
    monkeypatch.setenv("GONGYI_DASK_SCHEDULER_ADDRESS", cluster.scheduler.address)
    monkeypatch.setenv("GONGYI_DASK_WORKERS", "2")
    return cluster


@contextmanager
def tasks_on(client: Any) -> Iterator[list[dict[str, Any]]]:
    """Collect the tasks the cluster's workers run meanwhile (each with its worker)."""
    from distributed import get_task_stream

    ran: list[dict[str, Any]] = []
    with get_task_stream(client=client) as stream:
        yield ran
    ran.extend(stream.data)
    workers = set(client.scheduler_info()["workers"])
    assert ran and all(task["worker"] in workers for task in ran)


def _registered(session: Session, output: Path, kind: str) -> dict[str, str]:
    session.expire_all()
    rows = session.exec(select(DocumentRecord).where(DocumentRecord.kind == kind)).all()
    assert len({(row.subject, row.period, row.version) for row in rows}) == len(rows)
    assert len({row.path for row in rows}) == len(rows)  # one row per document
    for row in rows:
        assert file_sha256(output / row.path) == row.sha256, row.path
    return {str(output / row.path): row.sha256 for row in rows}


def _inodes(paths: list[str]) -> dict[str, int]:
    return {path: Path(path).stat().st_ino for path in paths}


@SQLITE_ONLY
def test_final_reports_render_on_the_cluster_and_are_registered_once(
    session: Session, tmp_path: Path, on_cluster: Any
) -> None:
    cycle = _cycle_with_june(session)
    with tasks_on(on_cluster):
        _score_and_review(cycle, tmp_path)
    output = tmp_path / "output"
    registered = _registered(session, output, "final_evaluation")
    reports = sorted(str(p) for p in (output / "结项评估").glob("*.pdf"))
    assert len(reports) == 3 and sorted(registered) == reports
    assert all(Path(p).read_bytes().startswith(b"%PDF-") for p in reports)
    assert not list((output / STAMPS).glob("*.json"))  # the register holds the keys now
    before = _inodes(reports)

    again = final_evaluation(cycle.cycle_id, PERIOD_END, None, CLOSED_ON)

    assert sorted(again.reports) == reports and _inodes(reports) == before  # nothing re-rendered
    assert _registered(session, output, "final_evaluation") == registered


def _demo_donors(count: int) -> list[str]:
    with (DEMO_DIR / "donations.csv").open(encoding="utf-8") as rows:
        names = [row["捐赠方"] for row in csv.DictReader(rows)]
    return list(dict.fromkeys(names))[:count]


@SQLITE_ONLY
def test_donor_statements_render_on_the_cluster_and_are_registered_once(
    session: Session, tmp_path: Path, on_cluster: Any
) -> None:
    cycle_id = open_demo_cycle()
    raise_demo_fund(cycle_id)
    donors = _demo_donors(3)
    output = tmp_path / "output"

    with tasks_on(on_cluster):
        paths = donor_statement(cycle_id, date(2026, 7, 1), donors)

    assert [Path(p).stem for p in paths] == donors
    assert sorted(_registered(session, output, "donor_statement")) == sorted(paths)
    assert all(Path(p).read_bytes().startswith(b"%PDF-") for p in paths)
    before = _inodes(paths)

    assert donor_statement(cycle_id, date(2026, 7, 1), donors) == paths
    assert _inodes(paths) == before  # the same figures: nothing rendered again
    assert len(_registered(session, output, "donor_statement")) == len(donors)
    assert not list((output / STAMPS).glob("*.json"))


@SQLITE_ONLY
def test_the_archive_is_copied_and_hashed_on_the_cluster(
    tmp_path: Path, database_url: str, on_cluster: Any
) -> None:
    output = tmp_path / "output"
    files = []
    for n, name in enumerate(("2026-06/月度评估-01.pdf", "needs/需求调研报告-1.pdf", "a/b.pdf")):
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_bytes(b"%PDF " + bytes([n]) * 1000)
        files.append(output / name)
    cycle = Cycle(
        id=1,
        street_office="淮河路街道办事处",
        year=2026,
        name="2026年度公益创投",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
    )

    @flow
    def archive() -> tuple[Path, str]:
        return write_archive(
            output,
            cycle,
            files,
            rules_version=1,
            rules_sha256="0" * 64,
            created_on=date(2026, 12, 1),
        )

    with tasks_on(on_cluster):
        folder, _ = archive()

    manifest, problems = verify_archive(folder)
    assert problems == [] and len(manifest["files"]) == 3
    assert not list((output / STAMPS).glob("*.json"))


def test_a_retried_batch_finds_what_the_first_try_stored_and_stores_nothing_twice(
    tmp_path: Path,
) -> None:
    for name in ("a.pdf", "b.pdf"):
        (tmp_path / name).write_bytes(b"%PDF " + name.encode())
    jobs = [StoredJob(COPY, name, f"copies/{name}", "1:1") for name in ("a.pdf", "b.pdf")]

    first = _render_pdf_batch(jobs, str(tmp_path), str(tmp_path))
    inodes = {k.key: (tmp_path / k.key).stat().st_ino for k in first.keys}
    second = _render_pdf_batch(jobs, str(tmp_path), str(tmp_path))  # Dask ran it again

    assert (first.rendered, second.rendered, second.reused) == (2, 0, 2)
    assert [k.sha256 for k in second.keys] == [k.sha256 for k in first.keys]
    assert {k.key: (tmp_path / k.key).stat().st_ino for k in second.keys} == inodes
    assert sorted(p.name for p in (tmp_path / "copies").iterdir()) == ["a.pdf", "b.pdf"]
