"""Opening a cycle in the portal: the form (CSRF, refusals shown with what was typed), the list, the stages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.cycle import Cycle
from models.status import Role
from settings import Settings
from store.accounts import add_account
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PASSWORD, PortalWorld
from web.app import create_app

FORM = {
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


def test_an_empty_database_shows_a_first_run_page_and_a_clerk_opens_the_first_cycle(
    empty_client: TestClient, database_url: str
) -> None:
    token = sign_in(empty_client, "clerk")
    home = empty_client.get("/officer")
    assert home.status_code == 200
    assert "还没有创投周期" in home.text and 'href="/officer/cycles/new"' in home.text
    assert "还没有创投周期" in empty_client.get("/officer/cycles").text

    form = empty_client.get("/officer/cycles/new")
    assert form.status_code == 200 and "情暖夕阳、护航花蕾" in form.text
    created = empty_client.post(
        "/officer/cycles", data=FORM | {"csrf_token": token}, follow_redirects=False
    )
    assert created.status_code == 303, created.text
    page = empty_client.get(created.headers["location"])
    assert "已开设创投周期 #1" in page.text
    assert "明珠社区" in page.text and "绿色生活" in page.text
    assert "下一步" in page.text and "gongyi needs import" in page.text
    listing = empty_client.get("/officer/cycles")
    assert "2027 年度新安街道公益创投" in listing.text and "需求征集" in listing.text
    assert "2027 年度新安街道公益创投" in empty_client.get("/officer").text
    with Session(get_engine(database_url)) as session:
        cycle = session.exec(select(Cycle)).one()
        assert cycle.status == "collecting"


def test_a_refusal_shows_the_form_again_with_the_message_and_what_was_typed(
    client: TestClient, world: PortalWorld
) -> None:
    token = sign_in(client, "staff")
    bad = client.post(
        "/officer/cycles",
        data=FORM | {"ends_on": "2027-01-01", "csrf_token": token},
        follow_redirects=False,
    )
    assert bad.status_code == 400
    assert "结束日期：应晚于开始日期" in bad.text and "明珠社区" in bad.text
    year = client.post("/officer/cycles", data=FORM | {"year": "二〇二七", "csrf_token": token})
    assert year.status_code == 400 and "年度：请填写四位数的年份" in year.text
    assert client.post("/officer/cycles", data=FORM | {"csrf_token": token}).status_code == 200
    again = client.post("/officer/cycles", data=FORM | {"csrf_token": token})
    assert again.status_code == 400 and "2027 年度已有创投周期" in again.text


def test_the_form_needs_the_csrf_token_and_a_staff_or_admin_account(
    client: TestClient, world: PortalWorld
) -> None:
    sign_in(client, "staff")
    refused = client.post("/officer/cycles", data=FORM | {"csrf_token": "forged"})
    assert refused.status_code in (400, 403)
    client.cookies.clear()
    token = sign_in(client, "admin")
    assert "/officer/cycles" in client.get("/officer/audit").text  # in the admin's menu
    page = client.get(f"/officer/cycles/{world.cycle_id}")
    assert page.status_code == 200 and "执行" in page.text
    assert client.get("/officer/cycles/999").status_code == 404
    created = client.post(
        "/officer/cycles", data=FORM | {"csrf_token": token}, follow_redirects=False
    )
    assert created.status_code == 303
    client.cookies.clear()
    sign_in(client, "agency1")
    assert client.get("/officer/cycles").status_code == 403
    assert client.get("/officer/cycles/new").status_code == 403
