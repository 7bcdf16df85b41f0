"""Importing needs is all or nothing, then merges, classifies, queues and summarises them."""

from __future__ import annotations

import subprocess
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from prefect.client.orchestration import get_client
from sqlalchemy import func
from sqlmodel import Session, select

from flows.call.open_cycle import open_cycle
from flows.needs.categorise_needs import categorise_needs
from flows.needs.needs_intake import check_need_rows, needs_intake
from flows.needs.needs_survey import needs_survey
from models.classifier import classifier_input
from models.need import Need
from models.status import NeedStatus
from models.user import AuditEvent
from store import cycles, needs, training
from tests.builders import NEED_HEADER, need_row, write_communities, write_csv

pytestmark = pytest.mark.usefixtures("prefect_harness")
TODAY = date(2026, 3, 31)


def _open(tmp_path: Path) -> int:
    return open_cycle(
        "淮河路街道办事处",
        2026,
        "2026年度公益创投",
        date(2026, 3, 1),
        date(2026, 12, 31),
        str(write_communities(tmp_path / "communities.csv")),
    )


def _count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Need)).one()


def test_a_file_with_bad_rows_writes_nothing_and_names_each_bad_cell(
    session: Session, tmp_path: Path
) -> None:
    cycle_id = _open(tmp_path)
    path = write_csv(
        tmp_path / "needs.csv",
        NEED_HEADER,
        [need_row(), need_row(day="2026-13-01"), need_row(community="火星社区")],
    )

    summary = needs_intake(cycle_id, str(path), TODAY)

    assert summary.errors == (
        "needs.csv 第 3 行「提交日期」：日期格式应为 2026-03-01，收到 '2026-13-01'",
        "needs.csv 第 4 行「社区」：不是本街道的社区：'火星社区'",
    )
    assert (summary.rows, summary.accepted, summary.rejected) == (3, 1, 2)
    assert _count(session) == 0


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    return path


def _not_xlsx(path: Path) -> Path:
    path.write_text("这不是工作簿", encoding="utf-8")
    return path


BAD_FILES = {
    "empty-text": (
        lambda p: write_csv(p / "n.csv", NEED_HEADER, [need_row(""), need_row()]),
        "第 2 行「需求内容」：不能为空",
    ),
    "text-of-10000-characters": (
        lambda p: write_csv(p / "n.csv", NEED_HEADER, [need_row("字" * 10_000)]),
        "第 2 行「需求内容」：超过 500 字",
    ),
    "unknown-community": (
        lambda p: write_csv(p / "n.csv", NEED_HEADER, [need_row(community="黄河社区")]),
        "第 2 行「社区」：不是本街道的社区",
    ),
    "date-in-the-future": (
        lambda p: write_csv(p / "n.csv", NEED_HEADER, [need_row(day="2026-04-01")]),
        "第 2 行「提交日期」：2026-04-01 晚于今天（2026-03-31）",
    ),
    "date-in-the-wrong-format": (
        lambda p: write_csv(p / "n.csv", NEED_HEADER, [need_row(day="01/03/2026")]),
        "第 2 行「提交日期」：日期格式应为 2026-03-01",
    ),
    "formula-in-a-cell": (
        lambda p: _xlsx(
            p / "n.xlsx", [list(NEED_HEADER), need_row(), need_row("=cmd|' /C calc'!A0")]
        ),
        "第 3 行「需求内容」：单元格是公式",
    ),
    "header-in-the-wrong-language": (
        lambda p: write_csv(
            p / "n.csv",
            ("text", "community", "group", "source", "date", "name", "phone"),
            [need_row()],
        ),
        "第 1 行「表头」：表头应为中文列名",
    ),
    "zip-bomb": (lambda p: _zip_bomb(p / "n.xlsx"), "疑似压缩炸弹"),
    "not-an-xlsx": (lambda p: _not_xlsx(p / "n.xlsx"), "不是有效的 XLSX 文件"),
}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("case", BAD_FILES)
def test_each_kind_of_bad_input_is_named_and_writes_nothing(
    session: Session, tmp_path: Path, case: str
) -> None:
    cycle_id = _open(tmp_path)
    build, message = BAD_FILES[case]
    summary = needs_intake(cycle_id, str(build(tmp_path)), TODAY)
    assert summary.errors and message in summary.errors[0], summary.errors
    assert _count(session) == 0


def test_a_gbk_csv_is_accepted(session: Session, tmp_path: Path) -> None:
    cycle_id = _open(tmp_path)
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        ("\n".join(",".join(row) for row in [NEED_HEADER, need_row()]) + "\n").encode("gbk")
    )
    assert needs_intake(cycle_id, str(path), TODAY).added == 1
    assert session.exec(select(Need.text)).one() == "楼道堆满杂物，存在消防隐患"


