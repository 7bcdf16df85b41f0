"""`gongyi monitor review-batch`: approve or send back a set of monthly evaluations in one action.

`parse_ids` and `print_refused` serve `gongyi cycle review-batch` (结项评估) too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer
from rich.markup import escape

from cli.common import (
    CycleOption,
    console,
    cycle_or_monitored,
    day_or_today,
    fail,
    ready,
    session_for,
)


def monitor_review_batch(
    month: Annotated[str, typer.Option(help="评估月份，如 2026-06（与 --all 同用）。")] = "",
    reviewer: Annotated[str, typer.Option(help="审核人（不能是其中任何一份的评分专家）。")] = "",
    all_: Annotated[bool, typer.Option("--all", help="本月全部待审核的月评估。")] = False,
    ids: Annotated[str, typer.Option(help="月评估编号，逗号分隔，如 3,4,5。")] = "",
    send_back: Annotated[bool, typer.Option(help="退回修改而不是审定。")] = False,
    comment: Annotated[str, typer.Option(help="审核意见（退回时必填，一条用于全部）。")] = "",
    on: Annotated[str, typer.Option(help="审核日期，如 2026-07-03（默认今天）。")] = "",
    cycle: CycleOption = None,
) -> None:
    """一次审定（或退回）多份月评估：全部办理或全部不办理，拒绝时逐份说明原因。"""
    from services import evaluation_batch, evaluations

    if all_ == bool(ids.strip()):
        raise fail("请用 --all 或 --ids 选择月评估（二选一）")
    if all_ and not month:
        raise fail("--all 需要 --month，如 --month 2026-06")
    if not reviewer.strip():
        raise fail("请用 --reviewer 写明审核人")
    settings = ready()
    day = day_or_today(on, settings)
    with session_for(settings) as session:
        if all_:
            chosen = evaluation_batch.list_month_in_review(
                session, cycle_id=cycle_or_monitored(session, cycle), month=month
            )
        else:
            chosen = parse_ids(ids)
        if not chosen:
            raise fail(f"{month} 没有待审核的月评估")
        try:
            reviewed = evaluation_batch.review_evaluations(
                session,
                actor=evaluations.reviewer_actor(reviewer),
                now=settings.now(),
                evaluation_ids=chosen,
                approve=not send_back,
                comment=comment,
                on=day,
            )
        except evaluation_batch.BatchRefused as refused:
            raise print_refused(refused.problems, noun="月评估") from None
    for result in reviewed:
        console.print(result.message, highlight=False)


def parse_ids(ids: str) -> list[int]:
    """Read --ids like 3,4,5 (a full-width comma too), or fail naming what was given."""
    try:
        return [int(part) for part in ids.replace("，", ",").split(",") if part.strip()]
    except ValueError:
        raise fail(f"--ids 应为逗号分隔的编号，收到 {ids!r}") from None


def print_refused(problems: Sequence[object], *, noun: str) -> typer.Exit:
    """Print each refused evaluation of a batch on its own line; return the exit to raise."""
    for problem in problems:
        console.print(f"[red]{escape(str(problem))}[/]", highlight=False)
    return fail(f"{len(problems)} 份{noun}不能审核，本批均未办理")
