"""One daily report, three doors: the portal's form, the JSON API and the submit/import flows.

Each door only shapes its input and calls `services.daily_reports`, so the same
report gets the same outcome through each: stored with the same figures (and a
re-send through another door is a duplicate), or refused with the same reason —
a project of another agency, a day still to come, spend over the budget line.
"""

from __future__ import annotations

import html
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flows.monitoring.daily_report_intake import daily_report_intake, submit_daily_report
from models.account import Account
from models.monitoring import DailyReport
from settings import Settings
from store.accounts import add_api_token
from store.database import get_engine
from tests.monitoring_builders import BUDGET
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

SUMMARY = "教老人用手机挂号"


@pytest.fixture
def bearer(world: PortalWorld, database_url: str) -> dict[str, str]:
    """An API token of the portal's agency1 account."""
    with Session(get_engine(database_url)) as session:
        account = session.exec(select(Account).where(Account.login == "agency1")).one()
        secret = add_api_token(
            session, account_id=account.id or 0, label="parity", now=Settings().now()
        )
        session.commit()
    return {"Authorization": f"Bearer {secret}"}


def form(token: str, project_id: int, day: date, *, spend_yuan: str = "120.50") -> dict[str, str]:
    """The portal form's fields for the report."""
    return {
        "csrf_token": token,
        "project": str(project_id),
        "day": day.isoformat(),
        "kind_1": "小组",
        "title_1": "智能手机课",
        "people_1": "12",
        "beneficiaries": "E01-0007",
        "service_hours": "2.5",
        "volunteers": "2",
        "volunteer_hours": "3",
        "spend_活动费": spend_yuan,
        "summary": SUMMARY,
        "action": "submit",
    }


def body(day: date, *, spend_fen: int = 12_050) -> dict[str, Any]:
    """The same report in the API's JSON shape (the submit flow takes it too, with a project)."""
    return {
        "day": day.isoformat(),
        "activities": [{"kind": "小组", "title": "智能手机课", "people": 12}],
        "beneficiaries": ["E01-0007"],
        "service_hours": 2.5,
        "volunteers": 2,
        "volunteer_hours": 3,
        "spend_fen": {"活动费": spend_fen},
        "summary": SUMMARY,
    }


def through_portal(client: TestClient, token: str, project_id: int, day: date, **kw: str) -> Any:
    return client.post("/agency/reports", data=form(token, project_id, day, **kw))


def through_api(client: TestClient, bearer: dict[str, str], project_id: int, data: dict) -> Any:  # type: ignore[type-arg]
    return client.post(f"/api/projects/{project_id}/daily-reports", json=data, headers=bearer)


def through_flow(world: PortalWorld, data: dict) -> Any:  # type: ignore[type-arg]
    return submit_daily_report(data | {"project": world.titles[0]}, world.cycle_id, "cli")


def stored(database_url: str) -> list[DailyReport]:
    with Session(get_engine(database_url)) as session:
        return list(session.exec(select(DailyReport).order_by(DailyReport.day)))


def figures(report: DailyReport) -> tuple[Any, ...]:
    return (
        report.project_id,
        report.version,
        report.activities,
        report.people_served,
        report.beneficiary_refs,
        report.service_minutes,
        report.volunteers,
        report.volunteer_minutes,
        report.spend_fen,
        report.summary,
    )


def page_text(response: Any) -> str:
    return html.unescape(response.text)