def test_importing_the_same_file_twice_adds_and_changes_nothing_the_second_time(
    session: Session, tmp_path: Path
) -> None:
    cycle_id = _open(tmp_path)
    rows = [
        need_row(),
        need_row("楼道里堆满杂物，存在消防隐患！", contact="李四"),
        need_row("路灯坏了"),
    ]
    path = write_csv(tmp_path / "needs.csv", NEED_HEADER, rows)

    first = needs_intake(cycle_id, str(path), TODAY)
    stored = [
        (n.id, n.status, n.domain_id, n.weight, n.duplicate_of_id)
        for n in session.exec(select(Need))
    ]
    second = needs_intake(cycle_id, str(path), TODAY)
    session.expire_all()

    assert (first.added, second.added, second.already_there) == (3, 0, 3)
    assert (first.needs_merged, second.needs_merged) == (1, 0)
    assert [
        (n.id, n.status, n.domain_id, n.weight, n.duplicate_of_id)
        for n in session.exec(select(Need))
    ] == stored


def test_the_same_need_in_other_words_is_one_group_with_its_weight_and_reason(
    session: Session, tmp_path: Path
) -> None:
    cycle_id = _open(tmp_path)
    rows = [
        need_row("楼道堆满杂物，存在消防隐患。", contact=f"居民{i}", phone=f"1381234567{i}")
        for i in range(3)
    ]
    rows.append(need_row("楼道里堆满杂物,存在消防隐患", contact="居民9", day="2026-03-03"))
    rows.append(need_row("楼道堆满杂物 存在消防隐患", community="龙湖社区"))
    needs_intake(cycle_id, str(write_csv(tmp_path / "n.csv", NEED_HEADER, rows)), TODAY)

    leads = session.exec(select(Need).where(Need.duplicate_of_id == None).order_by(Need.id)).all()  # noqa: E711
    assert [n.weight for n in leads] == [4, 1]
    members = needs.list_members(session, lead_id=leads[0].id)  # type: ignore[arg-type]
    assert [m.merge_reason.split("，")[1] for m in members] == ["文字相同（忽略标点空格）"] * 2 + [
        members[2].merge_reason.split("，")[1]
    ]
    assert members[2].merge_reason.startswith(f"与 #{leads[0].id} 同一社区，相似度 ")


def test_needs_are_sorted_into_domains_and_unsure_ones_wait_for_review(
    session: Session, tmp_path: Path
) -> None:
    cycle_id = _open(tmp_path)
    vague = ["希望多关心一下", "长淮社区", "", "问卷", "2026-03-05", "", ""]
    rows = [need_row("小区独居老人吃饭难，希望开设助餐点"), vague]
    summary = needs_intake(cycle_id, str(write_csv(tmp_path / "n.csv", NEED_HEADER, rows)), TODAY)

    keys = {d.id: d.key for d in cycles.list_domains(session, cycle_id=cycle_id)}
    stored = {n.text: n for n in session.exec(select(Need))}
    sure, unsure = stored["小区独居老人吃饭难，希望开设助餐点"], stored["希望多关心一下"]
    assert (keys[sure.domain_id], sure.status) == ("elderly", NeedStatus.CLASSIFIED)  # type: ignore[index]
    assert unsure.status == NeedStatus.IN_REVIEW and unsure.confidence < 0.6  # type: ignore[operator]
    assert (summary.categorisation.classified, summary.categorisation.in_review) == (1, 1)
    artifact = _artifacts(f"needs-cycle-{cycle_id}")[0]  # the latest version
    assert artifact["type"] == "markdown" and "| 情暖夕阳 | 1 |" in artifact["data"]


def _artifacts(key: str) -> list[dict]:  # type: ignore[type-arg]
    # Raw API: this Prefect client sends nulls the server's artifact filter refuses.
    with get_client(sync_client=True) as client:
        body = {
            "artifacts": {"key": {"any_": [key]}},
            "limit": 5,
            "offset": 0,
            "sort": "UPDATED_DESC",
        }
        return client.request("POST", "/artifacts/filter", json=body).json()


