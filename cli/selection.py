"""`gongyi selection …`: the tiered selection — reviews, the committee's decision, publicity, contracts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.common import console, fail, ready_for_flows

app = typer.Typer(help="分层遴选：评审、终审决定、公示异议、签约。", no_args_is_help=True)


@app.command("decide")
def selection_decide(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    by: Annotated[str, typer.Option(help="决定人（评审委员会主任）。")],
    exclude: Annotated[
        list[int] | None, typer.Option(help="不予资助的申报书编号，可多次给出。")
    ] = None,
    include: Annotated[
        list[int] | None, typer.Option(help="决定资助的申报书编号，可多次给出。")
    ] = None,
    reason: Annotated[str, typer.Option(help="调整理由（有调整时必填）。")] = "",
) -> None:
    """记录评审委员会的终审决定，并让等待中的遴选流程继续。"""
    ready_for_flows()
    from flows.selection.committee import CommitteeInput, record_committee_decision
    from flows.selection.selection_allocation import check_decision
    from models.committee import DecisionError
    from models.selection import AllocationError

    decision = CommitteeInput(
        accepted=not (exclude or include),
        include=include or [],
        exclude=exclude or [],
        reasons=reason,
        decided_by=by,
    )
    try:
        run_id = record_committee_decision(call, decision, check=check_decision)
    except (DecisionError, AllocationError, LookupError) as exc:
        raise fail(str(exc)) from None
    console.print(f"终审决定已记录，遴选流程 {run_id} 继续运行。")


@app.command("run")
def selection_run(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    reviewers: Annotated[Path, typer.Option(help="评审专家库（CSV/XLSX，列：评审专家）。")],
    conflicts: Annotated[
        Path, typer.Option(help="利益冲突申报（列：评审专家、机构名称、冲突类型、说明）。")
    ],
    scores: Annotated[
        Path, typer.Option(help="评分表（列：评审环节、评审专家、项目名称及各评分指标）。")
    ],
    wait: Annotated[int, typer.Option(help="终审时等待评审委员会决定的最长秒数。")] = 3600,
) -> None:
    """运行分层遴选：初审、路演答辩，终审时等待评审委员会决定（另开终端执行 selection decide），然后公示。"""
    today = ready_for_flows().now().date()
    from flows.selection.select_projects import select_projects

    summary = select_projects(
        call, str(reviewers), str(conflicts), str(scores), today, wait_seconds=wait
    )
    if summary.errors:
        for line in summary.errors:
            console.print(f"[red]{line}[/]", highlight=False)
        raise fail(f"评分表有 {len(summary.errors)} 处错误，未写入任何数据")
    console.print(
        f"立项 {summary.approved} 个，候补 {summary.waitlisted} 个；公示至 {summary.notice_ends_on}：{summary.notice_pdf}"
    )


@app.command("conclude")
def selection_conclude(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    start: Annotated[str, typer.Option(help="项目开始日期 YYYY-MM-DD。")],
) -> None:
    """公示期满后：候补递补、签订资助协议、拨付首期资金并生成协议 PDF。"""
    today = ready_for_flows().now().date()
    from flows.selection.conclude_publicity import check_window, conclude_publicity
    from models.publicity import PublicityError

    try:
        starts_on = date.fromisoformat(start)
        check_window.fn(call, today)  # refuse early, without a flow-run traceback
        summary = conclude_publicity(call, today, starts_on)
    except (PublicityError, ValueError) as exc:
        raise fail(str(exc)) from None
    console.print(
        f"签约 {len(summary.contracts)} 份，递补 {len(summary.replacements)} 个；{summary.summary_pdf}"
    )


@app.command("sheet")
def selection_sheet(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    reviewer: Annotated[str, typer.Option(help="评审专家姓名。")],
    output: Annotated[Path, typer.Option(help="评分表输出路径（CSV）。")],
    stage: Annotated[str, typer.Option(help="评审环节：preliminary 或 defence。")] = "preliminary",
) -> None:
    """导出评审专家的评分表（只含分配给他的申报书；初审按申报指南要求隐去机构名称）。"""
    ready_for_flows()
    from flows.selection.selection_stages import export_score_sheet

    try:
        count = export_score_sheet(call, stage, reviewer, output)
    except (LookupError, ValueError) as exc:
        raise fail(str(exc)) from None
    console.print(f"已导出 {count} 份申报书的评分表：{output}")


@app.command("what-if")
def selection_what_if(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    budget: Annotated[str | None, typer.Option(help="假设的可用资金（元）。")] = None,
    ceiling: Annotated[
        list[str] | None, typer.Option(help="领域上限，如 youth=50000（元）。")
    ] = None,
    minimum: Annotated[
        list[str] | None, typer.Option(help="领域保底项目数，如 elderly=3。")
    ] = None,
) -> None:
    """按另一预算或领域额度试算资助结果，只显示差异，不写入任何数据。"""
    ready_for_flows()
    from flows.selection.selection_allocation import compute_allocation
    from models.money import MoneyError, format_fen, parse_yuan
    from models.selection import Quotas, compare_allocations

    try:
        quotas = Quotas(
            max_fen={k: parse_yuan(v) for k, v in _pairs(ceiling)},
            min_projects={k: int(v) for k, v in _pairs(minimum)},
        )
        budget_fen = parse_yuan(budget) if budget else None
        current, candidates = compute_allocation(call)
        trial, _ = compute_allocation(call, budget_fen=budget_fen, quotas=quotas)
    except (MoneyError, ValueError, LookupError) as exc:
        raise fail(str(exc)) from None
    changes = compare_allocations(current, trial)
    table = Table(title=f"试算：与现行方案相比有 {len(changes)} 项变化")
    for column in ("申报书", "领域", "现行（元）", "试算（元）"):
        table.add_column(column)
    for change in changes:
        c = candidates[change.proposal_id]
        table.add_row(
            f"#{c.proposal_id}",
            c.domain_key,
            format_fen(change.before_fen),
            format_fen(change.after_fen),
        )
    console.print(table)


def _pairs(items: list[str] | None) -> list[tuple[str, str]]:
    pairs = []
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"应写成 领域=数值，收到 {item!r}")
        pairs.append((key.strip(), value.strip()))
    return pairs


@app.command("object")
def selection_object(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    proposal: Annotated[int, typer.Option(help="被提出异议的申报书编号。")],
    by: Annotated[str, typer.Option(help="异议人姓名。")],
    text: Annotated[str, typer.Option(help="异议的事实和理由。")],
    day: Annotated[str | None, typer.Option(help="收到日期 YYYY-MM-DD（默认今天）。")] = None,
) -> None:
    """在公示期内登记一件书面异议。"""
    today = ready_for_flows().now().date()
    from flows.selection.objections import lodge_objection
    from models.publicity import PublicityError

    try:
        received = date.fromisoformat(day) if day else today
        objection_id = lodge_objection(
            call, proposal_id=proposal, submitter=by, text=text, day=received
        )
    except (PublicityError, ValueError) as exc:
        raise fail(str(exc)) from None
    console.print(f"异议已登记，编号 {objection_id}。")


@app.command("resolve")
def selection_resolve(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    objection: Annotated[int, typer.Option(help="异议编号。")],
    by: Annotated[str, typer.Option(help="处理人。")],
    reason: Annotated[str, typer.Option(help="处理理由。")],
    uphold: Annotated[bool, typer.Option("--uphold/--dismiss", help="异议成立 / 不成立。")] = False,
) -> None:
    """处理异议：成立则撤销该项目的立项，结束公示时由候补项目递补。"""
    ready_for_flows()
    from flows.selection.objections import resolve_objection
    from models.publicity import PublicityError
    from models.status import TransitionError

    try:
        outcome = resolve_objection(call, objection, uphold=uphold, reason=reason, by=by)
    except (PublicityError, TransitionError) as exc:
        raise fail(str(exc)) from None
    console.print(f"异议 {objection} 已处理：{'成立' if outcome == 'upheld' else '不成立'}。")
