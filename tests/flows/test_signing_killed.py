"""Kill -9 during 签约, then run again: every contract is in place and nothing is paid twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from flows.demo.demo_cycle import PROJECTS_START
from flows.selection.conclude_publicity import conclude_publicity
from models.award import Award
from models.fund import LedgerEntry, LedgerKind
from models.register import DocumentRecord
from services.register import verify_documents
from store import selection
from store.database import get_engine
from tests.builders import DEMO_DIR

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.flow]

# The demo in a process of its own, with its own throwaway Prefect server, so it can be killed.
SCRIPT = """
import sys
from prefect.testing.utilities import prefect_test_harness
from flows.demo.demo_cycle import demo_cycle

with prefect_test_harness(server_startup_timeout=120):
    demo_cycle(sys.argv[1])
"""
CONTRACTS = 22


def _contract_pdfs(output: Path) -> list[Path]:
    return sorted(output.glob("selection/call-*/资助协议/*.pdf"))


def _kill_during_signing(output: Path) -> int:
    """Run the demo and kill it -9 once some, but not all, contracts are written."""
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(DEMO_DIR)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 900
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if len(_contract_pdfs(output)) >= 2:
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.02)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    return len(_contract_pdfs(output))


def _payments(session: Session) -> tuple[int, int]:
    count, total = session.execute(
        select(func.count(), func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(
            LedgerEntry.kind == LedgerKind.PAYMENT
        )
    ).one()
    return int(count), int(total)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_contracts_lost_by_a_kill_during_signing_are_written_by_the_next_run(
    database_url: str,
) -> None:
    output = Path(os.environ["GONGYI_OUTPUT_DIR"])
    written = _kill_during_signing(output)
    assert 0 < written < CONTRACTS, f"the kill came at the wrong moment: {written} contracts"

    with Session(get_engine(database_url)) as session:
        awards = session.execute(select(func.count()).select_from(Award)).scalar_one()
        paid_before = _payments(session)
        notice = selection.get_notice(session, call_id=1)
    assert awards == CONTRACTS and notice is not None and notice.ends_on is not None

    again = conclude_publicity(
        1, max(notice.ends_on + timedelta(days=1), PROJECTS_START), PROJECTS_START
    )

    assert len(again.contracts) == CONTRACTS and len(_contract_pdfs(output)) == CONTRACTS
    with Session(get_engine(database_url)) as session:
        assert _payments(session) == paid_before  # nothing paid twice
        registered = session.execute(
            select(func.count())
            .select_from(DocumentRecord)
            .where(DocumentRecord.kind == "contract")
        ).scalar_one()
        assert verify_documents(session, cycle_id=None, output_dir=output).problems == ()
    assert registered in (0, CONTRACTS)  # every contract registered once they go through it
