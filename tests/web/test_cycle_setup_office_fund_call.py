"""Setting a cycle up in the portal: the office's 落款, the fund and its gifts, the call rules, the tracker.

From an empty database, a clerk opens a cycle and then sets it up on the cycle's
page: a bad phone is refused naming the field; the fund is set up and takes a cash
and an in-kind gift; the rules form comes filled in for this cycle, and rules are
refused naming the line (the checks of `gongyi call check`) or saved as the draft;
the stage tracker says what blocks the next step, with a link that clears it.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.call import Call
from models.cycle import Cycle
from models.fund import Donation
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
    """The portal on a database with one staff account and one evaluator."""
    with Session(get_engine(database_url)) as session:
        add_account(session, login="clerk", password=PASSWORD, name="王科长", role=Role.STAFF)
        add_account(session, login="expert9", password=PASSWORD, name="专家", role=Role.EVALUATOR)
        session.commit()
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def _open_cycle(client: TestClient) -> str:
    token = sign_in(client, "clerk")
    created = client.post("/officer/cycles", data=CYCLE | {"csrf_token": token})
    assert created.status_code == 200, created.text
    return token


def _rules_text(page: str) -> str:
    """The rules as the form's textarea holds them."""
    return html.unescape(page.split('spellcheck="false">', 1)[1].split("</textarea>", 1)[0])


def _fund(client: TestClient, token: str) -> None:
    assert (
        client.post(
            "/officer/cycles/1/fund",
            data={"csrf_token": token, "fund_name": "新安街道公益创投基金"},
        ).status_code
        == 200
    )
    gift = {
        "csrf_token": token,
        "donor": "新安商会",
        "donor_type": "爱心企业",
        "amount": "150000",
        "donated_on": "2027-03-10",
        "domain": "",
        "receipt": "",
    }
    page = client.post("/officer/cycles/1/donations", data=gift)
    assert page.status_code == 200 and "新安商会：已登记" in page.text


def test_the_office_form_refuses_a_bad_phone_naming_it_and_shows_what_is_saved(
    empty_client: TestClient, database_url: str
) -> None:
    token = _open_cycle(empty_client)
    office = {
        "csrf_token": token,
        "name": "新安街道办事处",
        "address": "新安路 1 号",
        "contact": "社会事务科 王老师",
        "phone": "六二八八一二三四",
        "email": "gongyi@xinan.example.cn",
        "seal": "",
    }
    bad = empty_client.post("/officer/cycles/1/office", data=office)
    assert bad.status_code == 400 and "联系电话：「六二八八一二三四」不是电话号码" in bad.text
    assert "新安路 1 号" in bad.text  # what was typed is kept
    saved = empty_client.post("/officer/cycles/1/office", data=office | {"phone": "0551-62881234"})
    assert saved.status_code == 200 and "已保存落款信息" in saved.text
    assert "0551-62881234" in saved.text and "社会事务科 王老师" in saved.text
    with Session(get_engine(database_url)) as session:
        cycle = session.exec(select(Cycle)).one()
        assert (cycle.office_phone, cycle.office_email) == (
            "0551-62881234",
            "gongyi@xinan.example.cn",
        )
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "cycle_office")).one()


def test_the_tracker_names_what_blocks_the_fund_and_the_clerk_records_gifts(
    empty_client: TestClient, database_url: str
) -> None:
    token = _open_cycle(empty_client)
    needs_first = empty_client.get("/officer/cycles/1").text
    assert 'data-blocker="no_needs"' in needs_first and "还没有居民需求" in needs_first
    _fund(empty_client, token)
    kind = {
        "csrf_token": token,
        "donor": "明珠物业",
        "donor_type": "爱心企业",
        "category": "场地",
        "description": "活动室每周两个半天",
        "valuation": "",
        "donated_on": "2027-03-12",
        "receipt": "",
    }
    page = empty_client.post("/officer/cycles/1/in-kind", data=kind)
    assert page.status_code == 200 and "明珠物业：已登记" in page.text
    again = empty_client.post("/officer/cycles/1/in-kind", data=kind)
    assert "已登记过，未重复记账" in again.text
    bad = empty_client.post("/officer/cycles/1/donations", data=kind | {"amount": "十万"})
    assert bad.status_code == 400 and "金额（元）" in bad.text and "明珠物业" in bad.text
    assert "150,000.00" in empty_client.get("/officer/cycles/1").text
    dashboard = empty_client.get("/officer").text  # the same tracker heads the dashboard
    assert 'class="card tracker"' in dashboard and 'data-blocker="no_rules"' in dashboard
    with Session(get_engine(database_url)) as session:
        assert len(session.exec(select(Donation)).all()) == 2


