"""Flow `raise_fund`: record cash donations and in-kind gifts in the cycle's fund.

Cash enters the ledger as one donation entry per gift, in the pool of the
domain the donor restricted it to (or the unrestricted pool). In-kind gifts
are kept with their description and valuation and never enter the cash
balance. Each gift has a key made from its row, so re-importing adds nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow

from flows.runtime import io_task, session_scope
from models.fund import DONOR_TYPE_LABELS, Donation, GiftKind, LedgerEntry, LedgerKind
from models.ledger import sum_balance
from models.money import format_fen
from models.rows import Row, RowsRejected, read_all
from store import cycles, fund
from store.spreadsheets import read_rows

DONATION_COLUMNS = ("捐赠方", "捐赠方类型", "捐赠日期", "金额（元）", "限定领域")
IN_KIND_COLUMNS = ("捐赠方", "捐赠方类型", "捐赠日期", "类别", "说明", "估值（元）")
IN_KIND_CATEGORIES = {name: name for name in ("人力", "技能", "物资", "场地")}
DONOR_TYPES = {label: key.value for key, label in DONOR_TYPE_LABELS.items()}


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
    raw = "|".join(f"{k}={v.strip()}" for k, v in sorted(row.values.items()))
    return hashlib.sha256(f"{row.file}|{raw}".encode()).hexdigest()[:64]


def _read_cash(row: Row, domains: dict[str, int]) -> Donation:
    restricted = row.text("限定领域", required=False, max_length=40)
    if restricted and restricted not in domains:
        raise row.error("限定领域", f"不是本周期的服务领域：{restricted!r}")
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


def _read_in_kind(row: Row) -> Donation:
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
    with session_scope() as session:
        domains = {d.key: d.id for d in cycles.list_domains(session, cycle_id=cycle_id)}
    cash = read_all(
        read_rows(Path(donations_path), required=DONATION_COLUMNS),
        lambda row: _read_cash(row, domains),  # type: ignore[arg-type]
    )
    kind = read_all(read_rows(Path(in_kind_path), required=IN_KIND_COLUMNS), _read_in_kind)
    return cash + kind


@io_task
def store_gifts(cycle_id: int, fund_name: str, gifts: list[Donation]) -> FundSummary:
    """Add the gifts and their ledger entries in one transaction."""
    with session_scope() as session:
        the_fund = fund.add_fund(session, cycle_id=cycle_id, name=fund_name)
        added = 0
        for gift in gifts:
            gift.fund_id = the_fund.id  # type: ignore[assignment]
            stored, is_new = fund.add_donation(session, gift)
            added += is_new
            if stored.kind == GiftKind.CASH:
                fund.add_ledger_entry(
                    session,
                    LedgerEntry(
                        fund_id=the_fund.id,
                        kind=LedgerKind.DONATION,  # type: ignore[arg-type]
                        amount_fen=stored.amount_fen,
                        occurred_on=stored.donated_on,
                        domain_id=stored.restricted_domain_id,
                        donation_id=stored.id,
                        memo=f"{stored.donor_name} 捐赠",
                        idempotency_key=f"donation:{stored.id}",
                    ),
                )
        donations = fund.list_donations(session, fund_id=the_fund.id)  # type: ignore[arg-type]
        balance = sum_balance(fund.list_movements(session, fund_id=the_fund.id))  # type: ignore[arg-type]
        by_type: dict[str, int] = {}
        for gift in donations:
            if gift.kind == GiftKind.CASH:
                label = DONOR_TYPE_LABELS[gift.donor_type]  # type: ignore[index]
                by_type[label] = by_type.get(label, 0) + gift.amount_fen
        in_kind = sum(1 for gift in donations if gift.kind == GiftKind.IN_KIND)
        return FundSummary(balance.raised_fen, balance.available_fen, by_type, in_kind, added)


@flow(name="raise_fund", log_prints=True)
def raise_fund(
    cycle_id: int, fund_name: str, donations_path: str, in_kind_path: str
) -> FundSummary:
    """Record a batch of cash donations and in-kind gifts, all or nothing."""
    try:
        gifts = read_gifts(cycle_id, donations_path, in_kind_path)
    except RowsRejected as rejected:
        print(f"捐赠导入被拒绝：{rejected}")
        return FundSummary(errors=tuple(str(e) for e in rejected.errors))
    summary = store_gifts(cycle_id, fund_name, gifts)
    print(
        f"{fund_name}：现金 {format_fen(summary.raised_fen)} 元，"
        f"可用 {format_fen(summary.available_fen)} 元，"
        f"实物/服务捐赠 {summary.in_kind_gifts} 项（本次新增 {summary.added} 笔）"
    )
    return summary
