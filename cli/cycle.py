"""`gongyi cycle …`: closing a venture cycle — final evaluations, close, verify the archive, a new cycle."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from flows.closing.close_cycle import CloseSummary

from cli.common import (
    CycleIdOption,
    console,
    fail,
    parse_day,
    print_problems,
    ready,
    ready_for_flows,
    run_flow,
    session_for,
)

app = typer.Typer(help="创投周期：结项评估、结项、归档校验与新周期。", no_args_is_help=True)


@app.command("final")
def cycle_final(
    cycle: CycleIdOption,
    period_end: Annotated[str, typer.Option(help="统计截止日，如 2026-11-30。")],
    scores: Annotated[Path | None, typer.Option(help="结项评分表（CSV/XLSX）。")] = None,
) -> None:
    """结项评估：测算整个执行期、录入评分表、发布已审定的评估。"""
    from flows.closing.final_evaluation import final_evaluation

    ready_for_flows()
    summary = run_flow(
        final_evaluation, cycle, date.fromisoformat(period_end), str(scores) if scores else None
    )
    print_problems(summary.errors, what="结项评分表被拒绝")
    for title, grade in summary.grades.items():
        console.print(f"  {title}：{grade}", highlight=False)


@app.command("review")
def cycle_review(
    project: Annotated[str, typer.Argument(help="项目名称或编号。")],
    cycle: CycleIdOption,
    reviewer: Annotated[str, typer.Option(help="审核人（不能是评分的评估专家）。")],
    send_back: Annotated[bool, typer.Option("--send-back", help="退回修改。")] = False,
    comment: Annotated[str, typer.Option(help="审核意见（退回时必填）。")] = "",
) -> None:
    """审核一个项目的结项评估：审定或退回修改。"""
    from services import evaluations

    settings = ready()
    with session_for(settings) as session:
        final_id = evaluations.find_final_evaluation(session, cycle_id=cycle, project=project)
        reviewed = evaluations.review_final_evaluation(
            session,
            actor=evaluations.reviewer_actor(reviewer),
            now=settings.now(),
            final_evaluation_id=final_id,
            approve=not send_back,
            comment=comment,
        )
    console.print(reviewed.message, highlight=False)


@app.command("close")
def cycle_close(
    cycle: CycleIdOption,
    today: Annotated[str, typer.Option(help="结项日期（默认今天）。")] = "",
) -> None:
    """结项：末期拨付、结余退回、往期表现、周期总结报告与归档。"""
    from flows.closing.close_cycle import close_cycle

    ready_for_flows()
    summary = run_flow(close_cycle, cycle, date.fromisoformat(today) if today else None)
    if summary.blocked:
        for line in summary.blocked:
            console.print(f"[red]{line}[/]", highlight=False)
        raise fail(f"不能结项：{len(summary.blocked)} 项评估尚未发布")
    _print_close(summary)


def _print_close(summary: CloseSummary) -> None:
    from models.money import format_fen

    f = summary.figures
    console.print(f"[bold]{summary.headline}[/]（统计至 {summary.period_end}）", highlight=False)
    console.print(
        f"服务 {f['service_visits']} 人次，志愿服务 {f['volunteer_hours']} 小时；"
        f"募集 {format_fen(f['raised_fen'])} 元，承诺 {format_fen(f['committed_fen'])} 元，"
        f"拨付 {format_fen(f['paid_fen'])} 元，退回 {format_fen(f['refunded_fen'])} 元",
        highlight=False,
    )
    if summary.already_closed:
        console.print("本周期此前已结项：未重复拨付、退回或生成文件。")
    for title in summary.withheld:
        console.print(f"  末期资金不予拨付：{title}", highlight=False)
    console.print(f"周期总结报告：{summary.report_pdf}\n归档：{summary.archive}", highlight=False)
    for line in summary.errors:
        console.print(f"[red]{line}[/]", highlight=False)
    if summary.errors:
        raise typer.Exit(1)


@app.command("verify")
def cycle_verify(
    cycle: Annotated[int | None, typer.Option("--cycle", help="创投周期编号。")] = None,
    archive: Annotated[Path | None, typer.Option(help="归档文件夹（不查数据库）。")] = None,
) -> None:
    """校验文档：输出文件夹中每份登记的 PDF 与登记簿比对，已结项的再比对归档清单。

    逐一重新计算 SHA-256，列出缺少或被改动的每个文件；有问题时退出码为 1。
    """
    from flows.closing.cycle_archive import verify_archive
    from models.archive import ArchiveError

    problems: list[str] = []
    checked: list[str] = []
    if archive is None:
        if cycle is None:
            raise fail("请给出 --cycle 或 --archive")
        from services.register import verify_documents
        from store.closing import get_closing

        settings = ready()
        with session_for(settings) as session:
            found = get_closing(session, cycle_id=cycle)
            register = verify_documents(session, cycle_id=cycle, output_dir=settings.output_dir)
        problems += register.problems
        checked.append(f"输出文件夹 {register.checked} 份登记文档")
        if found is not None:
            archive = Path(found.archive_path)
    if archive is not None:
        try:
            manifest, archived = verify_archive(archive)
        except ArchiveError as exc:
            raise fail(str(exc)) from None
        problems += archived
        if manifest:
            checked.append(
                f"归档 {len(manifest['files'])} 个文件（申报指南第 {manifest['rules_version']} 版，"
                f"{manifest['rules_sha256'][:12]}…）"
            )
    for line in problems:
        console.print(f"[red]{line}[/]", highlight=False)
    if problems:
        raise fail(f"文档校验未通过：{len(problems)} 处问题")
    console.print(f"文档校验通过：{'；'.join(checked)}，SHA-256 均一致", highlight=False)


@app.command("new")
def cycle_new(
    from_cycle: Annotated[int, typer.Option("--from", help="沿用哪个已结项周期。")],
    year: Annotated[int | None, typer.Option(help="新周期年度（默认下一年）。")] = None,
    name: Annotated[str | None, typer.Option(help="新周期名称。")] = None,
) -> None:
    """新周期：沿用服务领域、申报指南与评审专家库，不沿用资金。"""
    from flows.call.new_cycle import new_cycle

    ready_for_flows()
    summary = run_flow(new_cycle, from_cycle, year, name)
    console.print(
        f"新创投周期 #{summary.cycle_id}「{summary.name}」：{summary.domains} 个服务领域，"
        f"评审专家 {summary.reviewers} 位，申报指南草稿 {summary.rules_file}",
        highlight=False,
    )
    console.print(
        f"下一步：登记捐赠后 gongyi call publish {summary.rules_file} --cycle {summary.cycle_id}",
        highlight=False,
    )


@app.command("refund")
def cycle_refund(
    project: Annotated[int, typer.Argument(help="项目编号。")],
    cycle: CycleIdOption,
    amount: Annotated[str, typer.Option(help="退回金额（元）。")],
    day: Annotated[str, typer.Option(help="退回日期（默认今天）。")] = "",
) -> None:
    """登记机构退回的资金（不得超过已拨付未退回的金额）。"""
    from models.money import MoneyError, format_fen, parse_yuan
    from models.project import Project
    from services import clerk, tranches

    settings = ready()
    now = settings.now()
    try:
        amount_fen = parse_yuan(amount)
    except MoneyError as exc:
        raise fail(str(exc)) from None
    with session_for(settings) as session:
        found = session.get(Project, project)
        if found is not None and found.cycle_id != cycle:
            raise fail(f"服务项目 #{project} 不属于创投周期 #{cycle}")
        booked = tranches.record_refund(
            session,
            actor=clerk(),
            now=now,
            project_id=project,
            amount_fen=amount_fen,
            on=parse_day(day) if day else now.date(),
        )
    console.print(f"已登记退回 {format_fen(booked)} 元" if booked else "该笔退回已登记过")
