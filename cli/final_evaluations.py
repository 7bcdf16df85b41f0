"""`gongyi cycle final`, `gongyi cycle review` and `gongyi cycle review-batch`: the final evaluation.

`review-batch` approves (or sends back) a set of final evaluations in one action,
all or none, each by the single review's rules (`services.evaluation_batch`).
The blank final score sheet `--scores` reads is `cli.sheet_templates.final_scores_template`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import (
    CycleIdOption,
    console,
    day_or_today,
    fail,
    parse_day,
    print_problems,
    ready,
    ready_for_flows,
    run_flow,
    session_for,
)


def cycle_final(
    cycle: CycleIdOption,
    period_end: Annotated[str, typer.Option(help="统计截止日，如 2026-11-30。")],
    scores: Annotated[Path | None, typer.Option(help="结项评分表（CSV/XLSX）。")] = None,
    on: Annotated[str, typer.Option(help="发布日期（结项评估报告的日期），默认今天。")] = "",
) -> None:
    """结项评估：测算整个执行期、录入评分表、发布已审定的评估。"""
    from flows.closing.final_evaluation import final_evaluation

    settings = ready_for_flows()
    summary = run_flow(
        final_evaluation,
        cycle,
        parse_day(period_end),
        str(scores) if scores else None,
        day_or_today(on, settings),
    )
    print_problems(summary.errors, what="结项评分表被拒绝")
    states = "，".join(f"{label} {n}" for label, n in summary.statuses.items()) or "无"
    console.print(
        f"结项评估（统计至 {summary.period_end}）：测算 {summary.measured} 个项目，"
        f"录入评分 {summary.scored} 份，本次发布 {summary.published} 份；状态：{states}；"
        f"结项评估报告 {len(summary.reports)} 份",
        highlight=False,
    )
    for title, grade in summary.grades.items():
        console.print(f"  {title}：{grade}", markup=False, highlight=False)


def cycle_review(
    project: Annotated[str, typer.Argument(help="项目名称或编号。")],
    cycle: CycleIdOption,
    reviewer: Annotated[str, typer.Option(help="审核人（不能是评分的评估专家）。")],
    send_back: Annotated[bool, typer.Option("--send-back", help="退回修改。")] = False,
    comment: Annotated[str, typer.Option(help="审核意见（退回时必填）。")] = "",
    on: Annotated[str, typer.Option(help="审核日期，如 2026-12-05（默认今天）。")] = "",
) -> None:
    """审核一个项目的结项评估：审定或退回修改。"""
    from services import evaluations

    settings = ready()
    day = day_or_today(on, settings)
    with session_for(settings) as session:
        final_id = evaluations.find_final_evaluation(session, cycle_id=cycle, project=project)
        reviewed = evaluations.review_final_evaluation(
            session,
            actor=evaluations.reviewer_actor(reviewer),
            now=settings.now(),
            final_evaluation_id=final_id,
            approve=not send_back,
            comment=comment,
            on=day,
        )
    console.print(reviewed.message, highlight=False)


def cycle_review_batch(
    cycle: CycleIdOption,
    reviewer: Annotated[str, typer.Option(help="审核人（不能是其中任何一份的评分专家）。")] = "",
    all_: Annotated[bool, typer.Option("--all", help="本周期全部待审核的结项评估。")] = False,
    ids: Annotated[str, typer.Option(help="结项评估编号，逗号分隔，如 3,4,5。")] = "",
    send_back: Annotated[bool, typer.Option(help="退回修改而不是审定。")] = False,
    comment: Annotated[str, typer.Option(help="审核意见（退回时必填，一条用于全部）。")] = "",
    on: Annotated[str, typer.Option(help="审核日期，如 2026-12-05（默认今天）。")] = "",
) -> None:
    """一次审定（或退回）多份结项评估：全部办理或全部不办理，拒绝时逐份说明原因。"""
    from cli.evaluation_review import parse_ids, print_refused
    from services import evaluation_batch, evaluations

    if all_ == bool(ids.strip()):
        raise fail("请用 --all 或 --ids 选择结项评估（二选一）")
    if not reviewer.strip():
        raise fail("请用 --reviewer 写明审核人")
    settings = ready()
    day = day_or_today(on, settings)
    with session_for(settings) as session:
        if all_:
            chosen = evaluation_batch.list_finals_in_review(session, cycle_id=cycle)
        else:
            chosen = parse_ids(ids)
        if not chosen:
            raise fail(f"创投周期 #{cycle} 没有待审核的结项评估")
        try:
            reviewed = evaluation_batch.review_final_evaluations(
                session,
                actor=evaluations.reviewer_actor(reviewer),
                now=settings.now(),
                final_evaluation_ids=chosen,
                approve=not send_back,
                comment=comment,
                on=day,
            )
        except evaluation_batch.BatchRefused as refused:
            raise print_refused(refused.problems, noun="结项评估") from None
    for result in reviewed:
        console.print(result.message, highlight=False)