def test_a_staff_correction_is_used_on_the_next_run(session: Session, tmp_path: Path) -> None:
    cycle_id = _open(tmp_path)
    text = "希望组织居民学习家庭急救知识"
    needs_intake(cycle_id, str(write_csv(tmp_path / "a.csv", NEED_HEADER, [need_row(text)])), TODAY)
    need = session.exec(select(Need)).one()
    training.add_correction(
        session,
        need=need,
        text=classifier_input(text, need.target_group),
        domain_key="elderly",
        suggested_key="",
        actor="王芳",
        at=datetime(2026, 3, 31, tzinfo=UTC),
    )
    session.commit()

    later = write_csv(
        tmp_path / "b.csv", NEED_HEADER, [need_row(text + "。", community="龙湖社区")]
    )
    needs_intake(cycle_id, str(later), TODAY)

    keys = {d.id: d.key for d in cycles.list_domains(session, cycle_id=cycle_id)}
    fresh = session.exec(select(Need).where(Need.community_id != need.community_id)).one()
    assert (keys[fresh.domain_id], fresh.confidence, fresh.status) == (
        "elderly",
        1.0,
        NeedStatus.CLASSIFIED,
    )  # type: ignore[index]


def test_a_need_split_from_its_group_stays_apart_on_the_next_run(
    session: Session, tmp_path: Path
) -> None:
    cycle_id = _open(tmp_path)
    rows = [need_row("路灯坏了", contact=f"居民{i}", phone=f"1381234567{i}") for i in range(3)]
    needs_intake(cycle_id, str(write_csv(tmp_path / "n.csv", NEED_HEADER, rows)), TODAY)
    lead, first, second = session.exec(select(Need).order_by(Need.id)).all()
    needs.set_split(session, need=first, actor="王芳", at=datetime(2026, 3, 31, tzinfo=UTC))
    session.commit()

    summary = categorise_needs(cycle_id)
    session.expire_all()

    assert summary.needs_merged == 0
    assert needs.get_need(session, lead.id).weight == 2  # type: ignore[arg-type]
    assert needs.get_need(session, first.id).duplicate_of_id is None  # type: ignore[arg-type]
    assert needs.get_need(session, first.id).status == NeedStatus.CLASSIFIED  # type: ignore[arg-type]
    assert needs.get_need(session, second.id).duplicate_of_id == lead.id  # type: ignore[arg-type]


def _pdf_text(path: str) -> str:
    return subprocess.run(
        ["pdftotext", path, "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_survey_pdf_is_chinese_with_a_chart_and_no_contact_and_the_workbook_is_masked(
    session: Session, tmp_path: Path
) -> None:
    cycle_id = _open(tmp_path)
    rows = [
        need_row("楼道堆满杂物，存在消防隐患", contact="张三丰", phone="13912345678"),
        need_row("楼道堆满杂物，存在消防隐患！", contact="李四光", phone="13987654321"),
        need_row("小区独居老人吃饭难，希望开设助餐点，电话13800001111", community="龙湖社区"),
        need_row("<b>孩子</b>放学早，希望开设四点半课堂", community="龙湖社区"),
        # A resident who names herself in the text: her name is known, so it is masked.
        need_row(
            "我是欧阳秀英，腿脚不便，希望有人上门理发", contact="欧阳秀英", phone="13911112222"
        ),
    ]
    needs_intake(cycle_id, str(write_csv(tmp_path / "n.csv", NEED_HEADER, rows)), TODAY)

    survey = needs_survey(cycle_id, date(2026, 4, 1))

    text = _pdf_text(survey.pdf)
    fonts = subprocess.run(
        ["pdffonts", survey.pdf], capture_output=True, text=True, check=True
    ).stdout
    assert "共收集居民需求 5 人次，合并重复后 4 项，覆盖 2 个社区" in text
    assert "绿色生活" in text and "2 人次 · 1 项" in text  # the chart's labels are text
    assert "<b>孩子</b>" in text and "138****1111" in text
    assert "我是欧***，腿脚不便" in text
    for secret in ("张三", "李四", "欧阳秀英", "13912345678", "13987654321", "13800001111"):
        assert secret not in text
    assert "CJK" in fonts and " yes " in fonts
    sheet = load_workbook(survey.xlsx)["需求清单"]
    contacts = {(row[12].value, row[13].value) for row in sheet.iter_rows(min_row=2)}
    assert ("张**", "139****5678") in contacts and ("李**", "139****4321") in contacts
    assert session.exec(select(AuditEvent.action)).all() == ["export_needs"]


def test_a_missing_column_is_reported_before_any_row(tmp_path: Path, database_url: str) -> None:
    cycle_id = _open(tmp_path)
    path = write_csv(tmp_path / "needs.csv", NEED_HEADER[:3], [need_row()[:3]])
    with pytest.raises(Exception, match="来源"):
        check_need_rows(cycle_id, str(path), TODAY)
