"""Flows `raise_fund`, `donate` and `close_fund`: gifts into the cycle's fund, and closing it.

Cash enters the ledger as one donation entry per gift, in the pool of the
domain the donor restricted it to (or the unrestricted pool). In-kind gifts
(people, skills, goods, venues) are kept with their description and optional
valuation and never enter the cash balance. Each gift has a key made from
its row (plus its receipt number, if any), so re-importing adds nothing; a
closed fund refuses every new gift and the whole batch with it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from prefect import flow

from flows.runtime import io_task, session_scope
from models.fund import (
    DONOR_TYPE_LABELS,
    IN_KIND_LABELS,
    Donation,
    FundClosedError,
    GiftKind,
    LedgerEntry,
    LedgerKind,
    check_fund_takes_gifts,
)
from models.ledger import sum_balance
from models.money import format_fen
from models.rows import Row, RowsRejected, read_all
from models.status import FUND_TRANSITIONS, FundStatus, Role, apply_transition
from store import cycles, fund, users
from store.spreadsheets import read_rows

DONATION_COLUMNS = ("捐赠方", "捐赠方类型", "捐赠日期", "金额（元）", "限定领域")
IN_KIND_COLUMNS = ("捐赠方", "捐赠方类型", "捐赠日期", "类别", "说明", "估值（元）")
IN_KIND_CATEGORIES = {label: key.value for key, label in IN_KIND_LABELS.items()}
DONOR_TYPES = {label: key.value for key, label in DONOR_TYPE_LABELS.items()}
RECEIPT = "收据编号"


@dataclass(frozen=True)
class FundSummary:
    """The fund after an import: cash raised by donor type, and in-kind gifts."""

    raised_fen: int = 0
    available_fen: int = 0
    by_donor_type: dict[str, int] = field(default_factory=dict)
    in_kind_gifts: int = 0
    added: int = 0
    errors: tuple[str, ...] = ()


def _key(row: Row) -> str:
    # The file name is left out, so the same gift typed into two files is one gift.
    raw = "|".join(f"{k}={v.strip()}" for k, v in sorted(row.values.items()) if v.strip())
    return hashlib.sha256(raw.encode()).hexdigest()[:64]


def read_cash(row: Row, domains: dict[str, int]) -> Donation:
    """Read one cash donation row."""
    restricted = row.text("限定领域", required=False, max_length=40)
    if restricted and restricted not in domains:
        known = "/".join(domains)
        raise row.error("限定领域", f"不是本周期的服务领域（{known}）：{restricted!r}")
    amount = row.fen("金额（元）")
    if not amount:
        raise row.error("金额（元）", "现金捐赠金额必须大于 0")
    return Donation(
        fund_id=0,
        donor_name=row.text("捐赠方", max_length=200),
        donor_type=row.choice("捐赠方类型", DONOR_TYPES),
        donated_on=row.day("捐赠日期"),
        kind=GiftKind.CASH,
        amount_fen=amount,
        restricted_domain_id=domains.get(restricted),
        source_key=_key(row),
    )


def read_in_kind(row: Row) -> Donation:
    """Read one in-kind gift row."""
    return Donation(
        fund_id=0,
        donor_name=row.text("捐赠方", max_length=200),
        donor_type=row.choice("捐赠方类型", DONOR_TYPES),
        donated_on=row.day("捐赠日期"),
        kind=GiftKind.IN_KIND,
        category=row.choice("类别", IN_KIND_CATEGORIES),
        description=row.text("说明", max_length=500),
        valuation_fen=row.fen("估值（元）", required=False),
        source_key=_key(row),
    )


@io_task
def read_gifts(cycle_id: int, donations_path: str, in_kind_path: str) -> list[Donation]:
    """Read and validate both gift files before anything is written."""
    domains = _domains(cycle_id)
    cash = read_all(
        read_rows(Path(donations_path), required=DONATION_COLUMNS),
        lambda row: read_cash(row, domains),
    )
    kind = []
    if in_kind_path:
        kind = read_all(read_rows(Path(in_kind_path), required=IN_KIND_COLUMNS), read_in_kind)
    return cash + kind


def _domains(cycle_id: int) -> dict[str, int]:
    with session_scope() as session:
        return {d.key: d.id for d in cycles.list_domains(session, cycle_id=cycle_id)}  # type: ignore[misc]


@io_task
def store_gifts(cycle_id: int, fund_name: str, gifts: list[Donation]) -> FundSummary:
    """Add the gifts and their ledger entries in one transaction; refuse all if the fund is closed."""
    with session_scope() as session:
        the_fund = fund.add_fund(session, cycle_id=cycle_id, name=fund_name)
        added = 0
        for gift in gifts:
            gift.fund_id = the_fund.id  # type: ignore[assignment]
            if not fund.has_donation(session, fund_id=the_fund.id, source_key=gift.source_key):  # type: ignore[arg-type]
                check_fund_takes_gifts(
                    name=the_fund.name, status=the_fund.status, closed_on=the_fund.closed_on
                )
            stored, is_new = fund.add_donation(session, gift)
            added += is_new
            if stored.kind == GiftKind.CASH:
                fund.add_ledger_entry(session, _donation_entry(stored))
        return _summary(session, the_fund.id, added)  # type: ignore[arg-type]


def _donation_entry(gift: Donation) -> LedgerEntry:
    return LedgerEntry(
        fund_id=gift.fund_id,
        kind=LedgerKind.DONATION,
        amount_fen=gift.amount_fen,
        occurred_on=gift.donated_on,
        domain_id=gift.restricted_domain_id,
        donation_id=gift.id,
        memo=f"{gift.donor_name} 捐赠",
        idempotency_key=f"donation:{gift.id}",
    )


def _summary(session, fund_id: int, added: int) -> FundSummary:  # type: ignore[no-untyped-def]
    donations = fund.list_donations(session, fund_id=fund_id)
    balance = sum_balance(fund.list_movements(session, fund_id=fund_id))
    by_type: dict[str, int] = {}
    for gift in donations:
        if gift.kind == GiftKind.CASH:
            label = DONOR_TYPE_LABELS[gift.donor_type]  # type: ignore[index]
            by_type[label] = by_type.get(label, 0) + gift.amount_fen
    in_kind = sum(1 for gift in donations if gift.kind == GiftKind.IN_KIND)
    return FundSummary(balance.raised_fen, balance.available_fen, by_type, in_kind, added)


@flow(name="raise_fund", log_prints=True)
def raise_fund(
    cycle_id: int, fund_name: str, donations_path: str, in_kind_path: str = ""
) -> FundSummary:
    """Record a batch of cash donations and in-kind gifts, all or nothing."""
    try:
        gifts = read_gifts(cycle_id, donations_path, in_kind_path)
        summary = store_gifts(cycle_id, fund_name, gifts)
    except RowsRejected as rejected:
        print(f"捐赠导入被拒绝：{rejected}")
        return FundSummary(errors=tuple(str(e) for e in rejected.errors))
    except FundClosedError as closed:
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
    values = dict(
        zip(
            DONATION_COLUMNS,
            (donor, donor_type, donated_on, amount_yuan, restricted_domain),
            strict=True,
        )
    )
    row = Row("命令行", 1, {**values, RECEIPT: receipt})
    try:
        gifts = read_all([row], lambda r: read_cash(r, _domains(cycle_id)))
        with session_scope() as session:
            name = fund.get_fund(session, cycle_id=cycle_id).name
        return store_gifts(cycle_id, name, gifts)
    except RowsRejected as rejected:
        return FundSummary(errors=tuple(str(e) for e in rejected.errors))
    except (FundClosedError, LookupError) as refused:
        return FundSummary(errors=(str(refused),))


@flow(name="close_fund", log_prints=True)
def close_fund(cycle_id: int, closed_on: date, user: str) -> str:
    """Close the cycle's fund to new gifts, logging who did it; return the fund's status."""
    with session_scope() as session:
        the_fund = fund.get_fund(session, cycle_id=cycle_id)
        if the_fund.status == FundStatus.CLOSED:
            return the_fund.status
        the_fund.status = apply_transition(
            FUND_TRANSITIONS, FundStatus(the_fund.status), FundStatus.CLOSED, role=Role.STAFF
        )
        the_fund.closed_on = closed_on
        fund.set_fund(session, the_fund)
        users.add_audit_event(
            session, actor=user, action="fund_close", subject_type="fund", subject_id=the_fund.id
        )
        print(f"公益基金「{the_fund.name}」已于 {closed_on} 关闭，不再接受捐赠")
        return the_fund.status
