"""The daily-report sheet (日报告表) as the office is told of it: each column, whether it is needed, an example.

One row is one project's day. The columns are those `models.report_rows`
reads, plus the optional 送达时间 (`models.arrival`). This guide is the one
source for the import command's `--help`, the template's 填写说明 sheet and
docs/daily_report_sheet.md, so the three cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.arrival import ARRIVAL_COLUMN


@dataclass(frozen=True)
class ColumnGuide:
    """One column of the sheet: its header, whether it must be filled, what goes in it."""

    column: str
    required: bool
    meaning: str
    example: str


SHEET_GUIDE = (
    ColumnGuide("项目名称", True, "服务项目名称，或项目编号", "银龄互助·幸福食堂助餐服务"),
    ColumnGuide("日期", True, "服务日期（YYYY-MM-DD）", "2026-06-03"),
    ColumnGuide(
        "活动",
        False,
        "类型:名称:人次，多项用全角分号；类型为 个案/小组/社区活动",
        "小组:智能手机课:18；个案:入户探访:3",
    ),
    ColumnGuide(
        "受益人编号",
        False,
        "受益人化名编号，逗号分隔；不得填写姓名、电话、身份证号",
        "E01-0001, E01-0002",
    ),
    ColumnGuide("服务时长（小时）", False, "当天服务总时长", "6.5"),
    ColumnGuide("志愿者人数", False, "志愿者人次", "3"),
    ColumnGuide("志愿服务时长（小时）", False, "志愿服务总时长", "4.5"),
    ColumnGuide(
        "支出",
        False,
        "预算科目:金额（元），多项用全角分号；不得超出预算",
        "活动费:120.50；物资费:30",
    ),
    ColumnGuide("问题", False, "服务中遇到的问题", ""),
    ColumnGuide("风险", False, "需要街道关注的风险", ""),
    ColumnGuide("附件", False, "文件名或链接，多个用全角分号", "签到表.jpg"),
    ColumnGuide("服务摘要", False, "当天服务概况", "开展智能手机课一次"),
    ColumnGuide("无活动原因", False, "当天没有活动时填写原因", ""),
    ColumnGuide("修订", False, "填「是」表示修改当天已提交的日报告（保存为新版本）", ""),
    ColumnGuide(
        ARRIVAL_COLUMN,
        False,
        "纸质日报告送达街道的时间（YYYY-MM-DD HH:MM），工作人员补录时填写；"
        "按此判断是否迟交，不填则以录入时间为准",
        "2026-06-03 18:30",
    ),
)
SHEET_COLUMNS = tuple(g.column for g in SHEET_GUIDE)


def guide_lines() -> list[str]:
    """Write each column as one line: header, (必填), meaning and example."""
    return [
        f"{g.column}{'（必填）' if g.required else ''}：{g.meaning}"
        + (f"，如 {g.example}" if g.example else "")
        for g in SHEET_GUIDE
    ]
