"""`gongyi fund …`: the public-benefit fund — gifts, its ledger, donor statements."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cli.common import (
    console,
    day_or_today,
    fail,
    print_errors,
    ready,
    ready_for_flows,
    session_for,
)

app = typer.Typer(help="公益基金：捐赠、台账与捐赠资金去向说明。", no_args_is_help=True)


@app.command("import")
def fund_import(
    donations: Annotated[Path, typer.Argument(help="现金捐赠表（CSV 或 XLSX）。")],
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    name: Annotated[str, typer.Option(help="公益基金名称。")],
    in_kind: Annotated[Path | None, typer.Option(help="实物/服务捐赠表。")] = None,
) -> None:
    """导入捐赠（全部有效才写入；重复导入不会重复记账；基金关闭后拒收）。"""
    ready_for_flows()
    from flows.fund.raise_fund import raise_fund

    summary = raise_fund(cycle, name, str(donations), str(in_kind or ""))
    print_errors(summary.errors, "捐赠表")
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
    ready_for_flows()
    from flows.fund.raise_fund import donate

    summary = donate(cycle, donor, donor_type, day, amount, domain, receipt)
    print_errors(summary.errors, "这笔捐赠")
    word = "已登记" if summary.added else "已登记过，未重复记账"
    console.print(f"{donor}：{word}；基金现金合计 {summary.raised_fen / 100:,.2f} 元")


@app.command("close")
def fund_close(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    user: Annotated[str, typer.Option(help="操作人。")],
    day: Annotated[str, typer.Option("--date", help="关闭日期，默认今天。")] = "",
) -> None:
    """关闭公益基金：此后拒收新的捐赠。"""
    settings = ready_for_flows()
    from flows.fund.raise_fund import close_fund

    try:
        close_fund(cycle, day_or_today(day, settings), user)
    except (LookupError, ValueError) as exc:
        raise fail(str(exc)) from None
    console.print("公益基金已关闭，不再接受捐赠。")


@app.command("show")
def fund_show(cycle: Annotated[int, typer.Option(help="创投周期编号。")]) -> None:
    """显示基金台账余额：募集、承诺、拨付、退回，及各资金池可用余额。"""
    from models.ledger import available_by_pool, check_ledger, held_by_pool, sum_balance
    from models.money import format_fen
    from store import cycles, fund

    with session_for(ready()) as session:
        try:
            the_fund = fund.get_fund(session, cycle_id=cycle)
        except LookupError as exc:
            raise fail(str(exc)) from None
        movements = fund.list_movements(session, fund_id=the_fund.id)  # type: ignore[arg-type]
        names = {d.id: d.name for d in cycles.list_domains(session, cycle_id=cycle)}
    balance = sum_balance(movements)
    console.print(
        f"{the_fund.name}（{'开放' if the_fund.status == 'open' else '已关闭'}）：募集 {format_fen(balance.raised_fen)} 元，"
        f"承诺 {format_fen(balance.committed_fen)}，拨付 {format_fen(balance.paid_fen)}，"
        f"退回 {format_fen(balance.refunded_fen)}；持有现金 {format_fen(balance.held_fen)}，可承诺 {format_fen(balance.available_fen)}"
    )
    table = Table("资金池", "可承诺（元）", "持有现金（元）")
    held = held_by_pool(movements)
    for pool, left in available_by_pool(movements).items():
        table.add_row(
            names.get(pool, "非限定") if pool else "非限定",
            format_fen(left),
            format_fen(held.get(pool, 0)),
        )  # type: ignore[arg-type]
    console.print(table)
    for problem in check_ledger(movements):
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
