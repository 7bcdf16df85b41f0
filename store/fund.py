"""Queries for the fund: donations, in-kind gifts and ledger entries.

Ledger entries carry an idempotency key, so a flow that runs twice adds
each movement once. Adding an entry locks the fund's row first and checks
the whole ledger against the fund's rules afterwards (`models.ledger.
check_ledger`): whoever writes a commitment, payment or refund, and however
many processes write at once, the fund never commits or pays money it does
not hold — a movement that would break a rule is taken back and refused.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from models.fund import Donation, Fund, LedgerEntry, LedgerKind
from models.ledger import FundError, Movement, check_ledger


def add_fund(session: Session, *, cycle_id: int, name: str) -> Fund:
    """Add the cycle's fund, or return the one already there."""
    found = session.exec(select(Fund).where(Fund.cycle_id == cycle_id)).first()
    if found:
        return found
    fund = Fund(cycle_id=cycle_id, name=name)
    session.add(fund)
    session.flush()
    return fund


def set_fund(session: Session, fund: Fund) -> None:
    """Store a fund whose status a rule changed."""
    session.add(fund)
    session.flush()


def get_fund(session: Session, *, cycle_id: int) -> Fund:
    """Return the cycle's fund, or raise LookupError."""
    fund = session.exec(select(Fund).where(Fund.cycle_id == cycle_id)).first()
    if fund is None:
        raise LookupError(f"创投周期 #{cycle_id} 还没有公益基金")
    return fund


def add_donation(session: Session, donation: Donation) -> tuple[Donation, bool]:
    """Add a donation unless one with its source key exists; say whether it was new."""
    found = session.exec(
        select(Donation).where(
            Donation.fund_id == donation.fund_id, Donation.source_key == donation.source_key
        )
    ).first()
    if found:
        return found, False
    session.add(donation)
    session.flush()
    return donation, True


def has_donation(session: Session, *, fund_id: int, source_key: str) -> bool:
    """Tell whether the fund already has the gift with that source key."""
    return (
        session.exec(
            select(Donation.id).where(
                Donation.fund_id == fund_id, Donation.source_key == source_key
            )
        ).first()
        is not None
    )


def list_donations(session: Session, *, fund_id: int) -> list[Donation]:
    """List a fund's donations, cash and in kind, by id."""
    return list(
        session.exec(select(Donation).where(Donation.fund_id == fund_id).order_by(col(Donation.id)))
    )


def add_ledger_entry(session: Session, entry: LedgerEntry) -> bool:
    """Add a ledger entry unless its idempotency key is taken; say whether it was new."""
    return add_ledger_entries(session, [entry]) == 1


def add_ledger_entries(session: Session, entries: list[LedgerEntry]) -> int:
    """Add the entries whose keys are new, then check the ledger once; return how many were added."""
    keys = [entry.idempotency_key for entry in entries]
    taken = set(
        session.exec(
            select(LedgerEntry.idempotency_key).where(col(LedgerEntry.idempotency_key).in_(keys))
        )
    )
    fresh = []
    for entry in entries:
        if entry.idempotency_key not in taken:
            taken.add(entry.idempotency_key)
            fresh.append(entry)
    for fund_id in sorted({e.fund_id for e in fresh}):
        lock_fund(session, fund_id=fund_id)
    session.add_all(fresh)
    session.flush()
    for fund_id in sorted({e.fund_id for e in fresh}):
        problems = check_ledger(list_movements(session, fund_id=fund_id))
        if problems:
            for entry in fresh:
                session.delete(entry)
            session.flush()
            what = "、".join(e.memo or e.kind for e in fresh if e.fund_id == fund_id)
            raise FundError(f"台账拒绝「{what}」：{'；'.join(problems)}")
    return len(fresh)


def find_tranche_release(session: Session, *, tranche_id: int) -> LedgerEntry | None:
    """Return the first release entry that freed a tranche's commitment, if there is one."""
    return session.exec(
        select(LedgerEntry)
        .where(LedgerEntry.tranche_id == tranche_id, LedgerEntry.kind == LedgerKind.RELEASE)
        .order_by(col(LedgerEntry.id))
    ).first()


def lock_fund(session: Session, *, fund_id: int) -> None:
    """Hold the fund's row until the transaction ends, so ledger writers take turns."""
    # A no-op UPDATE takes a row lock on PostgreSQL and the write lock on SQLite alike.
    session.exec(update(Fund).where(Fund.id == fund_id).values(status=Fund.status))  # type: ignore[arg-type]


def list_ledger_entries(session: Session, *, fund_id: int) -> list[LedgerEntry]:
    """List a fund's ledger in order of entry."""
    return list(
        session.exec(
            select(LedgerEntry).where(LedgerEntry.fund_id == fund_id).order_by(col(LedgerEntry.id))
        )
    )


def list_movements(session: Session, *, fund_id: int) -> list[Movement]:
    """Return the fund's ledger as the plain movements the rules read."""
    # Columns, not entities: every ledger write reads the whole ledger back to check it.
    rows = session.exec(
        select(
            LedgerEntry.kind, LedgerEntry.amount_fen, LedgerEntry.domain_id, LedgerEntry.award_id
        )
        .where(LedgerEntry.fund_id == fund_id)
        .order_by(col(LedgerEntry.id))
    )
    return [Movement(*row) for row in rows]
