"""The review queue's upload of a needs sheet: the import `gongyi needs import` runs, all or nothing.

Staff upload a survey sheet on 需求审核 (/officer/needs/import); every row is checked
before anything is written, a bad row is named with its row and column, importing the
same sheet again adds nothing, and only staff may import.
"""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from models.need import Need
from store import cycles
from store.database import get_engine
from tests.web.conftest import sign_in

HEADER = ("需求内容", "社区", "服务对象", "来源", "提交日期", "联系人", "联系电话")


def _sheet(rows: list[tuple[str, ...]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _count(url: str) -> int:
    with Session(get_engine(url)) as session:
        return session.exec(select(func.count()).select_from(Need)).one()


def _community(url: str) -> str:
    with Session(get_engine(url)) as session:
        return cycles.list_communities(session, street_office="淮河路街道办事处")[0].name


def _upload(client: TestClient, token: str, body: bytes, name: str = "需求.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        "/officer/needs/import",
        data={"csrf_token": token, "today": "2026-04-01"},
        files={"needs_file": (name, body, "text/csv")},
        follow_redirects=False,
    )


def test_staff_import_a_needs_sheet_once_and_a_bad_row_writes_nothing(
    client: TestClient, database_url: str
) -> None:
    token = sign_in(client, "staff")
    place = _community(database_url)
    before = _count(database_url)
    good = _sheet(
        [
            (
                "楼里独居老人多，希望社区定期安排人上门看看。",
                place,
                "独居老人",
                "网格员",
                "2026-03-03",
                "",
                "",
            ),
            ("孩子放学早，希望社区有地方辅导作业。", place, "小学生", "问卷", "2026-03-05", "", ""),
        ]
    )
    first = _upload(client, token, good)
    assert first.status_code == 303, first.text
    assert _count(database_url) == before + 2
    again = _upload(client, token, good)
    assert again.status_code == 303
    assert _count(database_url) == before + 2
    queue = client.get(again.headers["location"])
    assert "需求表已导入：新增 0 条，已导入过 2 条" in queue.text

    bad = _sheet(
        [
            ("小区垃圾分类没人管，希望有人督导。", place, "全体居民", "热线", "2026-03-06", "", ""),
            ("路灯坏了很久。", "没有这个社区", "全体居民", "居民", "2026-03-07", "", ""),
        ]
    )
    refused = _upload(client, token, bad)
    assert refused.status_code == 400
    assert "第 3 行" in refused.text and "社区" in refused.text
    assert _count(database_url) == before + 2


def test_a_sheet_that_is_not_csv_or_xlsx_and_a_non_staff_user_are_refused(
    client: TestClient, database_url: str
) -> None:
    token = sign_in(client, "staff")
    wrong = _upload(client, token, b"x", name="需求.xls")
    assert wrong.status_code == 400 and "请上传 .xlsx 或 .csv 需求表" in wrong.text
    client.post("/logout", data={"csrf_token": token})
    agency = sign_in(client, "agency1")
    assert _upload(client, agency, _sheet([])).status_code == 403
