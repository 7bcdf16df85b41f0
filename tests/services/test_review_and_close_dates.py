"""Business dates of reviews and closes: given, defaulting to today, never after today (issue #15)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.account import Account
from models.final_evaluation import FinalEvaluation
from models.monitoring import ActionItem, MonthlyEvaluation, WeeklyMeeting
from models.status import EvaluationStatus, Role
from services import Actor, Refused, evaluations
from services.meetings import close_action_item
from store.accounts import get_signed_in
from tests.monitoring_builders import SHANGHAI, build_running_cycle
from tests.web.portal_builders import build_portal_world

NOW = datetime(2026, 7, 3, 9, 30, tzinfo=UTC)


def evaluator(session: Session, login: str) -> Actor:
    account = session.exec(select(Account).where(Account.login == login)).one()
    signed_in = get_signed_in(session, account.id or 0)
    assert signed_in is not None
    return Actor.of(signed_in, address="10.0.0.8")


def test_a_review_keeps_its_business_date_and_refuses_one_after_today(
    session: Session, tmp_path: Path
) -> None:
    world = build_portal_world(session, tmp_path)

    def review(on: date | None) -> evaluations.Reviewed:
        return evaluations.review_evaluation(
            session,
            actor=evaluator(session, "evaluator1"),
            now=NOW,
            evaluation_id=world.evaluation_id,
            approve=True,
            comment="",
            on=on,
        )

    with pytest.raises(Refused, match="审核日期 2026-07-04 晚于今天（2026-07-03），不能预填"):
        review(date(2026, 7, 4))
    session.expire_all()
    waiting = session.get(MonthlyEvaluation, world.evaluation_id)
    assert waiting is not None and waiting.status == EvaluationStatus.IN_REVIEW
    assert waiting.reviewed_on is None
    review(date(2026, 7, 1))
    session.expire_all()
    found = session.get(MonthlyEvaluation, world.evaluation_id)
    assert found is not None and found.status == EvaluationStatus.APPROVED
    assert found.reviewed_on == date(2026, 7, 1)
    assert found.reviewed_at is not None and found.reviewed_at.replace(tzinfo=UTC) == NOW


def test_a_final_review_defaults_to_today_and_refuses_a_later_date(
    session: Session, tmp_path: Path
) -> None:
    world = build_portal_world(session, tmp_path)
    scorer = evaluator(session, "evaluator2")
    finals = [
        FinalEvaluation(
            project_id=project_id,
            status=EvaluationStatus.IN_REVIEW,
            period_end=date(2026, 11, 30),
            evaluator_id=scorer.user_id,
        )
        for project_id in world.project_ids[:2]
    ]
    session.add_all(finals)
    session.commit()
    first, second = (f.id or 0 for f in finals)

    def review(final_id: int, on: date | None) -> None:
        evaluations.review_final_evaluation(
            session,
            actor=evaluator(session, "evaluator1"),
            now=NOW,
            final_evaluation_id=final_id,
            approve=True,
            comment="",
            on=on,
        )

    with pytest.raises(Refused, match="晚于今天"):
        review(first, date(2026, 8, 1))
    review(first, None)
    review(second, date(2026, 6, 30))
    session.expire_all()
    assert session.get(FinalEvaluation, first).reviewed_on == NOW.date()  # type: ignore[union-attr]
    assert session.get(FinalEvaluation, second).reviewed_on == date(2026, 6, 30)  # type: ignore[union-attr]


def test_an_action_item_is_not_closed_on_a_date_after_today(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    meeting = WeeklyMeeting(
        cycle_id=cycle.cycle_id, week_start=date(2026, 6, 8), held_on=date(2026, 6, 15)
    )
    session.add(meeting)
    session.flush()
    item = ActionItem(
        meeting_id=meeting.id or 0,
        seq=1,
        project_id=cycle.project_ids[0],
        text="补交活动照片",
        owner="机构",
        due_on=date(2026, 6, 19),
    )
    session.add(item)
    session.commit()
    office = Actor(login="clerk", name="街道工作人员", role=Role.STAFF, user_id=1)
    now = datetime(2026, 6, 16, 9, tzinfo=SHANGHAI)
    with pytest.raises(Refused, match="完成日期晚于今天，不能预填：待办事项 #1 填的是 2026-06-17"):
        close_action_item(
            session, actor=office, now=now, item_id=item.id or 0, on=date(2026, 6, 17)
        )
    session.expire_all()
    assert session.get(ActionItem, item.id).status == "open"  # type: ignore[union-attr]
    closed = close_action_item(
        session, actor=office, now=now, item_id=item.id or 0, on=date(2026, 6, 16)
    )
    assert closed.changed and closed.item.closed_on == date(2026, 6, 16)


def test_a_batch_review_dates_every_evaluation_and_refuses_a_later_date(
    session: Session, tmp_path: Path
) -> None:
    from services.evaluation_batch import review_evaluations

    world = build_portal_world(session, tmp_path)

    def batch(on: date) -> None:
        review_evaluations(
            session,
            actor=evaluator(session, "evaluator1"),
            now=NOW,
            evaluation_ids=[world.evaluation_id],
            approve=True,
            comment="",
            on=on,
        )

    with pytest.raises(Refused, match="审核日期 2026-07-05 晚于今天"):
        batch(date(2026, 7, 5))
    batch(date(2026, 7, 2))
    session.expire_all()
    found = session.get(MonthlyEvaluation, world.evaluation_id)
    assert found is not None and found.reviewed_on == date(2026, 7, 2)
