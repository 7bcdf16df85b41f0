"""Reviewing a monthly evaluation: the portal page, the JSON API and the flow agree.

Each door finds the evaluation by its id, so two agencies' projects of the same title
never stand in for each other, and a refusal (one's own scores, not in review) has the
same status and reason at every door. The world is the portal's: a June evaluation of
the first project, scored by evaluator2 (评估专家乙), waits for review.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flows.monitoring.evaluation_review import review_project
from models.account import Account
from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.status import EvaluationStatus
from services import ServiceError
from store.accounts import add_api_token
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld
from web.api.errors import service_status

DOORS = ("page", "api", "flow")
NAMES = {"evaluator1": "评估专家甲", "evaluator2": "评估专家乙"}


def _session(url: str) -> Session:
    return Session(get_engine(url), expire_on_commit=False)


def _status(url: str, evaluation_id: int) -> str:
    with _session(url) as session:
        found = session.get(MonthlyEvaluation, evaluation_id)
        assert found is not None
        return found.status


def _same_title_twin(url: str, world: PortalWorld) -> int:
    """Give project B project A's title and a June evaluation in review; return B's evaluation."""
    with _session(url) as session:
        b = session.get(Project, world.project_ids[1])
        assert b is not None
        b.title = world.titles[0]
        scorer = session.exec(select(Account).where(Account.login == "evaluator2")).one()
        twin = MonthlyEvaluation(
            project_id=b.id or 0,
            month="2026-06",
            status=EvaluationStatus.IN_REVIEW,
            total_score=71.0,
            grade="合格",
            evaluator_id=scorer.user_id,
            comment="服务基本到位",
            scored_at=datetime(2026, 7, 2, tzinfo=UTC),
        )
        session.add_all([b, twin])
        session.commit()
        return twin.id or 0


def _review(
    door: str, client: TestClient, url: str, login: str, evaluation_id: int
) -> tuple[int, str]:
    """Approve through one door; return (HTTP status or its equivalent, the message shown)."""
    if door == "page":
        token = sign_in(client, login)
        answer = client.post(
            f"/evaluator/evaluations/{evaluation_id}",
            data={"csrf_token": token, "decision": "approve"},
        )
        return answer.status_code, html.unescape(answer.text)
    if door == "api":
        with _session(url) as session:
            account = session.exec(select(Account).where(Account.login == login)).one()
            token = add_api_token(session, account_id=account.id or 0, now=datetime.now(UTC))
            session.commit()
        answer = client.post(
            f"/api/evaluations/{evaluation_id}/review",
            json={"decision": "approve"},
            headers={"Authorization": f"Bearer {token}"},
        )
        return answer.status_code, answer.json().get("detail", "")
    try:
        return 200, review_project.fn(evaluation_id, NAMES[login], True, "")
    except ServiceError as error:
        return service_status(error), error.message


@pytest.mark.parametrize("door", DOORS)
def test_approving_b_approves_b_and_leaves_a_of_the_same_title_untouched(
    door: str, client: TestClient, world: PortalWorld, database_url: str
) -> None:
    a = world.evaluation_id
    b = _same_title_twin(database_url, world)
    status, _ = _review(door, client, database_url, "evaluator1", b)
    assert status == 200
    assert _status(database_url, b) == EvaluationStatus.APPROVED
    assert _status(database_url, a) == EvaluationStatus.IN_REVIEW


def test_the_scorer_reviewing_their_own_scores_is_refused_with_the_same_reason_at_each_door(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    answers = {
        door: _review(door, client, database_url, "evaluator2", world.evaluation_id)
        for door in DOORS
    }
    api_status, reason = answers["api"]
    assert api_status == 403 and "不能审核自己评分的月度评估" in reason
    assert answers["flow"] == (403, reason)
    assert answers["page"][0] == 403 and reason in answers["page"][1]
    assert _status(database_url, world.evaluation_id) == EvaluationStatus.IN_REVIEW


@pytest.mark.parametrize("door", DOORS)
def test_an_evaluation_no_longer_in_review_is_refused_naming_its_status_at_each_door(
    door: str, client: TestClient, world: PortalWorld, database_url: str
) -> None:
    assert _review("api", client, database_url, "evaluator1", world.evaluation_id)[0] == 200
    status, message = _review(door, client, database_url, "evaluator1", world.evaluation_id)
    reason = f"「{world.titles[0]}」2026-06 的月度评估已审定，不在待审核状态"
    assert status == 409 and reason in message
    assert _status(database_url, world.evaluation_id) == EvaluationStatus.APPROVED
