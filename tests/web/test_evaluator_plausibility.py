"""The evaluator reviewing a monthly evaluation sees its implausible outputs and budget deviation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from models.monitoring import MonthlyEvaluation
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld


def _measure(database_url: str, world: PortalWorld, **measures: object) -> None:
    with Session(get_engine(database_url)) as session:
        evaluation = session.get(MonthlyEvaluation, world.evaluation_id)
        assert evaluation is not None
        for name, value in measures.items():
            setattr(evaluation, name, value)
        session.add(evaluation)
        session.commit()


def test_an_implausible_output_and_overspending_are_flagged_for_the_reviewer(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    _measure(
        database_url,
        world,
        indicators=[
            {"name": "服务人次", "unit": "人次", "planned": 100, "actual": 120},
            {"name": "活动场次", "unit": "场", "planned": 6, "actual": 41},
        ],
        budget_lines=[{"category": "活动费"}],
        spent_to_date_fen=150_000,
        planned_to_date_fen=100_000,
    )
    sign_in(client, "evaluator1")
    page = client.get("/evaluator/evaluations").text
    assert "活动场次：实际 41场，计划 6场（超过计划的 3 倍，标为异常，请核实" in page
    assert "服务人次：实际" not in page
    assert "预算超支（累计支出偏离计划 +50.0%）" in page


def test_slow_spending_is_not_called_overspending(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    _measure(
        database_url,
        world,
        budget_lines=[{"category": "活动费"}],
        spent_to_date_fen=40_000,
        planned_to_date_fen=100_000,
    )
    sign_in(client, "evaluator1")
    page = client.get("/evaluator/evaluations").text
    assert "预算执行偏慢（累计支出偏离计划 -60.0%）" in page
    assert "超支" not in page


def test_an_evaluation_within_plan_shows_no_flag(client: TestClient, world: PortalWorld) -> None:
    sign_in(client, "evaluator1")
    page = client.get("/evaluator/evaluations").text
    assert world.titles[0] in page and 'class="errors flags"' not in page
