"""The evaluator scores a month in the portal beside its measures, and reviews a batch at once.

The world is the portal's: a June evaluation of the first project, scored by evaluator2
(评估专家乙), waits for review; each test adds the second project's evaluation it needs.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.account import Account
from models.monitoring import MonthlyEvaluation
from models.status import EvaluationStatus
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld


def _session(url: str) -> Session:
    return Session(get_engine(url), expire_on_commit=False)


def _user_id(url: str, login: str) -> int:
    with _session(url) as session:
        return session.exec(select(Account).where(Account.login == login)).one().user_id


def _june(url: str, world: PortalWorld, *, status: str, scorer: str = "") -> int:
    """Store the second project's measured June evaluation; return its id."""
    with _session(url) as session:
        evaluation = MonthlyEvaluation(
            project_id=world.project_ids[1],
            month="2026-06",
            status=status,
            reports_expected=22,
            reports_submitted=20,
            reports_late=2,
            indicators=[{"name": "服务人次", "unit": "人次", "planned": 200, "actual": 180}],
            evaluator_id=_user_id(url, scorer) if scorer else None,
            total_score=80.0 if scorer else None,
            grade="良好" if scorer else "",
            scored_at=datetime(2026, 7, 2, tzinfo=UTC) if scorer else None,
        )
        session.add(evaluation)
        session.commit()
        return evaluation.id or 0


def _read(url: str, evaluation_id: int) -> MonthlyEvaluation:
    with _session(url) as session:
        found = session.get(MonthlyEvaluation, evaluation_id)
        assert found is not None
        return found


