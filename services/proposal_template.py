"""The blank proposal workbook (申报书模板.xlsx) agencies fill in, with its instructions.

Its four sheets have the columns `services.proposal_batch` reads; a fifth sheet,
填写说明, explains the rules a filled-in workbook is checked against. It
carries no example rows, so a template returned unchanged submits nothing.
"""

from __future__ import annotations

from pathlib import Path

from services.proposal_batch import KPI_COLUMNS, KPI_SHEET, PROPOSAL_COLUMNS, PROPOSAL_SHEET, SHEETS
from store.proposal_forms import write_workbook

TEMPLATE_COLUMNS = (
    *PROPOSAL_COLUMNS[:5],
    "配套资金（元）",
    "计划服务人次",
    "项目周期（月）",
    "服务对象",
    "引用需求编号",
    "项目简介",
    "提交时间",
)
TEMPLATE_NOTES = (
    "每份申报书在「申报书」表占一行；预算明细、绩效指标、进度安排三张表用「项目名称」与之对应。",
    "机构名称须与社会组织名录一致；服务领域填领域键（elderly / youth / special / community 等，以申报指南为准）。",
    "金额以元为单位，最多两位小数；预算各类别合计须等于申请金额；人员费、管理费不得超过申报指南规定的比例。",
    "配套资金：配套资助时必填，不低于申请金额乘以申报指南规定的比例；全额资助可填 0。",
    "引用需求编号：本周期居民需求的编号，用顿号分隔，如 12、35；不引用任何需求会收到提醒。",
    "绩效指标：每行一个指标（服务人次、活动场次、受益人数、志愿服务时长），按月填计划值；各月服务人次合计须等于计划服务人次。",
    "进度安排：每行一个月份和该月的主要工作。",
    "提交时间可不填（以提交时刻为准）；申报截止后提交的申报书不予受理。",
)


def write_template(path: Path) -> Path:
    """Write the blank proposal workbook with its four sheets and instructions."""
    months = tuple(f"第{m}月" for m in range(1, 13))
    sheets = {
        **SHEETS,
        PROPOSAL_SHEET: TEMPLATE_COLUMNS,
        KPI_SHEET: KPI_COLUMNS + months,
    }
    return write_workbook(path, sheets, TEMPLATE_NOTES)
