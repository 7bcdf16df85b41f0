"""Blank .xlsx templates for the sheets the office or an agency fills in and a command imports.

Each template's first sheet has a header row with exactly the columns its
reader accepts, then one row of example values; a second sheet, 说明, lists
every column: required or not, and how to write it. One writer (`write_sheet`)
makes them all. The example row names a project or a community no cycle has
wherever the reader looks one up, so a template sent back unchanged is refused
naming that row; elsewhere (a gift, an agency) it must be changed or deleted.

| key | sheet | read by |
| --- | --- | --- |
| needs | 居民需求表 | `gongyi needs import` |
| agencies | 社会组织名录 | `gongyi agency import` |
| track_records | 往期记录 | `gongyi agency import --track-records` |
| donations | 现金捐赠表 | `gongyi fund import` |
| in_kind | 实物捐赠表 | `gongyi fund import --in-kind` |
| actions | 待办事项表 | `gongyi monitor minutes --actions` |
| monthly_scores | 月评估评分表 | `gongyi monitor month --scores` (the cycle's criteria) |
| final_scores | 结项评分表 | `gongyi cycle final --scores` (the cycle's criteria) |

The daily-report workbook (`services.daily_report_template`), the proposal
workbook (`services.proposal_template`) and the selection's score and reviewer
sheets (`services.score_sheet`, `services.reviewer_pool`) have their own writers.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from models.call_rules import read_call_rules
from models.final_evaluation import evaluator_final_criteria, final_criteria
from models.fund import DONOR_TYPE_LABELS, IN_KIND_LABELS
from models.intake import SOURCES
from services import Actor, NotFound
from services.evaluation_scoring import scoring_criteria
from services.project_pages import Choice, check_office
from store import calls
from store import project_pages as pages

GUIDE_SHEET = "说明"
DAY = "日期，写作 2026-06-01"
EXAMPLE_PROJECT = "示例项目（改为项目名称或编号）"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, an example value, and how to fill it."""

    name: str
    example: str
    required: bool = True
    form: str = ""


@dataclass(frozen=True)
class SheetTemplate:
    """A sheet a command imports: its name, its columns and what reads it."""

    key: str
    title: str
    reader: str
    columns: tuple[Column, ...]
    criteria: tuple[str, ...] = ()
    """The criteria columns an evaluator scores (score sheets only)."""

    @property
    def file_name(self) -> str:
        """The file name a download offers."""
        return f"{self.title}模板.xlsx"

    @property
    def header(self) -> list[str]:
        """The header row, in order."""
        return [c.name for c in self.columns]


def _choices(labels: Mapping[Any, str]) -> str:
    return "填其中之一：" + "、".join(labels.values())


YES_NO = "填「是」或「否」"
TEMPLATES = {
    t.key: t
    for t in (
        SheetTemplate(
            "needs",
            "居民需求表",
            "gongyi needs import",
            (
                Column("需求内容", "（示例）楼道灯坏了，老人夜里出门不便", form="最多 500 字"),
                Column("社区", "示例社区", form="本街道的社区名称（与创投周期登记的一致）"),
                Column("服务对象", "老年人", False, "如 老年人、青少年、残疾人"),
                Column("来源", "网格员", form="填其中之一：" + "、".join(SOURCES)),
                Column("提交日期", "2026-03-02", form=DAY + "，不晚于导入当天"),
                Column("联系人", "张阿姨", False),
                Column("联系电话", "13800001234", False, "手机号或带区号的座机，如 0552-1234567"),
            ),
        ),
        SheetTemplate(
            "agencies",
            "社会组织名录",
            "gongyi agency import",
            (
                Column("机构名称", "蚌埠市示例社会工作服务中心"),
                Column("组织类型", "民办非企业单位", form="如 社会团体、民办非企业单位、基金会"),
                Column(
                    "统一社会信用代码", "52340300MA2N0X5K78", form="18 位，校验码须正确（文本格式）"
                ),
                Column("登记日期", "2019-05-20", form=DAY),
                Column("年检结果", "合格", False, "如 合格、基本合格；列须保留，未年检可空"),
                Column("异常名录", "否", form=YES_NO + "：是否列入活动异常名录"),
                Column("年检年度", "2025", False, "四位年份"),
                Column("严重违法失信名单", "否", False, YES_NO),
                Column("联系人", "李社工", False),
                Column("联系电话", "0552-1234567", False),
                Column("电子邮箱", "contact@example.org", False),
            ),
        ),
        SheetTemplate(
            "track_records",
            "往期记录",
            "gongyi agency import --track-records",
            (
                Column("机构名称", "蚌埠市示例社会工作服务中心", form="与社会组织名录中的名称一致"),
                Column("年度", "2025", form="四位年份"),
                Column("评估等级", "良好", False, "如 优秀、良好、合格、不合格"),
                Column("黄牌次数", "0", form="整数，0 或以上"),
            ),
        ),
        SheetTemplate(
            "donations",
            "现金捐赠表",
            "gongyi fund import",
            (
                Column("捐赠方", "示例爱心企业有限公司"),
                Column("捐赠方类型", "爱心企业", form=_choices(DONOR_TYPE_LABELS)),
                Column("捐赠日期", "2026-03-15", form=DAY),
                Column("金额（元）", "10000.00", form="大于 0，最多两位小数"),
                Column("限定领域", "", False, "空为非限定；限定时填本周期服务领域的键，如 elderly"),
            ),
        ),
        SheetTemplate(
            "in_kind",
            "实物捐赠表",
            "gongyi fund import --in-kind",
            (
                Column("捐赠方", "示例超市"),
                Column("捐赠方类型", "爱心企业", form=_choices(DONOR_TYPE_LABELS)),
                Column("捐赠日期", "2026-03-20", form=DAY),
                Column("类别", "物资", form=_choices(IN_KIND_LABELS)),
                Column("说明", "助餐点米面油一批", form="最多 500 字"),
                Column("估值（元）", "800.00", False, "可空；最多两位小数"),
            ),
        ),
        SheetTemplate(
            "actions",
            "待办事项表",
            "gongyi monitor minutes --actions",
            (
                Column("序号", "1", form="整数，从 1 起，同表不重复"),
                Column("项目名称", EXAMPLE_PROJECT, form="服务项目名称或编号；街道事项可空"),
                Column("事项", "补交 6 月签到表", form="最多 500 字"),
                Column("责任人", "王社工"),
                Column("完成时限", "2026-07-10", form=DAY + "，不早于会议日期"),
                Column("完成情况", "未完成", False, "未完成、已完成或取消；空为未完成"),
                Column("完成日期", "", False, DAY + "；已完成或取消时必填"),
                Column("说明", "", False),
            ),
        ),
    )
}