def test_the_same_report_is_stored_alike_through_each_door_and_a_resend_is_a_duplicate(
    client: TestClient, world: PortalWorld, bearer: dict[str, str], database_url: str
) -> None:
    token = sign_in(client, "agency1")
    project = world.project_ids[0]
    days = [date(2026, 6, 3), date(2026, 6, 4), date(2026, 6, 5)]
    portal = through_portal(client, token, project, days[0])
    api = through_api(client, bearer, project, body(days[1]))
    flow = through_flow(world, body(days[2]))
    assert portal.status_code == 200 and "日报告已提交" in portal.text
    assert api.status_code == 201 and api.json()["filing"] == "new"
    assert (flow.added, flow.errors) == (1, ())

    rows = stored(database_url)
    assert [(r.day, r.source) for r in rows] == list(zip(days, ["web", "api", "cli"], strict=True))
    assert figures(rows[0]) == figures(rows[1]) == figures(rows[2])
    assert rows[0].spend_fen == {"活动费": 12_050} and rows[0].people_served == 12

    # Each day sent again through another door: nothing stored twice.
    again_api = through_api(client, bearer, project, body(days[0]))
    again_flow = through_flow(world, body(days[1]))
    again_portal = through_portal(client, token, project, days[2])
    assert again_api.status_code == 200 and again_api.json()["filing"] == "duplicate"
    assert again_api.json()["report"]["id"] == rows[0].id
    assert (again_flow.added, len(again_flow.unchanged)) == (0, 1)
    assert again_portal.status_code == 200 and "没有重复保存" in again_portal.text
    assert [figures(r) for r in stored(database_url)] == [figures(r) for r in rows]


def test_another_agencys_project_is_not_found_alike_on_the_form_and_the_api(
    client: TestClient, world: PortalWorld, bearer: dict[str, str], database_url: str
) -> None:
    token = sign_in(client, "agency1")
    theirs = world.project_ids[1]
    portal = through_portal(client, token, theirs, date(2026, 6, 3))
    api = through_api(client, bearer, theirs, body(date(2026, 6, 3)))
    assert portal.status_code == api.status_code == 404
    reason = api.json()["detail"]
    assert reason == f"找不到服务项目 #{theirs}，或您的账号无权访问"
    assert reason in page_text(portal)
    # The same answer as for a project that does not exist: its existence is not revealed.
    missing = through_api(client, bearer, 99_999, body(date(2026, 6, 3)))
    assert missing.json()["detail"] == reason.replace(str(theirs), "99999")
    assert stored(database_url) == []


def _api_reasons(answer: Any) -> list[str]:
    assert answer.status_code == 422, answer.text
    return [error["msg"] for error in answer.json()["errors"]]


def test_a_day_still_to_come_is_refused_alike_through_each_door(
    client: TestClient, world: PortalWorld, bearer: dict[str, str], database_url: str
) -> None:
    token = sign_in(client, "agency1")
    tomorrow = Settings().today() + timedelta(days=1)
    reasons = _api_reasons(through_api(client, bearer, world.project_ids[0], body(tomorrow)))
    assert any("还没有到" in reason for reason in reasons)
    portal = through_portal(client, token, world.project_ids[0], tomorrow)
    flow = through_flow(world, body(tomorrow))
    assert portal.status_code == 400
    assert flow.added == 0 and len(flow.errors) == len(reasons)
    for reason in reasons:
        assert reason in page_text(portal)
        assert any(line.endswith(reason) for line in flow.errors)
    assert stored(database_url) == []


def test_spend_over_the_budget_line_is_refused_alike_through_each_door(
    client: TestClient,
    world: PortalWorld,
    bearer: dict[str, str],
    database_url: str,
    tmp_path: Path,
) -> None:
    token = sign_in(client, "agency1")
    over = BUDGET["活动费"] + 1
    day = date(2026, 6, 3)
    [reason] = _api_reasons(
        through_api(client, bearer, world.project_ids[0], body(day, spend_fen=over))
    )
    assert "超出预算" in reason
    portal = through_portal(
        client, token, world.project_ids[0], day, spend_yuan=f"{over / 100:.2f}"
    )
    flow = through_flow(world, body(day, spend_fen=over))
    sheet = tmp_path / "reports.csv"
    sheet.write_text(
        "项目名称,日期,活动,受益人编号,服务时长（小时）,支出\n"
        f"{world.titles[0]},{day},小组:智能手机课:12,E01-0007,2.5,活动费:{over / 100:.2f}\n",
        encoding="utf-8",
    )
    imported = daily_report_intake(str(sheet), world.cycle_id)
    assert portal.status_code == 400 and reason in page_text(portal)
    assert [line.endswith(reason) for line in flow.errors] == [True]
    assert [line.endswith(reason) for line in imported.errors] == [True]
    assert stored(database_url) == []
