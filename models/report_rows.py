"""Reading daily reports from a spreadsheet: one row per project and day.

Columns (only 项目名称 and 日期 are required; blanks read as zero or empty):

| column | example |
| --- | --- |
| 项目名称 | 银龄互助·幸福食堂助餐服务 (or the project's number) |
| 日期 | 2026-06-03 |
| 活动 | 小组:智能手机课:18；个案:入户探访:3 |
| 受益人编号 | E01-0001, E01-0002 (pseudonymous ids only) |
| 服务时长（小时） | 6.5 |
| 志愿者人数, 志愿服务时长（小时） | 3, 4.5 |
| 支出 | 活动费:120.50；物资费:30 (yuan per budget category) |
| 问题, 风险 | free text |
| 附件 | file names or links, separated by ； |
| 服务摘要 | free text |
| 无活动原因 | filled only on a day without activities |
| 修订 | 是 to replace a report already submitted for that day |
"""

from __future__ import annotations

from models.report_input import (
    DailyReportInput,
    InputError,
    parse_activities,
    parse_minutes,
    parse_refs,
    parse_spend,
    read_count,
)
from models.rows import Row, RowError

REQUIRED_COLUMNS = ("项目名称", "日期")
COLUMNS = (
    *REQUIRED_COLUMNS,
    "活动",
    "受益人编号",
    "服务时长（小时）",
    "志愿者人数",
    "志愿服务时长（小时）",
    "支出",
    "问题",
    "风险",
    "附件",
    "服务摘要",
    "无活动原因",
    "修订",
)
YES = ("是", "Y", "y", "yes", "1")


def read_report_row(row: Row) -> DailyReportInput:
    """Read one spreadsheet row as a daily report, naming the cell of any error."""
    project, day = row.text("项目名称", max_length=200), row.day("日期")
    try:
        return DailyReportInput(
            project=project,
            day=day,
            activities=parse_activities(_cell(row, "活动"), field="活动"),
            beneficiary_refs=parse_refs(_cell(row, "受益人编号"), field="受益人编号"),
            service_minutes=parse_minutes(_cell(row, "服务时长（小时）"), field="服务时长（小时）"),
            volunteers=read_count(_cell(row, "志愿者人数"), field="志愿者人数"),
            volunteer_minutes=parse_minutes(
                _cell(row, "志愿服务时长（小时）"), field="志愿服务时长（小时）"
            ),
            spend_fen=parse_spend(_cell(row, "支出"), field="支出"),
            issues=row.text("问题", required=False, max_length=1000),
            risks=row.text("风险", required=False, max_length=1000),
            attachments=tuple(a.strip() for a in _cell(row, "附件").split("；") if a.strip()),
            summary=row.text("服务摘要", required=False, max_length=2000),
            no_activity_reason=row.text("无活动原因", required=False, max_length=500),
            revise=_cell(row, "修订") in YES,
        )
    except InputError as error:
        raise RowError(row.file, row.number, error.field, error.message) from None


def _cell(row: Row, column: str) -> str:
    return (row.values.get(column) or "").strip()
