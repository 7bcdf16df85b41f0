"""`gongyi cycle …`: opening a venture cycle and seeing where it stands; closing it — final
evaluations, close, verify the archive, a new cycle."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from flows.closing.close_cycle import CloseSummary
    from models.cycle import OfficeIdentity

from cli.common import (
    ActorOption,
    CycleIdOption,
    UserFacingError,
    clerk_for,
    console,
    fail,
    parse_day,
    ready,
    ready_for_flows,
    run_flow,
    session_for,
    upgrade,
)
from cli.final_evaluations import cycle_final, cycle_review, cycle_review_batch
from cli.sheet_templates import final_scores_template

app = typer.Typer(
    help="创投周期：开设、列表与进度；结项评估、结项、归档校验与新周期。", no_args_is_help=True
)

LIST_SEPARATORS = ",，、;；\n"
OnOption = Annotated[
    str, typer.Option("--on", help="开设日期 YYYY-MM-DD（补录纸质材料时填写；默认今天）。")
]


def split_names(text: str) -> list[str]:
    """Names given as 明珠社区,新安社区 (commas, 、 or semicolons; either width)."""
    for separator in LIST_SEPARATORS[1:]:
        text = text.replace(separator, ",")
    return [name.strip() for name in text.split(",") if name.strip()]


@app.command("open")
def cycle_open(
    street_office: Annotated[str, typer.Option(help="街道办名称，如 新安街道办事处。")],
    year: Annotated[int, typer.Option(help="年度，如 2027。")],
    name: Annotated[str, typer.Option(help="周期名称，如 2027 年度新安街道公益创投。")],
    starts: Annotated[str, typer.Option(help="开始日期，如 2027-03-01。")],
    ends: Annotated[str, typer.Option(help="结束日期，如 2027-12-31。")],
    communities: Annotated[str, typer.Option(help="社区，用逗号分隔：明珠社区,新安社区。")],
    domains: Annotated[
        str, typer.Option(help="服务领域，用逗号分隔（默认 DESIGN.md 的四个领域）。")
    ] = "",
    contact: Annotated[str, typer.Option(help="街道联系人（落款用，可不填）。")] = "",
    phone: Annotated[str, typer.Option(help="联系电话（可不填）。")] = "",
    by: ActorOption = "",
    on: OnOption = "",
) -> None:
    """开设创投周期：街道、年度、社区与服务领域；开设后即开始需求征集。新数据库在此时建好。"""
    from sqlalchemy import inspect

    from services import cycles
    from store.database import get_engine

    settings = ready()
    opened_on = parse_day(on) if on else None
    if not inspect(get_engine(settings.database_url)).has_table("cycle"):
        try:
            upgrade(settings)
        except UserFacingError as exc:
            raise fail(str(exc)) from None
    with session_for(settings) as session:
        line = cycles.open_cycle(
            session,
            actor=clerk_for(by),
            now=settings.now(),
            street_office=street_office,
            year=year,
            name=name,
            starts_on=parse_day(starts),
            ends_on=parse_day(ends),
            communities=split_names(communities),
            domains=split_names(domains) or None,
            office_contact=contact,
            office_phone=phone,
            on=opened_on,
        )
        view = cycles.cycle_status(session, actor=clerk_for(by), cycle_id=line.cycle_id)
    console.print(
        f"已开设创投周期 #{line.cycle_id}「{line.name}」：{line.street_office} {line.year} 年度，"
        f"{len(view.communities)} 个社区，服务领域 {'、'.join(view.domains)}"
        + (f"（开设日期 {opened_on}）" if opened_on else ""),
        highlight=False,
        soft_wrap=True,
    )
    if view.next is not None:
        console.print(f"下一步：{view.next.how}", highlight=False, soft_wrap=True)


@app.command("list")
def cycle_list() -> None:
    """列出创投周期：状态与下一步。"""
    from rich.table import Table
    from sqlalchemy import inspect

    from services import clerk, cycles
    from store.database import get_engine

    settings = ready()
    lines = []
    if inspect(get_engine(settings.database_url)).has_table("cycle"):
        with session_for(settings) as session:
            lines = cycles.list_cycles(session, actor=clerk())
    if not lines:
        console.print(
            "还没有创投周期：请先用 gongyi cycle open 开设创投周期", highlight=False, soft_wrap=True
        )
        return
    table = Table(title="创投周期")
    for column in ("编号", "街道办", "年度", "名称", "状态", "起止", "下一步"):
        table.add_column(column)
    for line in lines:
        table.add_row(
            str(line.cycle_id),
            line.street_office,
            str(line.year),
            line.name,
            line.status_label,
            f"{line.starts_on} 至 {line.ends_on}",
            line.next_step,
        )
    console.print(table)


@app.command("show")
def cycle_show(cycle: CycleIdOption) -> None:
    """一个创投周期：社区、服务领域，各阶段完成情况与下一步。"""
    from rich.markup import escape

    from services import clerk, cycles

    settings = ready()
    with session_for(settings) as session:
        view = cycles.cycle_status(session, actor=clerk(), cycle_id=cycle)
    line = view.line
    console.print(
        f"[bold]创投周期 #{line.cycle_id}「{escape(line.name)}」[/]（{line.status_label}）",
        highlight=False,
        soft_wrap=True,
    )
    console.print(
        f"{line.street_office} {line.year} 年度，{line.starts_on} 至 {line.ends_on}\n"
        f"社区：{'、'.join(view.communities) or '无'}\n"
        f"服务领域：{'、'.join(view.domains) or '无'}",
        highlight=False,
        soft_wrap=True,
    )
    console.print("落款：", highlight=False)
    _print_office(view.office, line.street_office)
    for number, stage in enumerate(view.stages, start=1):
        mark = {"done": "✓", "current": "→", "skipped": "·", "later": " "}[stage.state]
        console.print(
            f" {mark} {number}. {stage.name}：{stage.state_label}（{stage.detail}）",
            highlight=False,
            soft_wrap=True,
        )
    if view.next is not None:
        console.print(f"下一步：{view.next.how}", highlight=False, soft_wrap=True)
        for blocker in view.next.blockers:
            console.print(f"  还需：{blocker.text}", highlight=False, soft_wrap=True)
    else:
        console.print("本周期已结项。", highlight=False, soft_wrap=True)


app.command("status", help="同 show：各阶段完成情况与下一步。")(cycle_show)


@app.command("office")
def cycle_office(
    cycle: CycleIdOption,
    name: Annotated[
        str | None, typer.Option(help="发布单位名称（落款），如 新安街道办事处。")
    ] = None,
    address: Annotated[str | None, typer.Option(help="办公地址。")] = None,
    contact: Annotated[str | None, typer.Option(help="联系人，如 社会事务科 王老师。")] = None,
    phone: Annotated[str | None, typer.Option(help="对外联系电话，如 0551-62881234。")] = None,
    email: Annotated[str | None, typer.Option(help="电子邮箱。")] = None,
    seal: Annotated[str | None, typer.Option(help="公章文字，如 新安街道办事处（公章）。")] = None,
    by: ActorOption = "",
) -> None:
    """设置文件落款的发布单位：名称、地址、联系人、电话、邮箱、公章文字（只改给出的项；给空值即清除）。"""
    from services import cycles

    settings = ready()
    with session_for(settings) as session:
        office = cycles.set_office(
            session,
            actor=clerk_for(by),
            now=settings.now(),
            cycle_id=cycle,
            name=name,
            address=address,
            contact=contact,
            phone=phone,
            email=email,
            seal=seal,
        )
    console.print(f"创投周期 #{cycle} 的落款已保存：", highlight=False)
    _print_office(office)


def _print_office(office: OfficeIdentity, street_office: str = "") -> None:
    rows = (
        (
            "发布单位",
            office.name
            or (f"{street_office}（默认）" if street_office else "（默认：街道办名称）"),
        ),
        ("地址", office.address),
        ("联系人", office.contact),
        ("电话", office.phone),
        ("邮箱", office.email),
        ("公章", office.seal),
    )
    for label, value in rows:
        console.print(f"  {label}：{value or '—'}", highlight=False, soft_wrap=True)


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


app.command("final")(cycle_final)
app.command("review")(cycle_review)
app.command("review-batch")(cycle_review_batch)
app.command("final-template")(final_scores_template)
