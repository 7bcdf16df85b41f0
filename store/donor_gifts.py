"""A donor's gifts across the funds: what the donor's page reads of the ledger."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.fund import Donation, Fund


def list_donor_gifts(session: Session, *, donor_name: str) -> list[tuple[Donation, Fund]]:
    """Return every gift given under this donor name, with its fund, oldest first."""
    return list(
        session.exec(
            select(Donation, Fund)
            .join(Fund, col(Fund.id) == Donation.fund_id)
            .where(Donation.donor_name == donor_name)
            .order_by(col(Donation.donated_on), col(Donation.id))
        )
    )
