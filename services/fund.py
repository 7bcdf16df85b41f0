"""The cycle's fund (公益基金): gifts into it, closing it, and how it stands.

Cash enters the ledger as one donation entry per gift, in the pool of the
domain the donor restricted it to (or the unrestricted pool). In-kind gifts
(people, skills, goods, venues) are kept with their description and optional
valuation and never enter the cash balance. Each gift has a key made from
its row (plus its receipt number, if any), so re-importing adds nothing; a
closed fund refuses every new gift and the whole batch with it. A batch of
gifts is checked whole before anything is written: a bad cell refuses it
(`GiftsRejected`, naming each row and field).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session

from models.fund import (
    DONOR_TYPE_LABELS,
    IN_KIND_LABELS,
    Donation,
    Fund,
    FundClosedError,
    GiftKind,
    LedgerEntry,
    LedgerKind,
    check_fund_takes_gifts,
)
from models.ledger import FundBalance, available_by_pool, check_ledger, held_by_pool, sum_balance
from models.rows import Row, RowError, RowsRejected, read_all
from models.status import FUND_TRANSITIONS, FundStatus, Role, TransitionError, apply_transition
from services import Actor, Forbidden, NotFound, Refused, audit
from store import cycles, fund
from store.database import unit_of_work
from store.spreadsheets import read_rows

DONATION_COLUMNS = ("捐赠方", "捐赠方类型", "捐赠日期", "金额（元）", "限定领域")
IN_KIND_COLUMNS = ("捐赠方", "捐赠方类型", "捐赠日期", "类别", "说明", "估值（元）")
IN_KIND_CATEGORIES = {label: key.value for key, label in IN_KIND_LABELS.items()}
DONOR_TYPES = {label: key.value for key, label in DONOR_TYPE_LABELS.items()}
RECEIPT = "收据编号"
COUNTER = "命令行"
UNRESTRICTED = "非限定"


class GiftsRejected(Refused, RowsRejected):
    """Gifts refused, naming each bad row and field; nothing of the batch was written."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        shown = "；".join(str(e) for e in errors[:3])
        more = f"（另有 {len(errors) - 3} 处）" if len(errors) > 3 else ""
        message = f"{len(errors)} 处错误，未写入任何数据：{shown}{more}"
        Exception.__init__(self, message)
        self.message = message
        self.errors = list(errors)


class FundClosed(Refused, FundClosedError):
    """A gift offered to a fund that no longer takes donations; nothing of the batch was written."""


@dataclass(frozen=True)
class FundSummary:
    """The fund after gifts were stored: cash raised by donor type, and in-kind gifts."""

    raised_fen: int = 0
    available_fen: int = 0
    by_donor_type: dict[str, int] = field(default_factory=dict)
    in_kind_gifts: int = 0
    added: int = 0
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class PoolLine:
    """One pool of the fund: a domain's restricted money, or the unrestricted pool."""

    name: str
    available_fen: int
    held_fen: int


@dataclass(frozen=True)
class FundStanding:
    """How the fund stands: its balance, each pool, and any rule the ledger breaks."""

    name: str
    is_open: bool
    balance: FundBalance
    pools: list[PoolLine]
    problems: list[str]


# --- reading gifts (checked whole before anything is written) ---


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
        donor_name=row.real_name("捐赠方"),
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
        donor_name=row.real_name("捐赠方"),
        donor_type=row.choice("捐赠方类型", DONOR_TYPES),
        donated_on=row.day("捐赠日期"),
        kind=GiftKind.IN_KIND,
        category=row.choice("类别", IN_KIND_CATEGORIES),
        description=row.text("说明", max_length=500),
        valuation_fen=row.fen("估值（元）", required=False),
        source_key=_key(row),
    )


def read_gifts(
    session: Session, *, cycle_id: int, donations: Path, in_kind: Path | None = None
) -> list[Donation]:
    """Read and check both gift files; a bad cell refuses them (`GiftsRejected`)."""
    domains = _domains(session, cycle_id)
    try:
        cash = read_all(
            read_rows(donations, required=DONATION_COLUMNS), lambda row: read_cash(row, domains)
        )
        kind = (
            read_all(read_rows(in_kind, required=IN_KIND_COLUMNS), read_in_kind)
            if in_kind is not None
            else []
        )
    except RowsRejected as rejected:
        raise GiftsRejected(rejected.errors) from None
    except RowError as error:
        raise GiftsRejected([error]) from None
    return cash + kind


def _domains(session: Session, cycle_id: int) -> dict[str, int]:
    return {d.key: d.id or 0 for d in cycles.list_domains(session, cycle_id=cycle_id)}


# --- storing gifts ---


def store_gifts(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    cycle_id: int,
    fund_name: str,
    gifts: Sequence[Donation],
) -> FundSummary:
    """Add a batch of checked gifts and their ledger entries, all or nothing.

    The fund is made on the first batch. A gift already stored adds nothing; a new
    gift to a closed fund refuses the whole batch (`FundClosed`).
    """
    with unit_of_work(session):
        the_fund = fund.add_fund(session, cycle_id=cycle_id, name=fund_name)
        added = _store(session, the_fund, gifts)
        summary = _summary(session, the_fund.id or 0, added)
    return summary


def raise_fund(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    cycle_id: int,
    fund_name: str,
    donations: Path,
    in_kind: Path | None = None,
) -> FundSummary:
    """Read, check and store a batch of cash donations and in-kind gifts, all or nothing."""
    gifts = read_gifts(session, cycle_id=cycle_id, donations=donations, in_kind=in_kind)
    return store_gifts(
        session, actor=actor, now=now, cycle_id=cycle_id, fund_name=fund_name, gifts=gifts
    )


