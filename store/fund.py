"""Queries for the fund: donations, in-kind gifts and ledger entries.

Ledger entries carry an idempotency key, so a flow that runs twice adds
each movement once.
"""

from __future__ import annotations

from sqlmodel import Session, select

from models.fund import Donation, Fund, LedgerEntry
from models.ledger import Movement


def add_fund(session: Session, *, cycle_id: int, name: str) -> Fund:
    """Add the cycle's fund, or return the one already there."""
    found = session.exec(select(Fund).where(Fund.cycle_id == cycle_id)).first()
    if found:
        return found
    fund = Fund(cycle_id=cycle_id, name=name)
    session.add(fund)
    session.flush()
    return fund


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


def list_donations(session: Session, *, fund_id: int) -> list[Donation]:
    """List a fund's donations, cash and in kind, by id."""
    return list(
        session.exec(select(Donation).where(Donation.fund_id == fund_id).order_by(Donation.id))
    )


def add_ledger_entry(session: Session, entry: LedgerEntry) -> bool:
    """Add a ledger entry unless its idempotency key is taken; say whether it was new."""
    found = session.exec(
        select(LedgerEntry.id).where(LedgerEntry.idempotency_key == entry.idempotency_key)
    ).first()
    if found:
        return False
    session.add(entry)
    session.flush()
    return True


def list_ledger_entries(session: Session, *, fund_id: int) -> list[LedgerEntry]:
    """List a fund's ledger in order of entry."""
    return list(
        session.exec(
            select(LedgerEntry).where(LedgerEntry.fund_id == fund_id).order_by(LedgerEntry.id)
        )
    )


def list_movements(session: Session, *, fund_id: int) -> list[Movement]:
    """Return the fund's ledger as the plain movements the rules read."""
    return [
        Movement(entry.kind, entry.amount_fen, entry.domain_id)
        for entry in list_ledger_entries(session, fund_id=fund_id)
    ]
