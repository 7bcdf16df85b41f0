"""`… template`: write the blank .xlsx template of a sheet a command imports.

Each command group mounts the one it reads: `gongyi needs template`, `gongyi
agency template [--track-records]`, `gongyi fund template [--in-kind]`, `gongyi
monitor actions-template`, `gongyi monitor scores-template` and `gongyi cycle
final-template` (the score sheets carry the cycle's criteria). The templates
are `services.sheet_templates`': a header row, an example row and a 说明 sheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import CycleIdOption, CycleOption, console, cycle_or_monitored, ready, session_for

OutputArgument = Annotated[Path, typer.Argument(help="写出的 XLSX 模板，如 需求表.xlsx。")]


def _write(key: str, output: Path) -> None:
    from services.sheet_templates import TEMPLATES, write_sheet

    template = TEMPLATES[key]
    path = write_sheet(template, output)
    console.print(
        f"已写出{template.title}模板：{path}（由 {template.reader} 导入）", highlight=False
    )


def needs_template(output: OutputArgument) -> None:
    """写出居民需求表 XLSX 模板（表头、示例行与说明）。"""
    _write("needs", output)


def agency_template(
    output: OutputArgument,
    track_records: Annotated[
        bool, typer.Option("--track-records", help="改为写出往期记录表模板。")
    ] = False,
) -> None:
    """写出社会组织名录（或往期记录）XLSX 模板。"""
    _write("track_records" if track_records else "agencies", output)


def fund_template(
    output: OutputArgument,
    in_kind: Annotated[bool, typer.Option("--in-kind", help="改为写出实物捐赠表模板。")] = False,
) -> None:
    """写出现金捐赠表（或实物捐赠表）XLSX 模板。"""
    _write("in_kind" if in_kind else "donations", output)


def actions_template(output: OutputArgument) -> None:
    """写出周例会待办事项表 XLSX 模板（gongyi monitor minutes --actions 读取）。"""
    _write("actions", output)


def _write_scores(output: Path, cycle_id: int | None, *, final: bool) -> None:
    from services.sheet_templates import score_template, write_sheet

    settings = ready()
    with session_for(settings) as session:
        chosen = cycle_or_monitored(session, cycle_id)
        template = score_template(session, cycle_id=chosen, final=final)
    path = write_sheet(template, output)
    criteria = "、".join(template.criteria)
    console.print(
        f"已写出{template.title}模板：{path}（评分指标：{criteria}；由 {template.reader} 导入）",
        highlight=False,
    )


def scores_template(output: OutputArgument, cycle: CycleOption = None) -> None:
    """写出月评估评分表 XLSX 模板，列为本周期申报指南中由专家评分的指标。"""
    _write_scores(output, cycle, final=False)


def final_scores_template(output: OutputArgument, cycle: CycleIdOption) -> None:
    """写出结项评分表 XLSX 模板，列为本周期由专家评分的结项指标。"""
    _write_scores(output, cycle, final=True)
