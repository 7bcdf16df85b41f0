"""Reviewing monthly evaluations over the API: another evaluator's, in review, with a reason."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from models.account import Account
from models.monitoring import MonthlyEvaluation
from models.status import EvaluationStatus
from models.user import AuditEvent
from tests.web.api.conftest import Api


@pytest.fixture
def evaluation_id(api: Api) -> int:
    """A June evaluation of the first project, scored by `expert`, waiting for review."""
    with api.session() as session:
        scorer = session.exec(select(Account).where(Account.login == "expert")).one()
        evaluation = MonthlyEvaluation(
            project_id=api.project_ids[0],
            month="2026-06",
            status=EvaluationStatus.IN_REVIEW,
            total_score=86.5,
            grade="良好",
            evaluator_id=scorer.user_id,
            comment="服务扎实",
            reports_expected=22,
            reports_submitted=21,
            scored_at=datetime(2026, 7, 2, tzinfo=UTC),
        )
        session.add(evaluation)
        session.commit()
        return evaluation.id or 0


def review(api: Api, evaluation: int, login: str, **body: Any) -> Any:
    return api.client.post(
        f"/api/evaluations/{evaluation}/review", json=body, headers=api.auth(login)
    )


def stored(api: Api, evaluation: int) -> MonthlyEvaluation:
    with api.session() as session:
        found = session.get(MonthlyEvaluation, evaluation)
        assert found is not None
        return found


def test_only_another_evaluator_sees_the_evaluation_waiting_for_review(
    api: Api, evaluation_id: int
) -> None:
    [listed] = api.client.get("/api/evaluations", headers=api.auth("expert2")).json()
    assert listed["id"] == evaluation_id and listed["title"] == api.titles[0]
    assert listed["status_label"] == "待审核" and listed["reports_submitted"] == 21
    assert api.client.get("/api/evaluations", headers=api.auth("expert")).json() == []
    for login in ("agency1", "officer"):
        assert api.client.get("/api/evaluations", headers=api.auth(login)).status_code == 403


def test_approving_runs_the_review_flow_and_is_audited_once(
    prefect_harness: None, api: Api, evaluation_id: int
) -> None:
    answer = review(api, evaluation_id, "expert2", decision="approve")
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == EvaluationStatus.APPROVED
    assert stored(api, evaluation_id).status == EvaluationStatus.APPROVED
    again = review(api, evaluation_id, "expert2", decision="approve")
    assert again.status_code == 409 and "不在待审核状态" in again.json()["detail"]
    with api.session() as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == "evaluation_review")
        ).all()
    assert len(events) == 1 and events[0].subject_id == evaluation_id


def test_sending_back_needs_a_comment_and_keeps_it(
    prefect_harness: None, api: Api, evaluation_id: int
) -> None:
    bare = review(api, evaluation_id, "expert2", decision="revise")
    assert bare.status_code == 422 and "审核意见" in bare.text
    assert stored(api, evaluation_id).status == EvaluationStatus.IN_REVIEW
    answer = review(api, evaluation_id, "expert2", decision="revise", comment="请核对服务人次")
    assert answer.status_code == 200, answer.text
    assert answer.json()["review_comment"] == "请核对服务人次"
    assert stored(api, evaluation_id).status == EvaluationStatus.NEEDS_REVISION


def test_nobody_reviews_their_own_scores_and_others_are_refused(
    api: Api, evaluation_id: int
) -> None:
    own = review(api, evaluation_id, "expert", decision="approve")
    assert own.status_code == 403 and "自己评分" in own.json()["detail"]
    assert review(api, evaluation_id, "agency1", decision="approve").status_code == 403
    assert review(api, evaluation_id + 100, "expert2", decision="approve").status_code == 404
    unknown = review(api, evaluation_id, "expert2", decision="maybe")
    assert unknown.status_code == 422
    assert stored(api, evaluation_id).status == EvaluationStatus.IN_REVIEW
