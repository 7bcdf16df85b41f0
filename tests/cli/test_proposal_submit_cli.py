"""`gongyi proposal submit`: the office's paper batch is received when the clerk says (--on), never
when the workbook says; received after the deadline it is refused, naming the deadline."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import Session, select

from cli import app
from models.proposal import Proposal
from tests.builders import DEMO_DIR
from tests.flows.call_setup import (
    SHANGHAI,
    open_demo_cycle,
    publish_demo_call,
    raise_demo_fund,
    register_demo_agencies,
)


@pytest.fixture
def call_id(database_url: str) -> int:
    cycle_id = open_demo_cycle()
    raise_demo_fund(cycle_id)
    register_demo_agencies()
    return publish_demo_call(cycle_id)


def test_a_paper_batch_is_filed_at_the_moment_the_clerk_gives(  # type: ignore[no-untyped-def]
    runner, call_id: int, session: Session
) -> None:
    result = runner.invoke(
        app,
        [
            "proposal",
            "submit",
            str(DEMO_DIR / "proposals.csv"),
            "--call",
            str(call_id),
            "--on",
            "2026-05-15 09:30",
        ],
    )

    assert result.exit_code == 0, result.output
    assert "提交 26 份申报书" in result.output
    stored = session.exec(select(Proposal)).all()
    assert {p.submitted_at for p in stored} == {datetime(2026, 5, 15, 9, 30, tzinfo=SHANGHAI)}


def test_a_paper_batch_received_after_the_deadline_is_refused_naming_it(  # type: ignore[no-untyped-def]
    runner, call_id: int, session: Session
) -> None:
    result = runner.invoke(
        app,
        [
            "proposal",
            "submit",
            str(DEMO_DIR / "proposals.csv"),
            "--call",
            str(call_id),
            "--on",
            "2026-05-21",
        ],
    )

    assert result.exit_code == 1
    output = "".join(result.output.split())
    assert "申报已于2026-05-2017:00截止，收到时间2026-05-2100:00已晚于截止时间，不予受理" in output
    assert "Traceback" not in result.output
    assert session.exec(select(Proposal)).all() == []
