"""Selection steps taken out of order are refused with the step to take first, and by staff only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from models.proposal import Proposal
from models.status import Role
from services import Actor, Forbidden, Refused
from services.committee import propose_allocation
from services.panels import read_stage, seat_stage
from services.selection import close_preliminary, selection_progress
from tests.monitoring_builders import build_running_cycle

NOW = datetime(2026, 5, 22, 2, 0, tzinfo=UTC)
STAFF = Actor(login="staff", name="街道专干", role=Role.STAFF, user_id=1)
EVALUATOR = Actor(login="e1", role=Role.EVALUATOR, user_id=4)


def _call_id(session: Session) -> int:
    build_running_cycle(session, projects=1)
    return session.exec(select(Proposal)).one().call_id


def test_seating_with_no_proposal_waiting_names_the_step_before(session: Session) -> None:
    call_id = _call_id(session)
    with pytest.raises(Refused, match="没有等待初审的申报书：请先完成资格审查"):
        seat_stage(
            session,
            actor=STAFF,
            now=NOW,
            call_id=call_id,
            stage="preliminary",
            reviewer_names=["甲"],
        )
    with pytest.raises(Refused, match="请先结束初审"):
        seat_stage(
            session, actor=STAFF, now=NOW, call_id=call_id, stage="defence", reviewer_names=["甲"]
        )


def test_closing_a_stage_with_nothing_in_it_is_refused_and_only_staff_close(
    session: Session,
) -> None:
    call_id = _call_id(session)
    with pytest.raises(Refused, match="没有等待初审的申报书"):
        close_preliminary(session, actor=STAFF, now=NOW, call_id=call_id)
    with pytest.raises(Refused, match="没有等待路演答辩的申报书"):
        propose_allocation(session, actor=STAFF, now=NOW, call_id=call_id)
    with pytest.raises(Forbidden):
        close_preliminary(session, actor=EVALUATOR, now=NOW, call_id=call_id)
    with pytest.raises(Forbidden):
        seat_stage(
            session,
            actor=EVALUATOR,
            now=NOW,
            call_id=call_id,
            stage="preliminary",
            reviewer_names=[],
        )


def test_the_progress_of_a_call_past_selection_points_at_screening(session: Session) -> None:
    assert selection_progress(session, call_id=_call_id(session)).key == "screening"


@pytest.mark.parametrize(
    ("text", "stage"),
    [("初审", "preliminary"), ("路演", "defence"), ("路演答辩", "defence"), ("defence", "defence")],
)
def test_stage_names_are_read_in_chinese_or_english(text: str, stage: str) -> None:
    assert read_stage(text) == stage


def test_an_unknown_stage_is_refused() -> None:
    with pytest.raises(Refused, match="评审环节应为 初审 或 路演"):
        read_stage("终审")
