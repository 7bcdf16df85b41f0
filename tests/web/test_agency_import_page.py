"""Registering agencies on /officer/agencies: the sheet `gongyi agency import` reads, all or nothing.

The upload form calls `services.agencies.register_agencies`, as the CLI's flow
does: every bad row is named by its row and column and nothing is written; staff
and admins only; each import is audited. The admin's account form says where
agencies are registered while there is none.
"""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.agency import Agency, AgencyTrackRecord
from models.status import Role
from models.user import AuditEvent
from settings import Settings
from store.accounts import add_account
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PASSWORD, PortalWorld
from web.app import create_app

HEADER = "机构名称,组织类型,统一社会信用代码,登记日期,年检结果,异常名录,联系人,联系电话"
GOOD_CODE, BAD_CODE = "52340100MJ528112XW", "52340100MJ528112XX"
NEW = f"蚌埠市新芽社会工作服务中心,社会服务机构,{GOOD_CODE},2018-03-01,合格,否,李四,13900001111"


def upload(client: TestClient, token: str, registry: str, records: str | None = None) -> object:
    files = {"registry": ("社会组织名录.csv", registry.encode("utf-8"), "text/csv")}
    if records is not None:
        files["track_records"] = ("往期记录.csv", records.encode("utf-8"), "text/csv")
    return client.post("/officer/agencies/import", data={"csrf_token": token}, files=files)


def agency_names(database_url: str) -> list[str]:
    with Session(get_engine(database_url)) as session:
        return sorted(a.name for a in session.exec(select(Agency)))


def test_an_officer_registers_agencies_and_their_past_results_from_the_page(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, "staff")
    page = client.get("/officer/agencies").text
    assert 'action="/officer/agencies/import"' in page
    assert (
        "/officer/templates/agencies.xlsx" in page
        and "/officer/templates/track_records.xlsx" in page
    )

    done = upload(
        client,
        token,
        f"{HEADER}\n{NEW}\n",
        "机构名称,年度,评估等级,黄牌次数\n蚌埠市新芽社会工作服务中心,2025,优秀,0\n",
    )

    assert done.status_code == 200  # type: ignore[attr-defined]
    text = html.unescape(done.text)  # type: ignore[attr-defined]
    assert "新增 1 家，更新 0 家，往期记录 1 条" in text and "蚌埠市新芽社会工作服务中心" in text
    assert "139****1111" in text and "13900001111" not in text
    with Session(get_engine(database_url)) as session:
        agency = session.exec(select(Agency).where(Agency.credit_code == GOOD_CODE)).one()
        [record] = session.exec(
            select(AgencyTrackRecord).where(AgencyTrackRecord.agency_id == agency.id)
        ).all()
        [event] = session.exec(
            select(AuditEvent).where(AuditEvent.action == "agency_registry")
        ).all()
    assert (record.year, record.grade) == (2025, "优秀")
    assert event.actor == "staff（街道专干）" and "新增 1 家" in event.detail

    again = upload(client, token, f"{HEADER}\n{NEW}\n")
    assert "新增 0 家，更新 1 家" in html.unescape(again.text)  # type: ignore[attr-defined]


def test_a_bad_registry_sheet_names_each_row_and_column_and_writes_nothing(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, "admin")
    before = agency_names(database_url)
    bad_code = NEW.replace("蚌埠市新芽", "乙").replace(GOOD_CODE, BAD_CODE)
    future = NEW.replace("蚌埠市新芽", "丙").replace("2018-03-01", "2099-01-01")

    refused = upload(client, token, f"{HEADER}\n{NEW}\n{bad_code}\n{future}\n")

    assert refused.status_code == 400  # type: ignore[attr-defined]
    text = html.unescape(refused.text)  # type: ignore[attr-defined]
    assert "社会组织名录.csv 第 3 行「统一社会信用代码」" in text
    assert "社会组织名录.csv 第 4 行「登记日期」" in text
    assert "未写入任何数据" in text
    # A name another code holds, and a past result of an unknown agency: named, nothing kept.
    clash = NEW.replace("蚌埠市新芽社会工作服务中心", "测试社工机构1")
    refused = upload(
        client,
        token,
        f"{HEADER}\n{clash}\n",
        "机构名称,年度,评估等级,黄牌次数\n无此机构,2025,良好,0\n",
    )
    text = html.unescape(refused.text)  # type: ignore[attr-defined]
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "社会组织名录.csv 第 2 行「机构名称」：「测试社工机构1」已登记为信用代码" in text
    assert "往期记录.csv 第 2 行「机构名称」：未登记的机构" in text
    assert agency_names(database_url) == before
    with Session(get_engine(database_url)) as session:
        assert (
            session.exec(select(AuditEvent).where(AuditEvent.action == "agency_registry")).all()
            == []
        )


def test_only_the_office_registers_agencies(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    before = agency_names(database_url)
    for login in ("agency1", "evaluator1"):
        token = sign_in(client, login)
        assert upload(client, token, f"{HEADER}\n{NEW}\n").status_code == 403  # type: ignore[attr-defined]
        client.cookies.clear()
    token = sign_in(client, "staff")
    missing = client.post("/officer/agencies/import", data={"csrf_token": token})
    assert missing.status_code == 400 and "请选择社会组织名录" in missing.text
    assert agency_names(database_url) == before


def test_the_account_form_says_where_agencies_are_registered_while_there_is_none(
    settings: Settings, database_url: str
) -> None:
    with Session(get_engine(database_url)) as session:
        add_account(session, login="admin", password=PASSWORD, name="管理员", role=Role.ADMIN)
        session.commit()
    with TestClient(create_app(settings)) as client:
        sign_in(client, "admin")
        page = client.get("/admin/accounts").text
    assert "请先在「社会组织名录」页导入名录" in page and 'href="/officer/agencies#import"' in page