def test_the_form_shows_each_criterion_with_its_weight_beside_its_measures(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    draft = _june(database_url, world, status=EvaluationStatus.DRAFT)
    sign_in(client, "evaluator1")
    listing = client.get("/evaluator/evaluations").text
    assert f'href="/evaluator/evaluations/{draft}/score"' in listing
    page = client.get(f"/evaluator/evaluations/{draft}/score")
    assert page.status_code == 200
    text = html.unescape(page.text)
    for expected in (
        world.titles[1],
        "日报告合规",
        "30%",
        "应交日报告：22 份",
        "迟交：2 份",
        "服务人次：计划 200人次，完成 180人次（90.0%）",
        "服务质量",
        "40%",
        "志愿者",
    ):
        assert expected in text, expected
    assert re.search(r'name="score_0"[^>]*type="number"', page.text)


def test_scores_from_the_form_send_the_month_to_review_by_another_evaluator(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    draft = _june(database_url, world, status=EvaluationStatus.DRAFT)
    token = sign_in(client, "evaluator1")
    response = client.post(
        f"/evaluator/evaluations/{draft}/score",
        data={"csrf_token": token, "score_0": "88", "comment": "记录完整", "satisfaction": "95"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    stored = _read(database_url, draft)
    assert stored.status == EvaluationStatus.IN_REVIEW
    assert stored.evaluator_id == _user_id(database_url, "evaluator1")
    assert (stored.scores["服务质量"], stored.satisfaction_percent) == (88.0, 95)
    assert stored.grade and stored.total_score is not None
    # evaluator1 may change the scores but not review them; evaluator2 reviews them.
    listing = client.get("/evaluator/evaluations").text
    assert f'data-evaluation="{draft}"' not in listing
    assert "修改评分" in listing
    refused = client.post(
        f"/evaluator/evaluations/{draft}",
        data={"csrf_token": token, "decision": "approve"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    token = sign_in(client, "evaluator2")
    assert f'data-evaluation="{draft}"' in client.get("/evaluator/evaluations").text


def test_a_bad_score_is_named_and_nothing_is_stored(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    draft = _june(database_url, world, status=EvaluationStatus.DRAFT)
    token = sign_in(client, "evaluator1")
    response = client.post(
        f"/evaluator/evaluations/{draft}/score",
        data={"csrf_token": token, "score_0": "120", "comment": "记录完整"},
    )
    assert response.status_code == 400
    assert "「服务质量」得分应在 0–100 之间，收到 120" in html.unescape(response.text)
    assert 'value="120"' in response.text
    assert _read(database_url, draft).status == EvaluationStatus.DRAFT


def test_only_an_evaluator_opens_or_sends_the_scoring_form(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    draft = _june(database_url, world, status=EvaluationStatus.DRAFT)
    token = sign_in(client, "staff")
    assert client.get(f"/evaluator/evaluations/{draft}/score").status_code == 403
    response = client.post(
        f"/evaluator/evaluations/{draft}/score", data={"csrf_token": token, "score_0": "80"}
    )
    assert response.status_code == 403
    assert _read(database_url, draft).status == EvaluationStatus.DRAFT


def test_a_batch_approves_the_selected_evaluations_in_one_action(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    second = _june(database_url, world, status=EvaluationStatus.IN_REVIEW, scorer="evaluator2")
    token = sign_in(client, "evaluator1")
    page = client.get("/evaluator/evaluations").text
    assert 'data-select-all="batch"' in page and "全选" in page
    assert 'name="ids"' in page and 'form="batch"' in page
    picked = re.compile(r'name="ids" value="\d+" form="batch" checked')
    assert picked.findall(page) == []
    assert len(picked.findall(client.get("/evaluator/evaluations?all=1").text)) == 2
    response = client.post(
        "/evaluator/evaluations/batch",
        data={"csrf_token": token, "ids": [world.evaluation_id, second], "decision": "approve"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    for evaluation_id in (world.evaluation_id, second):
        assert _read(database_url, evaluation_id).status == EvaluationStatus.APPROVED
    assert "已审定 2 份月评估" in html.unescape(client.get("/evaluator/evaluations").text)


def test_a_batch_with_one_evaluation_the_reviewer_scored_changes_nothing(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    own = _june(database_url, world, status=EvaluationStatus.IN_REVIEW, scorer="evaluator2")
    token = sign_in(client, "evaluator2")
    response = client.post(
        "/evaluator/evaluations/batch",
        data={"csrf_token": token, "ids": [own, world.evaluation_id], "decision": "approve"},
    )
    assert response.status_code == 409
    text = html.unescape(response.text)
    assert "本批均未办理" in text
    assert f"「{world.titles[1]}」2026-06：不能审核自己评分的月度评估" in text
    assert f"「{world.titles[0]}」2026-06：不能审核自己评分的月度评估" in text
    for evaluation_id in (own, world.evaluation_id):
        assert _read(database_url, evaluation_id).status == EvaluationStatus.IN_REVIEW


def test_sending_a_batch_back_takes_one_comment_and_an_agency_cannot(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    second = _june(database_url, world, status=EvaluationStatus.IN_REVIEW, scorer="evaluator2")
    data = {"ids": [world.evaluation_id, second], "decision": "send_back"}
    token = sign_in(client, "agency1")
    agency = client.post("/evaluator/evaluations/batch", data=data | {"csrf_token": token})
    assert agency.status_code == 403
    token = sign_in(client, "evaluator1")
    none = client.post("/evaluator/evaluations/batch", data={"csrf_token": token})
    assert none.status_code == 409 and "请至少选择一份月评估" in html.unescape(none.text)
    bare = client.post("/evaluator/evaluations/batch", data=data | {"csrf_token": token})
    assert bare.status_code == 409
    assert "退回修改时请写明需要修改的内容" in html.unescape(bare.text)
    response = client.post(
        "/evaluator/evaluations/batch",
        data=data | {"csrf_token": token, "comment": "请补充签到表"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    for evaluation_id in (world.evaluation_id, second):
        stored = _read(database_url, evaluation_id)
        assert (stored.status, stored.review_comment) == (
            EvaluationStatus.NEEDS_REVISION,
            "请补充签到表",
        )