def test_an_evaluator_cannot_record_gifts_or_see_the_setup(empty_client: TestClient) -> None:
    _open_cycle(empty_client)
    token = sign_in(empty_client, "expert9")
    assert empty_client.get("/officer/cycles/1").status_code == 403
    refused = empty_client.post(
        "/officer/cycles/1/fund", data={"csrf_token": token, "fund_name": "甲"}
    )
    assert refused.status_code == 403


def test_the_rules_form_is_filled_in_for_the_cycle_and_refusals_name_the_line(
    empty_client: TestClient, settings: Settings
) -> None:
    token = _open_cycle(empty_client)
    tracker = empty_client.get("/officer/cycles/1").text
    assert 'href="/officer/cycles/1/rules"' in tracker
    text = _rules_text(empty_client.get("/officer/cycles/1/rules").text)
    assert 'title = "2027 年度新安街道公益创投申报指南"' in text and '"elderly", "youth"' in text
    bad = text.replace("max_months = 6", "max_months = 6\nmax_monhts = 7")
    refused = empty_client.post(
        "/officer/cycles/1/rules", data={"csrf_token": token, "rules_text": bad}
    )
    line = bad.splitlines().index("max_monhts = 7") + 1
    assert (
        refused.status_code == 400
        and f"第 {line} 行" in refused.text
        and "max_monhts" in refused.text
    )
    saved = empty_client.post(
        "/officer/cycles/1/rules", data={"csrf_token": token, "rules_text": text}
    )
    assert saved.status_code == 200 and "规则已检查并保存" in saved.text
    assert "还没有设立公益基金" in saved.text  # what still blocks publishing
    draft = settings.var_dir / "申报指南草稿" / "cycle-1.toml"
    assert draft.read_text(encoding="utf-8") == text
    uploaded = empty_client.post(
        "/officer/cycles/1/rules",
        data={"csrf_token": token, "rules_text": ""},
        files={"rules_file": ("call.toml", text.replace("version = 1", "version = 0").encode())},
    )
    assert uploaded.status_code == 400 and "call.toml 第 4 行" in uploaded.text


@pytest.mark.flow
def test_the_clerk_publishes_the_call_from_the_portal_and_the_run_outlives_a_restart(
    prefect_harness: None, empty_client: TestClient, settings: Settings, database_url: str
) -> None:
    token = _open_cycle(empty_client)
    _fund(empty_client, token)
    text = _rules_text(empty_client.get("/officer/cycles/1/rules").text)
    saved = empty_client.post(
        "/officer/cycles/1/rules", data={"csrf_token": token, "rules_text": text}
    )
    assert "发布前还需" not in saved.text, saved.text
    started = empty_client.post("/officer/cycles/1/call/publish", data={"csrf_token": token})
    assert (
        started.status_code == 200
        and "已开始：发布申报指南（进度见「运行流程」）" in started.text
        and "最近运行" in started.text
    )
    jobs = empty_client.app.state.flow_jobs  # type: ignore[attr-defined]
    for _ in range(600):
        if jobs[-1]["state"] != "运行中":
            break
        time.sleep(0.1)
    assert jobs[-1]["state"] == "已完成", jobs[-1]
    with Session(get_engine(database_url)) as session:
        call = session.exec(select(Call)).one()
        assert call.status == "published"
    page = empty_client.get("/officer/cycles/1").text
    assert "截止申报并资格审查" in page and 'data-blocker="call_open"' in page
    assert "发布申报指南 · 已完成" in page  # the cycle page shows how its call's run ended
    with TestClient(create_app(settings), raise_server_exceptions=False) as restarted:
        sign_in(restarted, "clerk")
        history = restarted.get("/officer/flows").text
    assert "发布申报指南" in history and jobs[-1]["run_name"] in history
    rows = history.split("最近运行", 1)[1]
    assert "王科长" in rows and "已完成" in rows and "cycle_id=1" in rows, rows
    assert Path(settings.output_dir).exists()
