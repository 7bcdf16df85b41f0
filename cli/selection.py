"""`gongyi selection …`: the tiered selection — reviews, the committee's decision, publicity, contracts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cli.common import (
    ActorOption,
    clerk_for,
    console,
    day_or_today,
    fail,
    print_errors,
    ready,
    ready_for_flows,
    run_flow,
    session_for,
)
from cli.selection_publicity import (
    OnOption,
    selection_conclude,
    selection_object,
    selection_resolve,
)

app = typer.Typer(
    help="分层遴选，逐步进行：安排专家组、录入评分、结束环节、终审决定、公示异议、签约。",
    no_args_is_help=True,
)


CallOption = Annotated[int, typer.Option("--call", help="申报指南编号。")]
StageOption = Annotated[str, typer.Option("--stage", help="评审环节：初审 或 路演。")]


def _stage(text: str) -> str:
    from services import Refused
    from services.panels import read_stage

    try:
        return read_stage(text)
    except Refused as refused:
        raise fail(refused.message) from None


def _check_call(settings, call: int) -> None:  # type: ignore[no-untyped-def]
    """Stop with one line, before any work, when no call has this number."""
    from models.call import Call

    with session_for(settings) as session:
        found = session.get(Call, call)
    if found is None:
        raise fail(
            f"找不到申报指南 #{call}：请先发布申报指南（gongyi call publish），"
            "截止申报后（gongyi call close）再开始遴选"
        )


def _next_line(settings, call: int) -> str:  # type: ignore[no-untyped-def]
    from services.selection import selection_progress

    with session_for(settings) as session:
        return selection_progress(session, call_id=call).message


@app.command("status")
def selection_status(call: CallOption) -> None:
    """显示遴选进行到哪一步、下一步做什么（及相应命令）。"""
    settings = ready()
    _check_call(settings, call)
    console.print(f"下一步：{_next_line(settings, call)}", highlight=False)


@app.command("seat")
def selection_seat(
    call: CallOption,
    stage: StageOption,
    reviewers: Annotated[Path, typer.Option(help="评审专家库（CSV/XLSX，列：评审专家）。")],
    conflicts: Annotated[
        Path | None,
        typer.Option(help="利益冲突申报（列：评审专家、机构名称、冲突类型、说明），可省略。"),
    ] = None,
    sheets: Annotated[
        Path | None,
        typer.Option(help="评分表输出文件夹（默认 输出目录/selection/call-N/评分表）。"),
    ] = None,
    on: OnOption = "",
    by: ActorOption = "",
) -> None:
    """安排评审专家组（回避利益冲突）并为每位评审专家导出评分表；可随时再次运行，只补缺。"""
    settings = ready_for_flows()
    _check_call(settings, call)
    day, seated_stage = day_or_today(on, settings), _stage(stage)
    from flows.selection.selection_stages import export_score_sheets
    from models.rows import RowsRejected
    from services.panels import seat_stage
    from services.reviewer_pool import read_reviewer_pool

    with session_for(settings) as session:
        try:
            pool = read_reviewer_pool(session, reviewers=reviewers, conflicts=conflicts)
        except RowsRejected as rejected:
            print_errors([str(e) for e in rejected.errors], "评审专家库或利益冲突申报")
            return
        panels = seat_stage(
            session,
            actor=clerk_for(by),
            now=settings.now(),
            on=day,
            call_id=call,
            stage=seated_stage,
            reviewer_names=pool.names,
            conflicts=pool.conflicts,
        )
    folder = sheets or settings.output_dir / "selection" / f"call-{call}" / "评分表"
    written = export_score_sheets(call, seated_stage, folder)
    console.print(
        f"已安排 {len(panels)} 份申报书的评审专家组；评分表 {len(written)} 份：{folder}",
        highlight=False,
    )
    console.print(f"下一步：{_next_line(settings, call)}", highlight=False)


@app.command("scores")
def selection_scores(
    sheet: Annotated[
        Path, typer.Argument(help="评分表（CSV/XLSX，列：评审专家、项目名称及各评分指标）。")
    ],
    call: CallOption,
    stage: StageOption,
    on: OnOption = "",
    by: ActorOption = "",
) -> None:
    """录入一个评审环节的评分表：逐行校验，全部通过才写入（评审专家也可在门户评分）。"""
    settings = ready()
    _check_call(settings, call)
    day, scored_stage = day_or_today(on, settings), _stage(stage)
    from models.rows import RowsRejected
    from services.score_sheet import enter_score_sheet

    with session_for(settings) as session:
        try:
            entered = enter_score_sheet(
                session,
                actor=clerk_for(by),
                now=settings.now(),
                on=day,
                call_id=call,
                stage=scored_stage,
                path=sheet,
            )
        except RowsRejected as rejected:
            print_errors([str(e) for e in rejected.errors], "评分表")
            return
    console.print(f"已录入 {entered.scores} 条{stage}评分。", highlight=False)
    console.print(f"下一步：{_next_line(settings, call)}", highlight=False)


@app.command("close-stage")
def selection_close_stage(
    call: CallOption, stage: StageOption, on: OnOption = "", by: ActorOption = ""
) -> None:
    """结束评审环节：初审按通过线（加权原始均分）确定入围；路演结束即提出拟资助方案，提交评审委员会。"""
    settings = ready()
    _check_call(settings, call)
    day, closing = day_or_today(on, settings), _stage(stage)
    from models.status import Stage
    from services import committee
    from services import selection as selection_service

    with session_for(settings) as session:
        if closing == Stage.PRELIMINARY:
            closed = selection_service.close_preliminary(
                session, actor=clerk_for(by), now=settings.now(), on=day, call_id=call
            )
            console.print(
                f"初审结束：入围 {len(closed.passed)} 份，未通过 {len(closed.failed)} 份。",
                highlight=False,
            )
            for title, why in closed.failed.items():
                console.print(f"  未通过「{escape(title)}」：{escape(why)}", highlight=False)
        else:
            from models.money import format_fen

            proposed = committee.propose_allocation(
                session, actor=clerk_for(by), now=settings.now(), on=day, call_id=call
            )
            console.print(
                f"路演答辩结束：拟资助 {proposed.funded} 个项目，共 {format_fen(proposed.funded_fen)} 元，"
                "已提交评审委员会。",
                highlight=False,
            )
    console.print(f"下一步：{_next_line(settings, call)}", highlight=False)


@app.command("propose")
def selection_propose(call: CallOption, on: OnOption = "", by: ActorOption = "") -> None:
    """结束路演答辩并提出拟资助方案，提交评审委员会（同 close-stage --stage 路演）。"""
    selection_close_stage(call, "路演", on, by)


@app.command("decide")
def selection_decide(
    call: CallOption,
    by: Annotated[str, typer.Option(help="决定人（评审委员会主任）。")],
    exclude: Annotated[
        list[int] | None, typer.Option(help="不予资助的申报书编号，可多次给出。")
    ] = None,
    include: Annotated[
        list[int] | None, typer.Option(help="决定资助的申报书编号，可多次给出。")
    ] = None,
    reason: Annotated[str, typer.Option(help="调整理由（有调整时必填）。")] = "",
    on: OnOption = "",
) -> None:
    """记录评审委员会的终审决定（任何时候均可），记录结果并发布立项公示。"""
    settings = ready_for_flows()
    _check_call(settings, call)
    day = day_or_today(on, settings)
    from flows.selection.committee import CommitteeChoice, decide
    from flows.selection.selection_reports import write_notice_pdf

    choice = CommitteeChoice(
        accepted=not (exclude or include),
        include=tuple(include or ()),
        exclude=tuple(exclude or ()),
        reasons=reason,
        decided_by=by,
    )
    with session_for(settings):  # a refusal becomes one red line
        decided = decide(call, choice, on=day, actor=clerk_for(by))
    pdf = write_notice_pdf.fn(call)
    console.print(
        f"终审决定已记录（{day}）：立项 {decided.approved} 个，候补 {decided.waitlisted} 个；"
        f"公示至 {decided.notice_ends_on}：{pdf}",
        highlight=False,
    )


@app.command("run")
def selection_run(
    call: CallOption,
    reviewers: Annotated[
        Path | None, typer.Option(help="评审专家库（CSV/XLSX，列：评审专家）。")
    ] = None,
    conflicts: Annotated[
        Path | None, typer.Option(help="利益冲突申报（列：评审专家、机构名称、冲突类型、说明）。")
    ] = None,
    scores: Annotated[
        Path | None,
        typer.Option(help="评分表（列：评审环节、评审专家、项目名称及各评分指标），可含两个环节。"),
    ] = None,
    decision: Annotated[
        Path | None,
        typer.Option(
            help="评审委员会终审决定（TOML：accepted、include、exclude、reasons、decided_by）。"
        ),
    ] = None,
    on: OnOption = "",
) -> None:
    """依次完成已有材料的遴选步骤（安排专家组、录入评分、结束环节、终审决定），缺材料时停下并说明下一步。"""
    settings = ready_for_flows()
    _check_call(settings, call)
    day = day_or_today(on, settings)
    from flows.selection.committee import read_committee_choice
    from flows.selection.select_projects import select_projects

    with session_for(settings):
        choice = read_committee_choice(decision) if decision else None
    summary = run_flow(
        select_projects,
        call,
        str(reviewers or ""),
        str(conflicts or ""),
        str(scores or ""),
        day,
        decision=choice,
    )
    if summary.errors:
        print_errors(list(summary.errors), "遴选材料")
    if summary.notice_ends_on:
        console.print(
            f"立项 {summary.approved} 个，候补 {summary.waitlisted} 个；公示至 {summary.notice_ends_on}：{summary.notice_pdf}",
            highlight=False,
        )
    console.print(f"下一步：{summary.next_step}", highlight=False)


@app.command("sheet")
def selection_sheet(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    output: Annotated[Path, typer.Option(help="评分表输出路径（.xlsx 或 .csv）。")],
    reviewer: Annotated[str, typer.Option(help="评审专家姓名（默认：全部未评分的席位）。")] = "",
    stage: Annotated[str, typer.Option(help="评审环节：初审 或 路演。")] = "初审",
) -> None:
    """导出评分表（初审按申报指南要求隐去机构名称）；填好后用 selection scores 录入。"""
    settings = ready()
    from services.score_sheet import blank_sheet, write_sheet_csv, write_sheet_xlsx

    with session_for(settings) as session:
        sheet = blank_sheet(session, call_id=call, stage=_stage(stage), reviewer=reviewer or None)
    write = write_sheet_xlsx if output.suffix.lower() == ".xlsx" else write_sheet_csv
    write(sheet, output)
    console.print(f"已导出 {len(sheet.rows)} 行评分表：{output}")


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


app.command("object")(selection_object)
app.command("resolve")(selection_resolve)
app.command("conclude")(selection_conclude)
