"""Flows `raise_fund`, `donate` and `close_fund`: gifts into the cycle's fund, and closing it.

The rules (reading a gift, all or nothing, a closed fund refuses new gifts,
one close) are `services.fund`; these flows run them as tasks and turn a
refusal into the summary's errors, as the CLI and the demo read them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow

from flows.runtime import get_now, io_task, session_scope
from models.fund import Donation
from models.money import format_fen
from models.status import FundStatus, Role
from services import SYSTEM, Actor, ServiceError
from services import fund as fund_service
from services.fund import (
    DONATION_COLUMNS,
    IN_KIND_COLUMNS,
    RECEIPT,
    FundClosed,
    FundSummary,
    GiftsRejected,
    read_cash,
    read_in_kind,
)

__all__ = [
    "DONATION_COLUMNS",
    "IN_KIND_COLUMNS",
    "RECEIPT",
    "FundSummary",
    "close_fund",
    "donate",
    "raise_fund",
    "read_cash",
    "read_gifts",
    "read_in_kind",
    "store_gifts",
]


def _staff(user: str) -> Actor:
    return Actor(login=user, name=user, role=Role.STAFF)


@io_task
def read_gifts(cycle_id: int, donations_path: str, in_kind_path: str) -> list[Donation]:
    """Read and validate both gift files before anything is written."""
    with session_scope() as session:
        return fund_service.read_gifts(
            session,
            cycle_id=cycle_id,
            donations=Path(donations_path),
            in_kind=Path(in_kind_path) if in_kind_path else None,
        )


@io_task
def store_gifts(cycle_id: int, fund_name: str, gifts: list[Donation]) -> FundSummary:
    """Add the gifts and their ledger entries in one transaction; refuse all if the fund is closed."""
    with session_scope() as session:
        return fund_service.store_gifts(
            session,
            actor=SYSTEM,
            now=get_now(),
            cycle_id=cycle_id,
            fund_name=fund_name,
            gifts=gifts,
        )


@flow(name="raise_fund", log_prints=True)
def raise_fund(
    cycle_id: int, fund_name: str, donations_path: str, in_kind_path: str = ""
) -> FundSummary:
    """Record a batch of cash donations and in-kind gifts, all or nothing."""
    try:
        gifts = read_gifts(cycle_id, donations_path, in_kind_path)
        summary = store_gifts(cycle_id, fund_name, gifts)
    except GiftsRejected as rejected:
        print(f"捐赠导入被拒绝：{rejected}")
        return FundSummary(errors=tuple(str(e) for e in rejected.errors))
    except FundClosed as closed:
        print(f"捐赠导入被拒绝：{closed}")
        return FundSummary(errors=(str(closed),))
    print(
        f"{fund_name}：现金 {format_fen(summary.raised_fen)} 元，"
        f"可用 {format_fen(summary.available_fen)} 元，"
        f"实物/服务捐赠 {summary.in_kind_gifts} 项（本次新增 {summary.added} 笔）"
    )
    return summary


@flow(name="donate", log_prints=True)
def donate(
    cycle_id: int,
    donor: str,
    donor_type: str,
    donated_on: str,
    amount_yuan: str,
    restricted_domain: str = "",
    receipt: str = "",
) -> FundSummary:
    """Record one cash donation typed at the counter, checked like a row of the file."""
    try:
        with session_scope() as session:
            return fund_service.donate(
                session,
                actor=SYSTEM,
                now=get_now(),
                cycle_id=cycle_id,
                donor=donor,
                donor_type=donor_type,
                donated_on=donated_on,
                amount_yuan=amount_yuan,
                restricted_domain=restricted_domain,
                receipt=receipt,
            )
    except GiftsRejected as rejected:
        return FundSummary(errors=tuple(str(e) for e in rejected.errors))
    except ServiceError as refused:
        return FundSummary(errors=(refused.message,))


@flow(name="close_fund", log_prints=True)
def close_fund(cycle_id: int, closed_on: date, user: str) -> str:
    """Close the cycle's fund to new gifts, logging who did it; return the fund's status."""
    with session_scope() as session:
        the_fund = fund_service.close_fund(
            session, actor=_staff(user), now=get_now(), cycle_id=cycle_id, closed_on=closed_on
        )
    print(f"公益基金「{the_fund.name}」已于 {closed_on} 关闭，不再接受捐赠")
    return FundStatus(the_fund.status)