def _score_columns(criteria: list[str], *, satisfaction: bool) -> tuple[Column, ...]:
    return (
        Column("评估专家", "评估专家甲", form="评分的评估专家姓名"),
        Column("项目名称", EXAMPLE_PROJECT, form="服务项目名称；重名时填项目编号"),
        *(Column(name, "85", form="0–100 的整数") for name in criteria),
        Column("评语", "按计划推进，台账完整。", False, "列须保留，内容可空，最多 2000 字"),
        *((Column("满意度（%）", "92", False, "0–100 的整数，可空"),) if satisfaction else ()),
        Column("资金违规", "否", False, "填「是」时总分记为 0；空或「否」为无"),
    )


SCORE_SHEETS = {
    "monthly_scores": ("月评估评分表", "gongyi monitor month --scores"),
    "final_scores": ("结项评分表", "gongyi cycle final --scores"),
}
"""The templates made per cycle (their criteria are its call's): key -> (title, reader)."""


def score_template(session: Session, *, cycle_id: int, final: bool) -> SheetTemplate:
    """The monthly (月评估) or final (结项) score sheet, with the cycle's evaluator criteria."""
    rules = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules)
    key = "final_scores" if final else "monthly_scores"
    criteria = evaluator_final_criteria(final_criteria(rules)) if final else scoring_criteria(rules)
    columns = _score_columns(criteria, satisfaction=not final)
    return SheetTemplate(key, *SCORE_SHEETS[key], columns, tuple(criteria))


@dataclass(frozen=True)
class Downloads:
    """The templates the portal offers: (key, title, the command that imports it), and the cycles."""

    sheets: list[tuple[str, str, str]]
    cycles: list[Choice]


def list_downloads(session: Session, *, actor: Actor) -> Downloads:
    """List every template the office may download, and the cycles a score sheet may be for."""
    check_office(actor)
    fixed = [(t.key, t.title, t.reader) for t in TEMPLATES.values()]
    return Downloads(
        [*fixed, *((key, title, reader) for key, (title, reader) in SCORE_SHEETS.items())],
        [Choice(c.id or 0, c.name) for c in pages.list_cycles(session)],
    )


def find_download(
    session: Session, *, actor: Actor, key: str, cycle_id: int | None = None
) -> SheetTemplate:
    """Return the template the office asks for; a score sheet is the cycle's (default newest)."""
    check_office(actor)
    if key in TEMPLATES:
        return TEMPLATES[key]
    if key not in SCORE_SHEETS:
        raise NotFound(f"没有名为 {key} 的模板")
    cycles = pages.list_cycles(session)
    cycle = next((c for c in cycles if cycle_id is None or c.id == cycle_id), None)
    if cycle is None:
        raise NotFound(
            "还没有创投周期" if cycle_id is None else f"没有编号为 {cycle_id} 的创投周期"
        )
    try:
        return score_template(session, cycle_id=cycle.id or 0, final=key == "final_scores")
    except LookupError:
        raise NotFound(f"「{cycle.name}」还没有申报指南，评分指标未定") from None


def workbook_bytes(template: SheetTemplate) -> bytes:
    """Return the template as .xlsx bytes: the sheet with its example row, then 说明."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = template.title
    sheet.append(template.header)
    sheet.append([c.example for c in template.columns])
    sheet.freeze_panes = "A2"
    for cell, column in zip(sheet[1], template.columns, strict=True):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7" if column.required else "F2F2F2")
        width = max(len(column.name), len(column.example)) * 2 + 4
        sheet.column_dimensions[cell.column_letter].width = min(max(12, width), 60)
    for cell in sheet[2]:
        cell.number_format = "@"  # typed as text: a credit code or a phone keeps its digits
        cell.font = Font(italic=True, color="7F7F7F")
    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.append([f"{template.title}：由 {template.reader} 导入"])
    guide.append(["第 2 行是示例，导入前请改成实际内容或删除；各列都请保留（选填列可留空）。"])
    guide.append(["整张表全部校验通过才写入；任何一行有错，都不写入，并逐行指出错误的列。"])
    guide.append([])
    guide.append(["列名", "必填/选填", "填写格式", "示例"])
    for cell in guide[5]:
        cell.font = Font(bold=True)
    for column in template.columns:
        guide.append(
            [column.name, "必填" if column.required else "选填", column.form, column.example]
        )
    for letter, width in zip("ABCD", (18, 8, 60, 36), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=6):
        row[2].alignment = Alignment(wrap_text=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_sheet(template: SheetTemplate, path: Path) -> Path:
    """Write the template to `path` (.xlsx); return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(template))
    return path
