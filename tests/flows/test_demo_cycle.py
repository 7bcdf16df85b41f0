"""The demo cycle runs every stage as real Prefect flows, writes real PDFs, and can run again."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session, SQLModel

from flows.closing.cycle_archive import verify_archive
from flows.demo.demo_cycle import demo_cycle
from models.fund import LedgerEntry, LedgerKind
from models.register import DocumentRecord
from services.register import verify_documents
from store.database import get_engine
from tests.builders import DEMO_DIR
from tests.flows.demo_figures import check_dated_figures_agree

pytestmark = pytest.mark.usefixtures("prefect_harness")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _row_counts(url: str) -> dict[str, int]:
    with get_engine(url).connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in SQLModel.metadata.tables.items()
            if name != "auditevent"
        }


def _ledger_totals(url: str) -> dict[str, int]:
    with get_engine(url).connect() as connection:
        rows = connection.execute(
            select(LedgerEntry.kind, func.sum(LedgerEntry.amount_fen)).group_by(LedgerEntry.kind)
        ).all()
    return {kind: int(total) for kind, total in rows}


def _check_demo(database_url: str, *, run_twice: bool):  # type: ignore[no-untyped-def]
    summary = demo_cycle(str(DEMO_DIR))
    counts, totals = _row_counts(database_url), _ledger_totals(database_url)

    assert summary.screening.ineligible.keys() == {
        "爱心陪伴·老年人精神慰藉",
        "快乐童年·儿童托管服务",
    }
    chosen = summary.selection.selection
    assert chosen.approved == 22 and len(summary.selection.conclusion.contracts) == 22
    assert set(chosen.preliminary_failed) == {"青少年周末兴趣班", "社区文化节"}
    assert chosen.conflicts_excluded and summary.selection.conclusion.objections == 1
    assert counts["project"] == 22 and counts["need"] == 110 and counts["proposal"] == 26
    assert totals[LedgerKind.DONATION] == 26_000_000
    assert totals[LedgerKind.COMMITMENT] == chosen.approved_fen <= totals[LedgerKind.DONATION]
    assert totals[LedgerKind.PAYMENT] >= chosen.approved_fen // 2
    assert len(summary.evaluation.grades) == 22 and len(summary.evaluation.pdfs) == 23
    _check_closing(summary, database_url)

    if run_twice:
        output = Path(os.environ["GONGYI_OUTPUT_DIR"])
        before, versions = _document_hashes(output), _versions_after_the_first(database_url)
        demo_cycle(str(DEMO_DIR))
        assert _versions_after_the_first(database_url) == versions == []  # no document changed
        assert _row_counts(database_url) == counts
        assert _ledger_totals(database_url) == totals
        after = _document_hashes(output)
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        assert changed == [], f"{len(changed)} documents differ between the runs: {changed[:10]}"
        with Session(get_engine(database_url)) as session:
            assert verify_documents(session, cycle_id=None, output_dir=output).problems == ()
    return summary


def _document_hashes(output: Path) -> dict[str, str]:
    """The SHA-256 of every PDF in the output folder (the archive's copies left aside)."""
    return {
        p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in output.rglob("*.pdf")
        if "archive" not in p.relative_to(output).parts
    }


def _versions_after_the_first(url: str) -> list[str]:
    """The documents the register holds a second version of, with the reason."""
    with Session(get_engine(url)) as session:
        rows = session.execute(select(DocumentRecord).where(DocumentRecord.version > 1)).scalars()
        return [f"{r.path}（{r.reason}）" for r in rows]


def _check_closing(summary, database_url: str) -> None:  # type: ignore[no-untyped-def]
    """The demo ends closed: N 大领域 M 个服务项目，受益 K 人, matching the tables, and archived."""
    close = summary.closing.close
    assert not close.blocked and not close.errors and len(summary.closing.final.grades) == 22
    assert close.withheld == ("共享工具屋·便民维修服务",) and len(close.last_paid) == 21
    with get_engine(database_url).connect() as connection:
        refs = set()
        for (value,) in connection.execute(
            text("SELECT beneficiary_refs FROM dailyreport WHERE is_current")
        ):
            refs.update(json.loads(value) if isinstance(value, str) else value)
        projects, domains = connection.execute(
            text("SELECT COUNT(*), COUNT(DISTINCT domain_id) FROM project")
        ).one()
        refunded = connection.execute(
            text("SELECT SUM(amount_fen) FROM ledgerentry WHERE kind = 'refund'")
        ).scalar_one()
    assert close.headline == f"{domains} 大领域 {projects} 个服务项目，受益 {len(refs)} 人"
    assert (domains, projects) == (4, 22) and close.refunded_fen == refunded
    _, problems = verify_archive(Path(close.archive))
    assert problems == []


# The demo takes a minute or two, so the double run and the PDF checks share one
# SQLite run, and PostgreSQL runs the cycle once.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_demo_cycle_funds_22_projects_within_the_fund_and_a_second_run_adds_nothing(
    database_url: str, tmp_path: Path
) -> None:
    summary = _check_demo(database_url, run_twice=True)
    _check_pdfs(summary)
    check_dated_figures_agree(summary, database_url, tmp_path)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_demo_cycle_runs_whole_on_postgresql(database_url: str) -> None:
    _check_demo(database_url, run_twice=False)


def _pdf_text(path: str) -> str:
    return subprocess.run(
        ["pdftotext", path, "-"], capture_output=True, text=True, check=True
    ).stdout


def _check_pdfs(summary) -> None:  # type: ignore[no-untyped-def]
    """The PDFs are Chinese with an embedded CJK font, and no phone number reaches them."""
    street = next(p for p in summary.evaluation.pdfs if "街道月度汇总" in Path(p).name)

    text = _pdf_text(street)
    fonts = subprocess.run(["pdffonts", street], capture_output=True, text=True, check=True).stdout
    assert "4大领域22个服务项目" in text
    assert "260,000.00" in text
    assert "CJK" in fonts and " yes " in fonts
    for pdf in summary.evaluation.pdfs:
        assert not MOBILE.search(_pdf_text(pdf)), pdf