def read_counter_gift(
    columns: Sequence[str],
    values: Sequence[str],
    *,
    receipt: str,
    reader: Callable[[Row], Donation],
) -> list[Donation]:
    """A gift typed at the counter, checked as one row of the gifts file with `reader`."""
    row = Row(COUNTER, 1, {**dict(zip(columns, values, strict=True)), RECEIPT: receipt})
    try:
        return read_all([row], reader)
    except RowsRejected as rejected:
        raise GiftsRejected(rejected.errors) from None


# Who may record a gift typed at the counter (the portal's cycle page, `gongyi fund donate`).
COUNTER_ROLES = frozenset({Role.STAFF, Role.ADMIN, Role.SYSTEM})


def donate(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    cycle_id: int,
    donor: str,
    donor_type: str,
    donated_on: str,
    amount_yuan: str,
    restricted_domain: str = "",
    receipt: str = "",
) -> FundSummary:
    """Record one cash donation typed at the counter, checked like a row of the file."""
    if actor.role not in COUNTER_ROLES:
        raise Forbidden("只有街道工作人员可以登记捐赠")
    domains = _domains(session, cycle_id)
    gifts = read_counter_gift(
        DONATION_COLUMNS,
        (donor, donor_type, donated_on, amount_yuan, restricted_domain),
        receipt=receipt,
        reader=lambda r: read_cash(r, domains),
    )
    the_fund = _fund(session, cycle_id)
    with unit_of_work(session):
        added = _store(session, the_fund, gifts)
        gift = gifts[0]
        audit.record(
            session,
            actor=actor,
            now=now,
            action="fund_donate",
            subject_type="fund",
            subject_id=the_fund.id,
            on=gift.donated_on,
            detail=f"{gift.donor_name} {amount_yuan} 元（{gift.donated_on.isoformat()}）"
            + ("" if added else "，已登记过"),
        )
        summary = _summary(session, the_fund.id or 0, added)
    return summary


def _store(session: Session, the_fund: Fund, gifts: Sequence[Donation]) -> int:
    added = 0
    for gift in gifts:
        gift.fund_id = the_fund.id or 0
        if not fund.has_donation(session, fund_id=gift.fund_id, source_key=gift.source_key):
            try:
                check_fund_takes_gifts(
                    name=the_fund.name, status=the_fund.status, closed_on=the_fund.closed_on
                )
            except FundClosedError as closed:
                raise FundClosed(str(closed)) from None
        stored, is_new = fund.add_donation(session, gift)
        added += is_new
        if stored.kind == GiftKind.CASH:
            fund.add_ledger_entry(session, _donation_entry(stored))
    return added


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


def _summary(session: Session, fund_id: int, added: int) -> FundSummary:
    donations = fund.list_donations(session, fund_id=fund_id)
    balance = sum_balance(fund.list_movements(session, fund_id=fund_id))
    by_type: dict[str, int] = {}
    for gift in donations:
        if gift.kind == GiftKind.CASH:
            label = DONOR_TYPE_LABELS[gift.donor_type]  # type: ignore[index]
            by_type[label] = by_type.get(label, 0) + gift.amount_fen
    in_kind = sum(1 for gift in donations if gift.kind == GiftKind.IN_KIND)
    return FundSummary(balance.raised_fen, balance.available_fen, by_type, in_kind, added)


def _fund(session: Session, cycle_id: int) -> Fund:
    try:
        return fund.get_fund(session, cycle_id=cycle_id)
    except LookupError as missing:
        raise NotFound(str(missing)) from None


# --- closing the fund ---


def close_fund(
    session: Session, *, actor: Actor, now: datetime, cycle_id: int, closed_on: date | None = None
) -> Fund:
    """Close the cycle's fund to new gifts (on `closed_on`, default today); logged.

    Staff close it once: a second close is refused, saying when it was closed.
    """
    if actor.role not in (Role.STAFF, Role.SYSTEM):
        raise Forbidden("只有街道工作人员可以关闭公益基金")
    the_fund = _fund(session, cycle_id)
    if the_fund.status == FundStatus.CLOSED:
        when = f"已于 {the_fund.closed_on.isoformat()} " if the_fund.closed_on else "已"
        raise Refused(f"公益基金「{the_fund.name}」{when}关闭，不必再关闭")
    try:
        status = apply_transition(
            FUND_TRANSITIONS, FundStatus(the_fund.status), FundStatus.CLOSED, role=Role.STAFF
        )
    except TransitionError as refused:
        raise Refused(str(refused)) from None
    with unit_of_work(session):
        the_fund.status = status
        the_fund.closed_on = closed_on or now.date()
        fund.set_fund(session, the_fund)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="fund_close",
            subject_type="fund",
            subject_id=the_fund.id,
            on=the_fund.closed_on,
        )
    return the_fund


# --- how the fund stands (`gongyi fund show`) ---


def summarise_fund(session: Session, *, cycle_id: int) -> FundStanding:
    """Sum the fund's ledger: raised, committed, paid, refunded, and what each pool has left."""
    the_fund = _fund(session, cycle_id)
    movements = fund.list_movements(session, fund_id=the_fund.id or 0)
    names = {d.id: d.name for d in cycles.list_domains(session, cycle_id=cycle_id)}
    held = held_by_pool(movements)
    pools = [
        PoolLine(names.get(pool, UNRESTRICTED) if pool else UNRESTRICTED, left, held.get(pool, 0))
        for pool, left in available_by_pool(movements).items()
    ]
    return FundStanding(
        name=the_fund.name,
        is_open=the_fund.status == FundStatus.OPEN,
        balance=sum_balance(movements),
        pools=pools,
        problems=list(check_ledger(movements)),
    )
