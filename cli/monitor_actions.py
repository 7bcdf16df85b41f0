"""`gongyi monitor action …`: the weekly meetings' action items — list, add, close."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from cli.common import (
    CycleOption,
    console,
    cycle_or_monitored,
    day_or_today,
    parse_day,
    print_problems,
    ready,
    ready_for_flows,
    run_flow,
    session_for,
)

action_app = typer.Typer(help="周例会待办事项：列出、新增与关闭。", no_args_is_help=True)


@action_app.command("add")
def monitor_action_add(
    week_start: Annotated[str, typer.Argument(help="所议一周的周一。")],
    text: Annotated[str, typer.Option(help="事项。")],
    owner: Annotated[str, typer.Option(help="责任人。")],
    due: Annotated[str, typer.Option(help="完成时限，如 2026-06-19。")],
    project: Annotated[str, typer.Option(help="项目名称（空：全体）。")] = "",
    cycle: CycleOption = None,
) -> None:
    """给一次周例会新增一项待办。"""
    ready_for_flows()
    from flows.monitoring.meeting_minutes import add_action_item

    result = run_flow(
        add_action_item,
        parse_day(week_start),
        text,
        owner,
        parse_day(due),
        project,
        cycle,
    )
    print_problems(result.errors, what="待办未保存")
    console.print(f"已新增待办；PDF：{result.pdf}")


@action_app.command("close")
def monitor_action_close(
    item: Annotated[int, typer.Argument(help="待办事项编号（见 monitor action list）。")],
    note: Annotated[str, typer.Option(help="完成情况说明。")] = "",
    dropped: Annotated[bool, typer.Option(help="取消而不是完成。")] = False,
    on: Annotated[str, typer.Option(help="完成（或取消）的日期，如 2026-06-20（默认今天）。")] = "",
) -> None:
    """关闭一项待办（完成或取消），并重新生成所在周例会的纪要 PDF。"""
    settings = ready_for_flows()
    from flows.monitoring.action_close import close_action_and_publish

    day = day_or_today(on, settings)
    closed = run_flow(close_action_and_publish, item, note, dropped, day)
    if not closed.changed:
        console.print(f"待办事项 #{item} 已是该状态，未改动", highlight=False)
        return
    console.print(
        f"待办事项 #{item}「{closed.text}」已{'取消' if dropped else '完成'}（{closed.closed_on}）",
        highlight=False,
    )
    console.print(f"周例会文件已更新（未录纪要时为议程）：{closed.pdf}", highlight=False)


@action_app.command("list")
def monitor_action_list(
    open_only: Annotated[bool, typer.Option("--open", help="只列未完成的待办。")] = False,
    cycle: CycleOption = None,
) -> None:
    """列出本周期周例会的待办事项及其编号（关闭时用编号）。"""
    from rich.table import Table

    from services import clerk
    from services.action_items import list_action_items

    settings = ready()
    with session_for(settings) as session:
        rows = list_action_items(
            session,
            actor=clerk(),
            cycle_id=cycle_or_monitored(session, cycle),
            open_only=open_only,
        )
    if not rows:
        console.print("没有" + ("未完成的" if open_only else "") + "待办事项")
        return
    table = Table("编号", "例会周", "序号", "项目", "事项", "责任人", "完成时限", "状态")
    for row in rows:
        status = row.status_label + (f"（{row.closed_on}）" if row.closed_on else "")
        table.add_row(
            str(row.item_id),
            row.week_start.isoformat(),
            str(row.seq),
            escape(row.project),
            escape(row.text),
            escape(row.owner),
            row.due_on.isoformat(),
            status,
        )
    console.print(table)
