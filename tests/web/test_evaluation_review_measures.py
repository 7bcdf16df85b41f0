"""The evaluator reviewing a month sees each criterion beside what was measured for it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from models.monitoring import MonthlyEvaluation
from services import Actor, Forbidden, evaluation_view
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld


def _measured(database_url: str, world: PortalWorld) -> None:
    with Session(get_engine(database_url)) as session:
        evaluation = session.get(MonthlyEvaluation, world.evaluation_id)
        assert evaluation is not None
        evaluation.reports_expected, evaluation.reports_submitted = 22, 20
        evaluation.reports_late = 3
        evaluation.indicators = [
            {"name": "服务人次", "unit": "人次", "planned": 150, "actual": 120},
            {"name": "活动场次", "unit": "场", "planned": None, "actual": 4},
        ]
        evaluation.scores = {"日报告合规": 77.0, "服务进度": 80.0}
        evaluation.items_closed, evaluation.items_open = 2, 1
        evaluation.satisfaction_percent = 93
        session.add(evaluation)
        session.commit()


def test_each_criterion_shows_its_measures(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    _measured(database_url, world)
    sign_in(client, "evaluator1")
    page = client.get("/evaluator/evaluations").text
    for text in (
        "日报告合规",
        "应交日报告：22 份",
        "按时：17 份",
        "迟交：3 份",
        "缺交：2 份",
        "服务人次：计划 150人次，完成 120人次（80.0%）",
        "活动场次：无计划，完成 4场",
        "督办事项：已办结 2，未办结 1",
        "满意度：93%",
        "按记录计算",
        "专家评分",
    ):
        assert text in page, text


def test_only_an_evaluator_reads_the_review_list(database_url: str, world: PortalWorld) -> None:
    import pytest

    from models.status import Role

    with Session(get_engine(database_url)) as session, pytest.raises(Forbidden):
        evaluation_view.list_for_review(
            session, actor=Actor(login="staff", role=Role.STAFF, user_id=1)
        )
