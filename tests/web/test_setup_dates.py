"""The cycle set-up forms take the act's 日期（不填为今天） and keep it beside the entry time (issue #15 §7).

Opening the cycle, setting up the fund, publishing and closing the call each have a
date field: a clerk typing in last week's paper gives the day it happened, the audit
event stores it in `business_on` (the officer's audit page shows it as 业务日期 beside
录入时间), and a date after today, or one not written 2027-03-01, is refused with the
form shown again as typed and nothing written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.cycle import Cycle
from models.fund import Fund
from models.status import Role
from models.user import AuditEvent
from settings import Settings
from store.accounts import add_account
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PASSWORD
from web.app import create_app

CYCLE = {
    "street_office": "新安街道办事处",
    "year": "2027",
    "name": "2027 年度新安街道公益创投",
    "starts_on": "2027-03-01",
    "ends_on": "2027-12-31",
    "communities": "明珠社区\r\n新安社区\r\n",
    "domains": "",
}


@pytest.fixture
def empty_client(settings: Settings, database_url: str) -> Iterator[TestClient]:
    """The portal on a database with one staff account and nothing else."""
    with Session(get_engine(database_url)) as session:
        add_account(session, login="clerk", password=PASSWORD, name="王科长", role=Role.STAFF)
        session.commit()
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def _business_on(database_url: str, action: str) -> date | None:
    with Session(get_engine(database_url)) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == action)).one()
        return event.business_on


def test_a_cycle_and_its_fund_opened_from_the_portal_keep_the_date_typed(
    empty_client: TestClient, database_url: str, settings: Settings
) -> None:
    token = sign_in(empty_client, "clerk")
    form = empty_client.get("/officer/cycles/new").text
    assert "日期（不填为今天）" in form and 'name="on" type="date"' in form
    earlier = settings.today() - timedelta(days=7)
    opened = empty_client.post(
        "/officer/cycles", data=CYCLE | {"on": earlier.isoformat(), "csrf_token": token}
    )
    assert opened.status_code == 200 and "已开设创投周期 #1" in opened.text
    assert "日期（不填为今天）" in opened.text  # the fund form's date
    assert _business_on(database_url, "cycle_open") == earlier

    set_up = empty_client.post(
        "/officer/cycles/1/fund",
        data={"csrf_token": token, "fund_name": "新安街道公益创投基金", "on": ""},
    )
    assert set_up.status_code == 200 and "已设立公益基金" in set_up.text
    assert _business_on(database_url, "fund_open") == settings.today()


def test_a_date_after_today_or_badly_written_is_refused_with_the_form_as_typed(
    empty_client: TestClient, database_url: str, settings: Settings
) -> None:
    token = sign_in(empty_client, "clerk")
    later = settings.today() + timedelta(days=3)
    refused = empty_client.post(
        "/officer/cycles", data=CYCLE | {"on": later.isoformat(), "csrf_token": token}
    )
    assert refused.status_code == 400
    assert f"开设日期 {later} 晚于今天" in refused.text
    assert f'value="{later}"' in refused.text and "明珠社区" in refused.text
    badly = empty_client.post("/officer/cycles", data=CYCLE | {"on": "明天", "csrf_token": token})
    assert (
        badly.status_code == 400
        and "日期：请按 2027-03-01 的格式填写（收到「明天」）" in badly.text
    )
    with Session(get_engine(database_url)) as session:
        assert session.exec(select(Cycle)).all() == []

    assert empty_client.post("/officer/cycles", data=CYCLE | {"csrf_token": token}).is_success
    fund = {"csrf_token": token, "fund_name": "新安街道公益创投基金", "on": later.isoformat()}
    no_fund = empty_client.post("/officer/cycles/1/fund", data=fund)
    assert no_fund.status_code == 400 and f"设立日期 {later} 晚于今天" in no_fund.text
    assert f'value="{later}"' in no_fund.text
    publish = empty_client.post(
        "/officer/cycles/1/call/publish", data={"csrf_token": token, "on": later.isoformat()}
    )
    assert publish.status_code == 400 and f"发布日期 {later} 晚于今天" in publish.text
    with Session(get_engine(database_url)) as session:
        assert session.exec(select(Fund)).all() == []
        actions = [e.action for e in session.exec(select(AuditEvent))]
    assert "fund_open" not in actions and not any(a.startswith("flow") for a in actions)


def test_the_audit_page_shows_the_business_date_beside_the_entry_time(
    empty_client: TestClient, settings: Settings
) -> None:
    token = sign_in(empty_client, "clerk")
    earlier = settings.today() - timedelta(days=12)
    data = CYCLE | {"on": earlier.isoformat(), "csrf_token": token}
    assert empty_client.post("/officer/cycles", data=data).is_success
    page = empty_client.get("/officer/audit", params={"action": "cycle_open"})
    assert page.status_code == 200
    assert "<th>录入时间</th><th>业务日期</th>" in page.text
    row = page.text.split("<td>cycle_open</td>")[0].rsplit("<tr>", 1)[1]
    assert f"<td>{earlier}</td>" in row and f"<td>{settings.today()} " in row
