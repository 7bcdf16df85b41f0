"""Screening at the deadline: one result per rule, staff overrides with a reason, withdrawals before the deadline."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import Session, select

from flows.call import close_call
from flows.call.override_screening import override_screening
from flows.call.withdraw_proposal import DeadlinePassedError, withdraw_proposal
from models.eligibility import RULES
from models.proposal import Proposal, ScreeningCheck
from models.user import AuditEvent
from services import Refused
from tests.flows.call_setup import SHANGHAI, demo_call_with_bids

NEW_AGENCY = {"爱心陪伴·老年人精神慰藉", "快乐童年·儿童托管服务"}


def _proposal(session: Session, title: str) -> Proposal:
    return session.exec(select(Proposal).where(Proposal.title == title)).one()


def test_closing_before_the_deadline_is_refused(database_url: str) -> None:
    _, call_id = demo_call_with_bids()
    with pytest.raises(close_call.CallNotDueError, match="截止时间为 2026-05-20 17:00"):
        close_call.screen_proposals.fn(call_id, date(2026, 5, 19))


def test_screening_fails_the_new_agency_and_records_every_rule_for_every_proposal(
    database_url: str, session: Session
) -> None:
    _, call_id = demo_call_with_bids()
    summary = close_call.screen_proposals.fn(call_id, date(2026, 5, 21))

    assert summary.eligible == 24
    assert summary.ineligible == {
        title: "登记成立不满 1 年（2025-09-16 登记）；年检结果为「未参检」" for title in NEW_AGENCY
    }
    checks = session.exec(select(ScreeningCheck)).all()
    assert len(checks) == 26 * len(RULES)
    failed = {(c.rule, c.reason) for c in checks if not c.passed}
    assert failed == {
        ("years_registered", "登记成立不满 1 年（2025-09-16 登记）"),
        ("annual_inspection", "年检结果为「未参检」"),
    }
    record = {c.reason for c in checks if c.rule == "track_record"}
    assert record == {"符合", "无往期记录"}


def test_screening_again_changes_nothing(database_url: str, session: Session) -> None:
    _, call_id = demo_call_with_bids()
    first = close_call.screen_proposals.fn(call_id, date(2026, 5, 21))
    checked = [c.checked_at for c in session.exec(select(ScreeningCheck)).all()]
    assert close_call.screen_proposals.fn(call_id, date(2026, 5, 22)) == first
    session.expire_all()
    assert [c.checked_at for c in session.exec(select(ScreeningCheck)).all()] == checked


def test_staff_override_keeps_who_and_why_and_logs_it(database_url: str, session: Session) -> None:
    _, call_id = demo_call_with_bids()
    close_call.screen_proposals.fn(call_id, date(2026, 5, 21))
    target = _proposal(session, "快乐童年·儿童托管服务")

    status = override_screening.fn(
        target.id, eligible=True, reason="年检材料已补交，民政局出具证明", user="王科长"
    )

    session.expire_all()
    stored = _proposal(session, "快乐童年·儿童托管服务")
    assert status == stored.status == "eligible"
    assert (stored.override_by, stored.override_reason) == (
        "王科长",
        "年检材料已补交，民政局出具证明",
    )
    [event] = session.exec(
        select(AuditEvent).where(AuditEvent.action == "screening_override")
    ).all()
    assert (event.actor, event.subject_id) == ("王科长", target.id)
    assert "年检材料已补交" in event.detail
    assert any(
        not c.passed
        for c in session.exec(select(ScreeningCheck).where(ScreeningCheck.proposal_id == target.id))
    )


@pytest.mark.parametrize(("reason", "user"), [("", "王科长"), ("理由", " ")])
def test_an_override_needs_a_reason_and_a_user(
    database_url: str, session: Session, reason, user
) -> None:
    _, call_id = demo_call_with_bids()
    close_call.screen_proposals.fn(call_id, date(2026, 5, 21))
    target = _proposal(session, "快乐童年·儿童托管服务")
    with pytest.raises(Refused, match="必须写明"):
        override_screening.fn(target.id, eligible=True, reason=reason, user=user)


def test_an_override_to_the_status_it_already_has_is_refused(
    database_url: str, session: Session
) -> None:
    _, call_id = demo_call_with_bids()
    close_call.screen_proposals.fn(call_id, date(2026, 5, 21))
    target = _proposal(session, "四点半课堂")
    with pytest.raises(Refused, match="不能改判为 eligible"):
        override_screening.fn(target.id, eligible=True, reason="x", user="王科长")


def test_a_proposal_is_withdrawn_before_the_deadline_and_not_screened(
    database_url: str, session: Session
) -> None:
    _, call_id = demo_call_with_bids()
    target = _proposal(session, "四点半课堂")
    withdraw_proposal.fn(target.id, "梁桂华", datetime(2026, 5, 18, 9, 0, tzinfo=SHANGHAI))
    summary = close_call.screen_proposals.fn(call_id, date(2026, 5, 21))
    assert summary.eligible == 23
    session.expire_all()
    assert _proposal(session, "四点半课堂").status == "withdrawn"


def test_withdrawing_after_the_deadline_is_refused_with_the_deadline(
    database_url: str, session: Session
) -> None:
    demo_call_with_bids()
    target = _proposal(session, "四点半课堂")
    with pytest.raises(
        DeadlinePassedError, match="申报已于 2026-05-20 17:00 截止，不能再撤回「四点半课堂」"
    ):
        withdraw_proposal.fn(target.id, "梁桂华", datetime(2026, 5, 20, 17, 1, tzinfo=SHANGHAI))


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_close_call_posts_the_results_as_an_artifact(database_url: str) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterKey,
        FlowRunFilter,
        TaskRunFilter,
    )
    from prefect.client.schemas.sorting import ArtifactSort

    _, call_id = demo_call_with_bids()
    summary = close_call.close_call(call_id, date(2026, 5, 21))

    # Every argument is given: this Prefect server refuses the client's None defaults.
    with get_client(sync_client=True) as client:
        [artifact] = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[summary.artifact])),
            flow_run_filter=FlowRunFilter(),
            task_run_filter=TaskRunFilter(),
            sort=ArtifactSort.UPDATED_DESC,
            limit=1,
            offset=0,
        )
    assert "| 快乐童年·儿童托管服务 | 新芽公益发展服务中心 | 未通过 |" in artifact.data  # type: ignore[operator]
    assert "资助主体·年检结果：年检结果为「未参检」" in artifact.data  # type: ignore[operator]
