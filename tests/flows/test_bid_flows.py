"""Receiving proposals: every problem of a batch named by file, row and column, and nothing partial written."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from flows.call import register_agencies
from models.agency import Agency
from models.proposal import BudgetLine, KpiTarget, Proposal
from models.rows import RowError, RowsRejected
from services.proposal_template import write_template
from services.proposals import CallClosed
from tests.builders import DEMO_DIR, write_csv
from tests.flows.call_setup import (
    BEFORE_DEADLINE,
    SHANGHAI,
    copy_demo_bids,
    open_demo_cycle,
    publish_demo_call,
    raise_demo_fund,
    receive,
    register_demo_agencies,
)


@pytest.fixture
def call_id(database_url: str) -> int:
    """A published demo call with the demo registry, no proposals yet."""
    cycle_id = open_demo_cycle()
    raise_demo_fund(cycle_id)
    register_demo_agencies()
    return publish_demo_call(cycle_id)


def edited(folder: Path, file: str, row: int, column: str, value: str) -> Path:
    """Copy the demo bids, setting one cell (row numbered as in Excel, header = 1)."""

    def edit(name: str, rows: list[list[str]]) -> list[list[str]]:
        if name == file:
            rows[row - 1][rows[0].index(column)] = value
        return rows

    return copy_demo_bids(folder, edit)


def refusals(call_id: int, path: Path, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(RowsRejected) as rejected:
        receive(call_id, path, **kwargs)
    return [str(e) for e in rejected.value.errors]


def test_the_demo_batch_is_received_once_with_its_budgets_kpis_and_schedules(
    call_id: int, session: Session
) -> None:
    first = receive(call_id, DEMO_DIR / "proposals.csv")
    again = receive(call_id, DEMO_DIR / "proposals.csv")
    assert (first.received, again.received, again.already_there) == (26, 0, 26)
    assert first.warnings == (
        "「青少年周末兴趣班」未引用任何居民需求编号，请说明项目回应哪些需求",
        "「社区文化节」未引用任何居民需求编号，请说明项目回应哪些需求",
    )
    stored = session.exec(select(Proposal).where(Proposal.title == "四点半课堂")).one()
    assert (stored.status, stored.requested_fen, stored.matching_fen) == ("submitted", 1_200_000, 0)
    assert stored.cited_need_ids and stored.target_groups and len(stored.schedule) == 6
    lines = session.exec(select(BudgetLine).where(BudgetLine.proposal_id == stored.id)).all()
    assert sum(line.amount_fen for line in lines) == stored.requested_fen
    people = session.exec(
        select(KpiTarget).where(
            KpiTarget.proposal_id == stored.id, KpiTarget.indicator == "服务人次"
        )
    ).all()
    assert sum(k.planned for k in people) == stored.planned_people == 1600


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "error"),
    [
        (
            "budget_lines.csv",
            2,
            "金额（元）",
            "4801",
            "proposals.csv 第 2 行「预算明细」：预算合计 15,301.00 元与申请金额 15,000.00 元不符",
        ),
        (
            "proposals.csv",
            2,
            "申请金额（元）",
            "16000",
            "proposals.csv 第 2 行「申请金额（元）」：申请金额 16,000.00 元不在 5,000.00–15,000.00 元之间",
        ),
        (
            "proposals.csv",
            3,
            "申请金额（元）",
            "-12000",
            "proposals.csv 第 3 行「申请金额（元）」：金额不能为负",
        ),
        (
            "proposals.csv",
            3,
            "配套资金（元）",
            "0.001",
            "proposals.csv 第 3 行「配套资金（元）」：金额最多两位小数：'0.001'",
        ),
        (
            "proposals.csv",
            5,
            "引用需求编号",
            "12、999",
            "proposals.csv 第 5 行「引用需求编号」：引用的需求编号不存在于本周期：999",
        ),
        (
            "proposals.csv",
            5,
            "机构名称",
            "无名机构",
            "proposals.csv 第 5 行「机构名称」：未登记的机构：'无名机构'，请先导入社会组织名录",
        ),
        (
            "proposals.csv",
            6,
            "项目名称",
            "银龄互助·幸福食堂助餐服务",
            "proposals.csv 第 6 行「项目名称」：与第 2 行重复：同一份申报书只能提交一次",
        ),
        (
            "kpis.csv",
            3,
            "指标",
            "满意度",
            "proposals.csv 第 2 行「绩效指标」：绩效指标「满意度」不认识",
        ),
        (
            "schedule.csv",
            2,
            "项目名称",
            "不存在的项目",
            "schedule.csv 第 2 行「项目名称」：申报书中没有这个项目：'不存在的项目'",
        ),
    ],
)
def test_a_bad_cell_refuses_the_whole_batch_naming_file_row_and_column(
    call_id: int, session: Session, tmp_path: Path, file, row, column, value, error
) -> None:
    path = edited(tmp_path, file, row, column, value)
    errors = refusals(call_id, path)
    assert any(e.startswith(error) for e in errors), errors
    assert session.exec(select(Proposal)).all() == []
    assert session.exec(select(BudgetLine)).all() == []


def test_submitting_after_the_deadline_is_refused_with_the_deadline_in_the_message(
    call_id: int, session: Session
) -> None:
    late = datetime(2026, 5, 21, 8, 0, tzinfo=SHANGHAI)
    with pytest.raises(CallClosed, match="申报已于 2026-05-20 17:00 截止，不再受理申报书"):
        receive(call_id, DEMO_DIR / "proposals.csv", at=late)  # every row states an earlier time
    assert session.exec(select(Proposal)).all() == []


def test_a_stated_time_after_the_deadline_is_not_read_the_batch_is_received_when_it_arrives(
    call_id: int, session: Session, tmp_path: Path
) -> None:
    path = edited(tmp_path, "proposals.csv", 4, "提交时间", "2026-05-20 17:01")
    summary = receive(call_id, path)
    assert summary.received == 26
    assert {p.submitted_at for p in session.exec(select(Proposal))} == {BEFORE_DEADLINE}


def test_the_same_proposal_submitted_again_with_other_content_is_refused(
    call_id: int, tmp_path: Path
) -> None:
    receive(call_id, DEMO_DIR / "proposals.csv")
    path = edited(tmp_path, "proposals.csv", 2, "项目简介", "改过的简介")
    with pytest.raises(RowsRejected) as rejected:
        receive(call_id, path)
    [error] = rejected.value.errors
    assert str(error).startswith(
        "proposals.csv 第 2 行「项目名称」：这份申报书已于 2026-05-15 09:00 提交"
    )


def test_drafts_keep_the_calls_objections_as_warnings_and_are_not_submitted(
    call_id: int, session: Session, tmp_path: Path
) -> None:
    path = edited(tmp_path, "proposals.csv", 2, "申请金额（元）", "16000")
    summary = receive(call_id, path, submit=False)
    assert summary.received == 26
    assert any("申请金额 16,000.00 元不在" in w for w in summary.warnings)
    statuses = {p.status for p in session.exec(select(Proposal)).all()}
    assert statuses == {"draft"}
    assert all(p.submitted_at is None for p in session.exec(select(Proposal)).all())


def test_a_filled_in_workbook_template_is_received_like_the_csv_files(
    call_id: int, session: Session, tmp_path: Path
) -> None:
    path = write_template(tmp_path / "申报书模板.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["申报书", "预算明细", "绩效指标", "进度安排", "填写说明"]
    workbook["申报书"].append(
        [
            "青禾社会工作服务中心",
            "社区长者饭堂",
            "elderly",
            "明珠社区",
            "8000",
            "800",
            "300",
            "2",
            "高龄老人",
            "1、4",
            "为高龄老人提供午餐。",
            "",
        ]
    )
    for category, yuan in (("人员费", 3000), ("活动费", 4200), ("管理费", 800)):
        workbook["预算明细"].append(["社区长者饭堂", category, yuan])
    workbook["绩效指标"].append(["社区长者饭堂", "服务人次", 140, 160])
    workbook["进度安排"].append(["社区长者饭堂", 1, "建档与试运营"])
    workbook.save(path)

    assert receive(call_id, path).received == 1
    stored = session.exec(select(Proposal)).one()
    assert (stored.title, stored.requested_fen, stored.matching_fen, stored.months) == (
        "社区长者饭堂",
        800_000,
        80_000,
        2,
    )
    assert stored.cited_need_ids == [1, 4] and stored.schedule == [
        {"month": 1, "activity": "建档与试运营"}
    ]


def test_a_workbook_without_a_sheet_is_refused_naming_it(call_id: int, tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx")
    workbook = load_workbook(path)
    del workbook["进度安排"]
    workbook.save(path)
    with pytest.raises(RowError, match=r"t\.xlsx「进度安排」：工作簿缺少这张工作表"):
        receive(call_id, path)


AGENCY_HEADER = ("机构名称", "组织类型", "统一社会信用代码", "登记日期", "年检结果", "异常名录")
GOOD_CODE, BAD_CODE = "52340100MJ528112XW", "52340100MJ528112XX"


def registry_errors(tmp_path: Path, rows: list[list[str]]) -> list[str]:
    path = write_csv(tmp_path / "agencies.csv", AGENCY_HEADER, rows)
    with pytest.raises(RowsRejected) as rejected:
        register_agencies.import_registry.fn(str(path))
    return [str(e) for e in rejected.value.errors]


def test_an_agency_with_a_bad_credit_code_is_refused_and_no_agency_is_written(
    database_url: str, session: Session, tmp_path: Path
) -> None:
    row = ["甲机构", "社会服务机构", GOOD_CODE, "2015-06-18", "合格", "否"]
    assert registry_errors(tmp_path, [row, ["乙机构", *row[1:2], BAD_CODE, *row[3:]]]) == [
        "agencies.csv 第 3 行「统一社会信用代码」：第 18 位校验码不对（GB 32100），请逐位核对"
    ]
    assert registry_errors(tmp_path, [row, ["丙机构", *row[1:]]]) == [
        "agencies.csv 第 3 行「统一社会信用代码」：与第 2 行重复"
    ]
    assert session.exec(select(Agency)).all() == []


def test_an_agency_registered_in_the_future_or_before_1950_is_refused(
    database_url: str, session: Session, tmp_path: Path
) -> None:
    future = ["甲机构", "社会服务机构", GOOD_CODE, "2099-06-18", "合格", "否"]
    errors = registry_errors(tmp_path, [future])
    assert len(errors) == 1 and "第 2 行「登记日期」" in errors[0] and "晚于" in errors[0]
    ancient = [*future[:3], "0001-01-01", *future[4:]]
    errors = registry_errors(tmp_path, [ancient])
    assert len(errors) == 1 and "早于 1950-01-01" in errors[0]
    assert session.exec(select(Agency)).all() == []


def test_importing_the_registry_again_updates_each_agency(
    database_url: str, session: Session
) -> None:
    register_demo_agencies()
    register_demo_agencies()
    assert len(session.exec(select(Agency)).all()) == 6


def test_the_registry_is_imported_from_xlsx_with_its_optional_columns(
    database_url: str, session: Session, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*AGENCY_HEADER, "严重违法失信名单", "电子邮箱"])  # type: ignore[union-attr]
    sheet.append(
        ["甲机构", "社会团体", GOOD_CODE, "2015-06-18", "合格", "否", "是", "a@example.org"]
    )  # type: ignore[union-attr]
    workbook.save(tmp_path / "agencies.xlsx")

    summary = register_agencies.import_registry.fn(str(tmp_path / "agencies.xlsx"))

    assert (summary.added, summary.updated) == (1, 0)
    agency = session.exec(select(Agency)).one()
    assert (agency.org_type, agency.on_serious_violation_list, agency.contact_email) == (
        "社会团体",
        True,
        "a@example.org",
    )
