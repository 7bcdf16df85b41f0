"""Batch review of final evaluations (结项评估): every review in it, by the single review's rules, or none."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from models.final_evaluation import FinalEvaluation
from models.status import EvaluationStatus, Role
from models.user import AuditEvent
from services import Actor, Forbidden, Refused
from services.evaluation_batch import BatchRefused, list_finals_in_review, review_final_evaluations
from services.evaluations import reviewer_actor
from store import users
from tests.monitoring_builders import build_running_cycle

NOW = datetime(2026, 12, 5, 10, tzinfo=UTC)
CLERK = Actor(login="staff", name="街道专干", role=Role.STAFF, user_id=1)


def _three_in_review(session: Session, *, scorers: tuple[str, ...]) -> tuple[int, list[int]]:
    cycle = build_running_cycle(session, projects=3)
    ids = {name: users.add_user(session, name=name, role=Role.EVALUATOR).id for name in scorers}
    rows = [
        FinalEvaluation(
            project_id=project,
            status=EvaluationStatus.IN_REVIEW,
            period_end=date(2026, 11, 30),
            total_score=84.0,
            grade="良好",
            evaluator_id=ids[scorer],
        )
        for project, scorer in zip(cycle.project_ids, scorers, strict=True)
    ]
    session.add_all(rows)
    session.commit()
    return cycle.cycle_id, [r.id or 0 for r in rows]


def _statuses(session: Session, ids: list[int]) -> list[str]:
    session.expire_all()
    return [session.get(FinalEvaluation, i).status for i in ids]  # type: ignore[union-attr]


def _review(session: Session, ids: list[int], reviewer: str = "评估专家乙", **extra):  # type: ignore[no-untyped-def]
    return review_final_evaluations(
        session,
        actor=reviewer_actor(reviewer),
        now=NOW,
        final_evaluation_ids=ids,
        approve=extra.get("approve", True),
        comment=extra.get("comment", ""),
        on=extra.get("on"),
        entered_by=extra.get("entered_by"),
    )


def test_a_batch_approves_every_final_evaluation_in_it_on_its_business_date(
    session: Session,
) -> None:
    cycle_id, ids = _three_in_review(session, scorers=("评估专家甲",) * 3)
    assert list_finals_in_review(session, cycle_id=cycle_id) == ids
    reviewed = _review(session, ids, on=date(2026, 12, 1), entered_by=CLERK)
    assert [r.evaluation_id for r in reviewed] == ids
    assert _statuses(session, ids) == [EvaluationStatus.APPROVED] * 3
    assert {session.get(FinalEvaluation, i).reviewed_on for i in ids} == {date(2026, 12, 1)}  # type: ignore[union-attr]
    assert list_finals_in_review(session, cycle_id=cycle_id) == []
    events = session.exec(select(AuditEvent)).all()
    assert [e.action for e in events].count("final_evaluation_review") == 3
    [batch] = [e for e in events if e.action == "final_evaluation_batch_review"]
    assert "街道专干" in batch.actor and "代 评估专家乙 录入" in batch.detail


def test_a_batch_with_one_the_reviewer_scored_changes_nothing_and_names_it(
    session: Session,
) -> None:
    _, ids = _three_in_review(session, scorers=("评估专家甲", "评估专家甲", "评估专家乙"))
    with pytest.raises(BatchRefused) as refused:
        _review(session, ids)
    [problem] = refused.value.problems
    assert problem.evaluation_id == ids[2]
    assert "不能审核自己评分的结项评估" in str(problem) and str(problem).startswith("「")
    assert "1 份结项评估不能审核，本批均未办理" in refused.value.message
    assert _statuses(session, ids) == [EvaluationStatus.IN_REVIEW] * 3
    assert session.exec(select(AuditEvent)).all() == []


def test_a_batch_names_an_unknown_one_and_one_already_approved(session: Session) -> None:
    _, ids = _three_in_review(session, scorers=("评估专家甲",) * 3)
    _review(session, ids[1:2])
    with pytest.raises(BatchRefused) as refused:
        _review(session, [*ids, 999], approve=False, comment="请补充结项审计报告")
    problems = refused.value.problems
    assert [p.evaluation_id for p in problems] == [ids[1], 999]
    assert "已审定，不在待审核状态" in str(problems[0])
    assert str(problems[1]) == "结项评估 #999：找不到结项评估 #999"
    assert _statuses(session, ids)[0] == EvaluationStatus.IN_REVIEW


def test_sending_back_needs_a_comment_and_a_date_after_today_is_refused(session: Session) -> None:
    _, ids = _three_in_review(session, scorers=("评估专家甲",) * 3)
    with pytest.raises(BatchRefused, match="退回修改时请写明"):
        _review(session, ids, approve=False, comment=" ")
    with pytest.raises(Refused, match="晚于今天"):
        _review(session, ids, on=date(2026, 12, 6))
    reviewed = _review(session, ids, approve=False, comment="补结项审计报告")
    assert {r.status for r in reviewed} == {EvaluationStatus.NEEDS_REVISION}


def test_only_an_evaluator_reviews_and_an_empty_batch_is_refused(session: Session) -> None:
    _, ids = _three_in_review(session, scorers=("评估专家甲",) * 3)
    with pytest.raises(Forbidden, match="只有评估专家可以审核结项评估"):
        review_final_evaluations(
            session, actor=CLERK, now=NOW, final_evaluation_ids=ids, approve=True, comment=""
        )
    with pytest.raises(Refused, match="请至少选择一份结项评估"):
        _review(session, [])
    assert _statuses(session, ids) == [EvaluationStatus.IN_REVIEW] * 3
