"""`gongyi selection object | resolve | conclude`: the 公示 — objections, then signing.

Registered on the `gongyi selection` group by `cli.selection`. Objections are taken and
resolved by `services.objections` (the same as the portal's 公示 page); concluding runs
the `conclude_publicity` flow (also offered on the portal's 运行流程 page).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from cli.common import clerk_for, console, day_or_today, fail, ready, ready_for_flows, session_for

OnOption = Annotated[
    str, typer.Option("--on", help="业务日期 YYYY-MM-DD（补录纸质材料时填写；默认今天）。")
]


def selection_conclude(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    start: Annotated[str, typer.Option(help="项目开始日期 YYYY-MM-DD。")],
    on: OnOption = "",
) -> None:
    """公示期满后：候补递补、签订资助协议、拨付首期资金并生成协议 PDF（签约日期为 --on）。"""
    settings = ready_for_flows()
    today = day_or_today(on, settings)
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


def selection_object(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    proposal: Annotated[int, typer.Option(help="被提出异议的申报书编号。")],
    by: Annotated[str, typer.Option(help="异议人姓名。")],
    text: Annotated[str, typer.Option(help="异议的事实和理由。")],
    day: Annotated[str | None, typer.Option(help="收到日期 YYYY-MM-DD（默认今天）。")] = None,
    contact: Annotated[str, typer.Option(help="异议人联系方式（仅街道可见）。")] = "",
) -> None:
    """在公示期内登记一件书面异议。"""
    settings = ready()
    received = day_or_today(day or "", settings)
    from services.objections import lodge_objection

    with session_for(settings) as session:
        objection_id = lodge_objection(
            session,
            actor=clerk_for(),
            now=settings.now(),
            call_id=call,
            proposal_id=proposal,
            submitter=by,
            contact=contact,
            text=text,
            on=received,
        )
    console.print(f"异议已登记，编号 {objection_id}。")


def selection_resolve(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    objection: Annotated[int, typer.Option(help="异议编号。")],
    by: Annotated[str, typer.Option(help="处理人。")],
    reason: Annotated[str, typer.Option(help="处理理由。")],
    uphold: Annotated[bool, typer.Option("--uphold/--dismiss", help="异议成立 / 不成立。")] = False,
    on: OnOption = "",
) -> None:
    """处理异议：成立则撤销该项目的立项，结束公示时由候补项目递补。"""
    settings = ready()
    day = day_or_today(on, settings)
    from services.objections import resolve_objection

    with session_for(settings) as session:
        outcome = resolve_objection(
            session,
            actor=clerk_for(by),
            now=settings.now(),
            call_id=call,
            objection_id=objection,
            uphold=uphold,
            reason=reason,
            on=day,
        )
    console.print(f"异议 {objection} 已处理：{'成立' if outcome == 'upheld' else '不成立'}。")
