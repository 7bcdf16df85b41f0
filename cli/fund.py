"""`gongyi fund …`: the public-benefit fund — gifts, its ledger, donor statements."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cli.common import (
    clerk_for,
    console,
    day_or_today,
    fail,
    parse_day,
    print_errors,
    ready,
    ready_for_flows,
    session_for,
)
from cli.sheet_templates import fund_template

app = typer.Typer(help="公益基金：捐赠、台账与捐赠资金去向说明。", no_args_is_help=True)


@app.command("import")
def fund_import(
    donations: Annotated[
        Path, typer.Argument(help="现金捐赠表（CSV 或 XLSX）；空白模板：gongyi fund template。")
    ],
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    name: Annotated[str, typer.Option(help="公益基金名称。")],
    in_kind: Annotated[Path | None, typer.Option(help="实物/服务捐赠表。")] = None,
) -> None:
    """导入捐赠（全部有效才写入；重复导入不会重复记账；基金关闭后拒收）。"""
    from services import fund

    settings = ready()
    with session_for(settings) as session:
        try:
            summary = fund.raise_fund(
                session,
                actor=clerk_for(),
                now=settings.now(),
                cycle_id=cycle,
                fund_name=name,
                donations=donations,
                in_kind=in_kind,
            )
        except fund.GiftsRejected as rejected:
            print_errors([str(e) for e in rejected.errors], "捐赠表")
            raise
    console.print(f"新增 {summary.added} 笔；现金合计 {summary.raised_fen / 100:,.2f} 元")


@app.command("donate")
def fund_donate(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    donor: Annotated[str, typer.Option(help="捐赠方名称。")],
    donor_type: Annotated[
        str, typer.Option("--type", help="机关事业单位 / 爱心企业 / 热心人士 / 其他。")
    ],
    amount: Annotated[str, typer.Option(help="金额（元），最多两位小数。")],
    day: Annotated[str, typer.Option("--date", help="捐赠日期，如 2026-04-08。")],
    domain: Annotated[str, typer.Option(help="限定领域（服务领域键，如 youth），可不填。")] = "",
    receipt: Annotated[str, typer.Option(help="收据编号；同一捐赠方同日同额的两笔靠它区分。")] = "",
) -> None:
    """登记一笔现金捐赠。"""
    from services import fund

    settings = ready()
    with session_for(settings) as session:
        try:
            summary = fund.donate(
                session,
                actor=clerk_for(),
                now=settings.now(),
                cycle_id=cycle,
                donor=donor,
                donor_type=donor_type,
                donated_on=day,
                amount_yuan=amount,
                restricted_domain=domain,
                receipt=receipt,
            )
        except fund.GiftsRejected as rejected:
            print_errors([str(e) for e in rejected.errors], "这笔捐赠")
            raise
    word = "已登记" if summary.added else "已登记过，未重复记账"
    console.print(f"{donor}：{word}；基金现金合计 {summary.raised_fen / 100:,.2f} 元")


@app.command("open")
def fund_open(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    name: Annotated[str, typer.Option(help="基金名称，如「××街道公益创投基金」。")],
    on: Annotated[
        str, typer.Option("--on", help="设立日期 YYYY-MM-DD（补录纸质材料时填写；默认今天）。")
    ] = "",
) -> None:
    """设立本周期的公益基金（每个周期一次），与门户「创投周期」页同一操作。"""
    from services import cycle_setup

    settings = ready()
    opened_on = parse_day(on) if on else None
    with session_for(settings) as session:
        fund_id = cycle_setup.set_up_fund(
            session,
            actor=clerk_for(),
            now=settings.now(),
            cycle_id=cycle,
            name=name,
            on=opened_on,
        )
    when = f"，设立日期 {opened_on}" if opened_on else ""
    console.print(f"公益基金「{escape(name.strip())}」已设立（编号 {fund_id}{when}）。")


@app.command("gift")
def fund_gift(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    donor: Annotated[str, typer.Option(help="捐赠方名称。")],
    donor_type: Annotated[
        str, typer.Option("--type", help="机关事业单位 / 爱心企业 / 热心人士 / 其他。")
    ],
    category: Annotated[str, typer.Option(help="类别：人力 / 技能 / 物资 / 场地。")],
    description: Annotated[str, typer.Option(help="说明，如「活动室每周六半天」。")],
    day: Annotated[str, typer.Option("--date", help="捐赠日期，如 2026-04-08。")],
    valuation: Annotated[str, typer.Option(help="估值（元），可不填；不计入现金。")] = "",
    receipt: Annotated[str, typer.Option(help="收据编号，可不填。")] = "",
) -> None:
    """登记一笔实物或服务捐赠（不计入基金现金），与门户「创投周期」页同一操作。"""
    from services import cycle_setup, fund

    settings = ready()
    with session_for(settings) as session:
        try:
            summary = cycle_setup.give_in_kind(
                session,
                actor=clerk_for(),
                now=settings.now(),
                cycle_id=cycle,
                donor=donor,
                donor_type=donor_type,
                donated_on=day,
                category=category,
                description=description,
                valuation_yuan=valuation,
                receipt=receipt,
            )
        except fund.GiftsRejected as rejected:
            print_errors([str(e) for e in rejected.errors], "这笔实物捐赠")
            raise
    word = "已登记" if summary.added else "已登记过，未重复登记"
    console.print(f"{escape(donor)}：{word}（{escape(category)}）")


@app.command("close")
def fund_close(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    user: Annotated[str, typer.Option(help="操作人。")],
    day: Annotated[str, typer.Option("--date", help="关闭日期，默认今天。")] = "",
) -> None:
    """关闭公益基金：此后拒收新的捐赠。"""
    from services import fund

    settings = ready()
    with session_for(settings) as session:
        fund.close_fund(
            session,
            actor=clerk_for(user),
            now=settings.now(),
            cycle_id=cycle,
            closed_on=parse_day(day) if day else None,
        )
    console.print("公益基金已关闭，不再接受捐赠。")


@app.command("show")
def fund_show(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    day: Annotated[str, typer.Option("--date", help="截至日期，默认今天。")] = "",
) -> None:
    """显示基金台账：截至某日的募集、承诺、拨付、退回、释放，及各资金池当前可用余额。"""
    from models.money import format_fen
    from services import fund
    from services.figures import money_as_of

    settings = ready()
    as_of = day_or_today(day, settings)
    with session_for(settings) as session:
        standing = fund.summarise_fund(session, cycle_id=cycle)
        money = money_as_of(session, cycle_id=cycle, as_of=as_of)
    console.print(
        f"{standing.name}（{'开放' if standing.is_open else '已关闭'}）："
        f"募集 {format_fen(money.raised_fen)} 元，承诺 {format_fen(money.committed_fen)}，"
        f"拨付 {format_fen(money.paid_fen)}，退回 {format_fen(money.refunded_fen)}，"
        f"释放 {format_fen(money.released_fen)}；持有现金 {format_fen(money.held_fen)}，"
        f"可承诺 {format_fen(money.available_fen)}，未拨付承诺 {format_fen(money.unpaid_fen)}"
        f"（截至 {as_of.isoformat()}，按台账发生日期）",
        highlight=False,
    )
    table = Table("资金池", "可承诺（元）", "持有现金（元）", title="各资金池（当前）")
    for pool in standing.pools:
        table.add_row(pool.name, format_fen(pool.available_fen), format_fen(pool.held_fen))
    console.print(table)
    for problem in standing.problems:
        console.print(f"[red]台账异常：{escape(problem)}[/]")


@app.command("statement")
def fund_statement(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    donor: Annotated[
        list[str] | None, typer.Option(help="只为这些捐赠方生成，可多次给出。")
    ] = None,
    day: Annotated[str, typer.Option("--date", help="截至日期，默认今天。")] = "",
) -> None:
    """生成捐赠资金去向说明（PDF，每位捐赠方一份）。"""
    settings = ready_for_flows()
    from flows.fund.donor_statement import donor_statement

    try:
        paths = donor_statement(cycle, day_or_today(day, settings), donor or [])
    except LookupError as exc:
        raise fail(str(exc)) from None
    for path in paths:
        console.print(path, highlight=False)
    console.print(f"共 {len(paths)} 份捐赠资金去向说明")


app.command("template")(fund_template)
