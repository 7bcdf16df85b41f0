"""Reviewing evaluations through `services.evaluations` on a real session (SQLite and PostgreSQL).

The world is the portal's (`build_portal_world`): two agencies' running projects and a
June evaluation of the first, scored by 评估专家乙 (evaluator2) and waiting for review.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.account import Account
from models.final_evaluation import FinalEvaluation
from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.status import EvaluationStatus
from models.user import AuditEvent, User
from services import Actor, Forbidden, NotFound, Refused, evaluations
from store.accounts import get_signed_in
from tests.web.portal_builders import PortalWorld, build_portal_world

NOW = datetime(2026, 7, 3, 9, 30, tzinfo=UTC)


@pytest.fixture
def world(session: Session, tmp_path: Path) -> PortalWorld:
    return build_portal_world(session, tmp_path)


def actor(session: Session, login: str) -> Actor:
    account = session.exec(select(Account).where(Account.login == login)).one()
    signed_in = get_signed_in(session, account.id or 0)
    assert signed_in is not None
    return Actor.of(signed_in, address="10.0.0.8")


def monthly(session: Session, evaluation_id: int) -> MonthlyEvaluation:
    session.expire_all()
    found = session.get(MonthlyEvaluation, evaluation_id)
    assert found is not None
    return found


def review(session: Session, evaluation_id: int, login: str = "evaluator1", **extra):  # type: ignore[no-untyped-def]
    return evaluations.review_evaluation(
        session,
        actor=extra.pop("as_actor", None) or actor(session, login),
        now=NOW,
        evaluation_id=evaluation_id,
        approve=extra.pop("approve", True),
        comment=extra.pop("comment", ""),
    )


def events(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def same_title_twin(session: Session, world: PortalWorld) -> int:
    """Give the second agency's project the first one's title and a June evaluation in review."""
    second = session.get(Project, world.project_ids[1])
    assert second is not None
    second.title = world.titles[0]
    scorer = actor(session, "evaluator2")
    twin = MonthlyEvaluation(
        project_id=second.id or 0,
        month="2026-06",
        status=EvaluationStatus.IN_REVIEW,
        total_score=71.0,
        grade="合格",
        evaluator_id=scorer.user_id,
        scored_at=datetime(2026, 7, 2, tzinfo=UTC),
    )
    session.add_all([second, twin])
    session.commit()
    return twin.id or 0


def test_approving_by_id_records_the_reviewer_the_time_and_the_audit_event(
    session: Session, world: PortalWorld
) -> None:
    reviewed = review(session, world.evaluation_id)
    assert reviewed.status == EvaluationStatus.APPROVED
    assert reviewed.message == f"「{world.titles[0]}」2026-06 月评估已审定"
    found = monthly(session, world.evaluation_id)
    assert found.status == EvaluationStatus.APPROVED
    assert found.reviewer_id == actor(session, "evaluator1").user_id
    assert found.reviewed_at is not None and found.reviewed_at.replace(tzinfo=UTC) == NOW
    [event] = events(session, "evaluation_review")
    assert (event.subject_type, event.subject_id) == ("monthlyevaluation", world.evaluation_id)
    assert event.actor == "evaluator1（评估专家甲）" and event.ip == "10.0.0.8"


def test_approving_b_approves_b_and_leaves_a_of_the_same_title_untouched(
    session: Session, world: PortalWorld
) -> None:
    twin = same_title_twin(session, world)
    reviewed = review(session, twin)
    assert (reviewed.evaluation_id, reviewed.project_id) == (twin, world.project_ids[1])
    assert monthly(session, twin).status == EvaluationStatus.APPROVED
    assert monthly(session, world.evaluation_id).status == EvaluationStatus.IN_REVIEW


def test_the_scorer_may_not_review_their_own_scores_by_account_or_by_name(
    session: Session, world: PortalWorld
) -> None:
    with pytest.raises(Forbidden, match="不能审核自己评分的月度评估") as by_account:
        review(session, world.evaluation_id, "evaluator2")
    with pytest.raises(Forbidden) as by_name:
        review(session, world.evaluation_id, as_actor=evaluations.reviewer_actor("评估专家乙"))
    assert by_account.value.message == by_name.value.message
    assert "不能是评分的评估专家本人（评估专家乙）" in by_name.value.message
    assert monthly(session, world.evaluation_id).status == EvaluationStatus.IN_REVIEW
    assert events(session, "evaluation_review") == []


def test_only_an_evaluation_in_review_is_reviewed_and_a_missing_one_is_not_found(
    session: Session, world: PortalWorld
) -> None:
    review(session, world.evaluation_id)
    with pytest.raises(Refused) as again:
        review(session, world.evaluation_id)
    assert again.value.message == f"「{world.titles[0]}」2026-06 的月度评估已审定，不在待审核状态"
    with pytest.raises(NotFound, match="找不到月度评估"):
        review(session, world.evaluation_id + 100)
    with pytest.raises(Forbidden, match="只有评估专家"):
        review(session, world.evaluation_id, "staff")
    assert len(events(session, "evaluation_review")) == 1


def test_sending_back_needs_a_comment_and_keeps_it(session: Session, world: PortalWorld) -> None:
    with pytest.raises(Refused, match="退回修改时请写明需要修改的内容"):
        review(session, world.evaluation_id, approve=False, comment="  ")
    with pytest.raises(Refused, match="审核意见不能包含控制字符"):
        review(session, world.evaluation_id, approve=False, comment="请核对\x07服务人次")
    assert monthly(session, world.evaluation_id).status == EvaluationStatus.IN_REVIEW
    review(session, world.evaluation_id, approve=False, comment=" 请核对服务人次 ")
    found = monthly(session, world.evaluation_id)
    assert (found.status, found.review_comment) == (
        EvaluationStatus.NEEDS_REVISION,
        "请核对服务人次",
    )


def test_a_reviewer_named_by_the_office_is_found_or_added_by_name(
    session: Session, world: PortalWorld
) -> None:
    review(session, world.evaluation_id, as_actor=evaluations.reviewer_actor("陈慧敏"))
    person = session.exec(select(User).where(User.name == "陈慧敏")).one()
    assert monthly(session, world.evaluation_id).reviewer_id == person.id
    [event] = events(session, "evaluation_review")
    assert event.actor == "陈慧敏"


def test_a_final_evaluation_is_reviewed_by_its_id_with_the_same_rules(
    session: Session, world: PortalWorld
) -> None:
    scorer = actor(session, "evaluator2")
    finals = [
        FinalEvaluation(
            project_id=project_id,
            status=EvaluationStatus.IN_REVIEW,
            period_end=date(2026, 11, 30),
            evaluator_id=scorer.user_id,
        )
        for project_id in world.project_ids
    ]
    session.add_all(finals)
    session.commit()
    first, second = (f.id or 0 for f in finals)

    def final(final_id: int, login: str, **extra):  # type: ignore[no-untyped-def]
        return evaluations.review_final_evaluation(
            session,
            actor=actor(session, login),
            now=NOW,
            final_evaluation_id=final_id,
            approve=extra.get("approve", True),
            comment=extra.get("comment", ""),
        )

    with pytest.raises(Forbidden, match="不能审核自己评分的结项评估"):
        final(second, "evaluator2")
    with pytest.raises(Refused, match="退回修改时请写明"):
        final(second, "evaluator1", approve=False)
    assert final(second, "evaluator1").message == f"「{world.titles[1]}」结项评估已审定"
    with pytest.raises(Refused, match="的结项评估已审定，不在待审核状态"):
        final(second, "evaluator1")
    with pytest.raises(NotFound, match="找不到结项评估"):
        final(second + 100, "evaluator1")
    session.expire_all()
    assert session.get(FinalEvaluation, second).status == EvaluationStatus.APPROVED  # type: ignore[union-attr]
    assert session.get(FinalEvaluation, first).status == EvaluationStatus.IN_REVIEW  # type: ignore[union-attr]
    [event] = events(session, "final_evaluation_review")
    assert (event.subject_type, event.subject_id) == ("finalevaluation", second)


def test_a_project_named_by_a_shared_title_is_refused_naming_both_numbers(
    session: Session, world: PortalWorld
) -> None:
    twin = same_title_twin(session, world)
    a, b = world.project_ids
    with pytest.raises(Refused) as shared:
        evaluations.find_monthly_evaluation(
            session, cycle_id=world.cycle_id, project=world.titles[0], month="2026-06"
        )
    assert f"（编号 {a}、{b}）" in shared.value.message and "请改用项目编号" in shared.value.message
    assert (
        evaluations.find_monthly_evaluation(
            session, cycle_id=world.cycle_id, project=str(b), month="2026-06"
        )
        == twin
    )
    with pytest.raises(NotFound, match=f"「{world.titles[0]}」还没有 2026-07 的月评估"):
        evaluations.find_monthly_evaluation(
            session, cycle_id=world.cycle_id, project=str(a), month="2026-07"
        )
    with pytest.raises(NotFound, match="本周期没有服务项目「不存在的项目」"):
        evaluations.find_final_evaluation(session, cycle_id=world.cycle_id, project="不存在的项目")
