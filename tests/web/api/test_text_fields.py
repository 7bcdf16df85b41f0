"""A C0 or C1 control character is refused alike by the API and the portal's forms (issue #17).

`models.text` is the one rule: the API's `Text` field, the daily report form
(through `models.report_input`) and the public need form (through
`models.intake`) refuse a control with the same message, and store nothing.
Emoji and CJK Extension B are text, and are stored as sent.
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from models.monitoring import DailyReport
from models.need import Need
from models.text import CONTROL_MESSAGE
from store.database import get_engine
from tests.web.api.conftest import Api
from tests.web.conftest import csrf_of, sign_in
from tests.web.portal_builders import PortalWorld

DAY = "2026-06-03"
CONTROLS = [pytest.param("\x85", id="C1-NEL"), pytest.param("\x07", id="C0-BEL")]


def report(**fields: Any) -> dict[str, Any]:
    return {
        "day": DAY,
        "activities": [{"kind": "group", "title": "智能手机课", "people": 18}],
        "beneficiaries": ["E01-0007"],
        "service_hours": 2.5,
        "spend_fen": {"活动费": 12050},
        "summary": "第三讲",
    } | fields


def post(api: Api, body: object) -> Any:
    return api.client.post(
        f"/api/projects/{api.project_ids[0]}/daily-reports", json=body, headers=api.auth("agency1")
    )


def count(url: str, model: type[Any]) -> int:
    with Session(get_engine(url)) as session:
        return session.exec(select(func.count()).select_from(model)).one()


@pytest.mark.parametrize("control", CONTROLS)
def test_the_api_refuses_a_control_in_any_text_naming_the_field(api: Api, control: str) -> None:
    cases = {
        "summary": report(summary=f"第三讲{control}"),
        "issues": report(issues=f"{control}场地冲突"),
        "activities.0.title": report(
            activities=[{"kind": "group", "title": f"智能{control}手机课", "people": 18}]
        ),
        "attachments.0": report(attachments=[f"a{control}.jpg"]),
    }
    for field, body in cases.items():
        answer = post(api, body)
        assert answer.status_code == 422, answer.text
        errors = [(e["field"], e["msg"]) for e in answer.json()["errors"]]
        assert errors == [(field, CONTROL_MESSAGE)]
    assert count(api.url, DailyReport) == 0


def test_the_api_stores_emoji_and_extension_b_as_sent(api: Api) -> None:
    answer = post(api, report(summary="第三讲😀𠀀𪚥\ue000"))
    assert answer.status_code == 201, answer.text
    with api.session() as session:
        [row] = session.exec(select(DailyReport))
    assert row.summary == "第三讲😀𠀀𪚥\ue000"


def portal_report(token: str, project_id: int, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "project": str(project_id),
        "day": DAY,
        "kind_1": "小组",
        "title_1": "智能手机课",
        "people_1": "12",
        "beneficiaries": "E01-0007",
        "service_hours": "2.5",
        "summary": "第三讲",
        "action": "submit",
    } | fields


@pytest.mark.parametrize("control", CONTROLS)
def test_the_daily_report_form_refuses_a_control_with_the_apis_message(
    client: TestClient, world: PortalWorld, database_url: str, control: str
) -> None:
    token = sign_in(client, "agency1")
    project = world.project_ids[0]
    for fields in ({"summary": f"第三讲{control}"}, {"title_1": f"{control}智能手机课"}):
        answer = client.post("/agency/reports", data=portal_report(token, project, **fields))
        assert answer.status_code == 400, answer.text
        assert CONTROL_MESSAGE in html.unescape(answer.text)
    assert count(database_url, DailyReport) == 0
    # The same form without the control is stored: the refusal was the control's.
    good = client.post("/agency/reports", data=portal_report(token, project))
    assert good.status_code == 200 and "日报告已提交" in good.text
    assert count(database_url, DailyReport) == 1


@pytest.mark.parametrize("where", ["middle", "end"])
@pytest.mark.parametrize("control", CONTROLS)
def test_the_public_need_form_refuses_a_control_naming_the_field(
    client: TestClient, world: PortalWorld, database_url: str, control: str, where: str
) -> None:
    before = count(database_url, Need)
    token = csrf_of(client.get("/needs/new").text)
    data = {
        "csrf_token": token,
        # At the end too: stripping first would silently drop a trailing U+0085.
        "text": f"小区路灯{control}坏了好几天"
        if where == "middle"
        else f"小区路灯坏了好几天{control}",
        "community": "长淮社区",
        "source": "居民",
    }
    answer = client.post("/needs/new", data=data, follow_redirects=False)
    assert answer.status_code == 400, answer.text
    assert f"「需求内容」：{CONTROL_MESSAGE}" in html.unescape(answer.text)
    assert count(database_url, Need) == before
