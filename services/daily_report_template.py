"""The blank daily-report workbook (日报告模板.xlsx) the office or an agency fills in.

Its first sheet, 日报告, has the columns `flows.monitoring.daily_report_intake`
reads (`models.report_sheet`); a second sheet, 填写说明, explains each column
with an example. It carries no example rows, so a template returned unchanged
files nothing.
"""

from __future__ import annotations

from pathlib import Path

from models.report_sheet import SHEET_COLUMNS, guide_lines
from store.proposal_forms import write_workbook

SHEET_NAME = "日报告"
NOTES = (
    "每行填写一个服务项目一天的日报告；只有「项目名称」「日期」必填，空白按 0 或空处理。",
    "整张表全部校验通过才写入；任何一行有错，都不写入，并逐行指出错误的列。",
    "与已保存内容相同的行跳过；修改已提交的日报告须在「修订」列填「是」。",
    *guide_lines(),
)


def write_template(path: Path) -> Path:
    """Write the blank daily-report workbook with its instructions."""
    return write_workbook(path, {SHEET_NAME: SHEET_COLUMNS}, NOTES)
