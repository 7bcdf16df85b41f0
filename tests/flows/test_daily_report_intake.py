"""Daily reports come in all or nothing, edits become versions, and bad input is named."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, select

from flows.monitoring.daily_report_intake import (
    ReportsRejected,
    Submission,
    daily_report_intake,
    file_reports,
    read_report_file,
    submit_daily_report,
)
from models.monitoring import DailyReport
from models.report_input import Activity, DailyReportInput
from models.rows import RowError, RowsRejected
from services import clerk
from tests.monitoring_builders import SHANGHAI, build_running_cycle

NOW = datetime(2026, 6, 10, 20, tzinfo=SHANGHAI)
HEADER = ["项目名称", "日期", "活动", "受益人编号", "服务时长（小时）", "支出", "修订"]


def report(title: str, day: date, **fields) -> DailyReportInput:  # type: ignore[no-untyped-def]
    return DailyReportInput(title, day, activities=(Activity("group", "手工", 8),), **fields)


def stored(session: Session) -> list[DailyReport]:
    session.expire_all()
    return list(session.exec(select(DailyReport).order_by(DailyReport.id)))


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def file(session: Session, cycle_id: int, *reports: DailyReportInput):  # type: ignore[no-untyped-def]
    summary = file_reports(
        session,
        [Submission(f"第{n}份", r) for n, r in enumerate(reports, start=1)],
        actor=clerk(),
        cycle_id=cycle_id,
        now=NOW,
        source="cli",
    )
    session.commit()
    return summary


def test_a_good_report_is_stored_as_the_first_version(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    summary = file(
        session, cycle.cycle_id, report("测试项目1", date(2026, 6, 3), spend_fen={"活动费": 5_000})
    )
    assert (summary.added, summary.revised) == (1, 0)
    [row] = stored(session)
    assert (row.version, row.is_current, row.people_served, row.spend_fen) == (
        1,
        True,
        8,
        {"活动费": 5_000},
    )


def test_one_bad_report_stops_the_whole_batch(session: Session) -> None:
    cycle = build_running_cycle(session, projects=2)
    with pytest.raises(ReportsRejected) as refused:
        file(
            session,
            cycle.cycle_id,
            report("测试项目1", date(2026, 6, 3)),
            report("测试项目2", date(2026, 6, 11)),
            report("没有这个项目", date(2026, 6, 3)),
        )
    session.rollback()
    assert stored(session) == []
    assert refused.value.problems == ["第3份「项目名称」本周期没有服务项目「没有这个项目」"]


def test_every_problem_of_a_batch_is_listed(session: Session) -> None:
    cycle = build_running_cycle(session, projects=2)
    with pytest.raises(ReportsRejected) as refused:
        file(
            session,
            cycle.cycle_id,
            report("测试项目1", date(2026, 6, 11)),
            report("测试项目2", date(2026, 6, 3), spend_fen={"餐费": 1}),
        )
    assert refused.value.problems == [
        "第1份「日期」2026-06-11 还没有到（今天是 2026-06-10），不能提前填报",
        "第2份「支出」预算中没有科目「餐费」（预算科目：人员费、活动费、物资费）",
    ]


def test_spend_is_checked_against_the_budget_line_across_the_batch(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    file(
        session,
        cycle.cycle_id,
        report("测试项目1", date(2026, 6, 1), spend_fen={"物资费": 200_000}),
    )
    with pytest.raises(ReportsRejected) as refused:
        file(
            session,
            cycle.cycle_id,
            report("测试项目1", date(2026, 6, 2), spend_fen={"物资费": 60_000}),
            report("测试项目1", date(2026, 6, 3), spend_fen={"物资费": 40_001}),
        )
    assert refused.value.problems == [
        "第2份「支出」「物资费」超出预算：预算 3,000.00 元，此前已支出 2,600.00 元，本次 400.01 元"
    ]


def test_the_same_report_again_is_not_stored_twice(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    file(session, cycle.cycle_id, report("测试项目1", date(2026, 6, 3)))
    again = file(session, cycle.cycle_id, report("测试项目1", date(2026, 6, 3)))
    assert (again.added, again.unchanged) == (
        0,
        ("「测试项目1」2026-06-03 的日报告与已保存的第 1 版相同，未重复保存",),
    )
    assert len(stored(session)) == 1


def test_two_reports_for_one_day_in_one_batch_are_refused(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    with pytest.raises(ReportsRejected, match="1 处错误") as refused:
        file(
            session,
            cycle.cycle_id,
            report("测试项目1", date(2026, 6, 3)),
            report("测试项目1", date(2026, 6, 3)),
        )
    assert refused.value.problems == ["第2份「日期」与第1份是同一项目同一天的日报告"]


def test_an_edit_is_refused_unless_marked_as_a_revision(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    file(session, cycle.cycle_id, report("测试项目1", date(2026, 6, 3)))
    with pytest.raises(ReportsRejected) as refused:
        file(session, cycle.cycle_id, report("测试项目1", date(2026, 6, 3), issues="补充问题"))
    assert "已提交日报告（第 1 版）；如需修改，请注明“修订”" in refused.value.problems[0]


def test_a_revision_becomes_the_current_version_and_the_old_one_is_kept(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    file(session, cycle.cycle_id, report("测试项目1", date(2026, 6, 3)))
    summary = file(
        session,
        cycle.cycle_id,
        report("测试项目1", date(2026, 6, 3), issues="补充问题", revise=True),
    )
    assert summary.revised == 1
    first, second = stored(session)
    assert (first.version, first.is_current, first.issues) == (1, False, "")
    assert (second.version, second.is_current, second.issues) == (2, True, "补充问题")
    assert second.first_submitted_at == first.first_submitted_at


def test_a_spreadsheet_names_the_row_and_column_of_each_bad_cell(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "日报告.xlsx",
        [
            ["测试项目1", "2026-06-03", "小组:手工:8", "E01-0001", "2", "", ""],
            ["测试项目1", "2026-06-04", "小组:手工:-1", "", "2", "", ""],
            ["测试项目1", "2026-06-05", "小组:手工:8", "13812345678", "2", "活动费:1.001", ""],
        ],
    )
    with pytest.raises(RowsRejected) as refused:
        read_report_file.fn(str(path))
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "活动"), (4, "受益人编号")]


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "日报告.xlsx"
    path.write_bytes(b"this is not a workbook")
    with pytest.raises(RowError, match="XLSX"):
        read_report_file.fn(str(path))


@pytest.mark.usefixtures("prefect_harness")
def test_a_spreadsheet_import_runs_as_a_flow_and_a_second_import_adds_nothing(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    path = write_xlsx(
        tmp_path / "日报告.xlsx",
        [
            [
                "测试项目1",
                "2026-06-03",
                "小组:手工:8；个案:探访:2",
                "E01-0001,E01-0002",
                "2.5",
                "活动费:120.50",
                "",
            ],
            ["测试项目1", "2026-06-04", "社区活动:义诊:40", "", "3", "", ""],
        ],
    )
    first = daily_report_intake(str(path), cycle.cycle_id)
    second = daily_report_intake(str(path), cycle.cycle_id)
    assert (first.added, first.errors) == (2, ())
    assert (second.added, len(second.unchanged)) == (0, 2)
    rows = stored(session)
    assert [(r.people_served, r.service_minutes, r.spend_fen) for r in rows] == [
        (10, 150, {"活动费": 12_050}),
        (40, 180, {}),
    ]


@pytest.mark.usefixtures("prefect_harness")
def test_a_json_report_with_a_bad_field_is_refused_naming_it(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    payload = {"project": "测试项目1", "day": "2026-06-03", "volunteers": -1}
    result = submit_daily_report(payload, cycle.cycle_id)
    assert result.errors == ("「volunteers」不能为负数，收到 -1",)
    assert stored(session) == []


def write_sheet(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_sheet_carries_each_paper_forms_arrival_time(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "日报告.xlsx",
        ["项目名称", "日期", "活动", "送达时间"],
        [
            ["测试项目1", "2026-06-03", "小组:手工:8", "2026-06-03 18:30"],
            ["测试项目1", "2026-06-04", "小组:手工:8", ""],
        ],
    )
    first, second = read_report_file.fn(str(path))
    assert first.received_at == datetime(2026, 6, 3, 18, 30, tzinfo=SHANGHAI)
    assert second.received_at is None


def test_a_bad_arrival_time_names_its_row_and_column(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "日报告.xlsx",
        ["项目名称", "日期", "活动", "送达时间"],
        [["测试项目1", "2026-06-03", "小组:手工:8", "周三晚上"]],
    )
    with pytest.raises(RowsRejected) as refused:
        read_report_file.fn(str(path))
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "送达时间")]


@pytest.mark.usefixtures("prefect_harness")
def test_an_arrival_before_the_service_day_stores_nothing_of_the_sheet(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    path = write_sheet(
        tmp_path / "日报告.xlsx",
        ["项目名称", "日期", "活动", "送达时间"],
        [
            ["测试项目1", "2026-06-03", "小组:手工:8", "2026-06-03 18:30"],
            ["测试项目1", "2026-06-04", "小组:手工:8", "2026-06-03 18:30"],
        ],
    )
    result = daily_report_intake(str(path), cycle.cycle_id)
    assert len(result.errors) == 1
    assert result.errors[0].startswith("日报告.xlsx 第 3 行「送达时间」")
    assert stored(session) == []
