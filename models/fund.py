"""The public-benefit fund (公益基金): donations and the ledger of every movement.

Balances are never stored: they are summed from `LedgerEntry` rows. Cash is
in fen; an in-kind gift keeps its description and optional valuation apart
from cash and never enters the cash balance.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import STATUS
from models.status import FundStatus


class DonorType(StrEnum):
    INSTITUTION = "institution"
    COMPANY = "company"
    INDIVIDUAL = "individual"
    OTHER = "other"


DONOR_TYPE_LABELS = {
    DonorType.INSTITUTION: "机关事业单位",
    DonorType.COMPANY: "爱心企业",
    DonorType.INDIVIDUAL: "热心人士",
    DonorType.OTHER: "其他",
}


class GiftKind(StrEnum):
    CASH = "cash"
    IN_KIND = "in_kind"


class InKindCategory(StrEnum):
    PEOPLE = "people"
    SKILLS = "skills"
    GOODS = "goods"
    VENUE = "venue"


IN_KIND_LABELS = {
    InKindCategory.PEOPLE: "人力",
    InKindCategory.SKILLS: "技能",
    InKindCategory.GOODS: "物资",
    InKindCategory.VENUE: "场地",
}


class LedgerKind(StrEnum):
    DONATION = "donation"
    COMMITMENT = "commitment"
    PAYMENT = "payment"
    REFUND = "refund"
    RELEASE = "release"


class Fund(SQLModel, table=True):
    """The money pool of one cycle."""

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", unique=True)
    name: str = Field(max_length=200)
    status: str = Field(default=FundStatus.OPEN, sa_type=STATUS)
    closed_on: date | None = None


class Donation(SQLModel, table=True):
    """One gift to the fund, in cash or in kind."""

    __table_args__ = (UniqueConstraint("fund_id", "source_key"),)

    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id", index=True)
    donor_name: str = Field(max_length=200)
    donor_type: str = Field(sa_type=STATUS)
    donated_on: date
    kind: str = Field(default=GiftKind.CASH, sa_type=STATUS)
    amount_fen: int = 0
    category: str = Field(default="", max_length=20)
    description: str = Field(default="", max_length=500)
    valuation_fen: int | None = None
    restricted_domain_id: int | None = Field(default=None, foreign_key="domain.id")
    source_key: str = Field(max_length=64)


class LedgerEntry(SQLModel, table=True):
    """One movement of the fund: a donation in, a commitment, a payment, a refund or a release.

    A release frees the unpaid part of an award's commitment (a tranche refused
    or never decided by the close); it moves no cash. The commitment itself is
    never edited or deleted.
    """

    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id", index=True)
    kind: str = Field(sa_type=STATUS)
    amount_fen: int
    occurred_on: date
    domain_id: int | None = Field(default=None, foreign_key="domain.id")
    donation_id: int | None = Field(default=None, foreign_key="donation.id")
    award_id: int | None = Field(default=None, foreign_key="award.id")
    tranche_id: int | None = Field(default=None, foreign_key="tranche.id")
    memo: str = Field(default="", max_length=200)
    idempotency_key: str = Field(max_length=100, unique=True)


class FundClosedError(ValueError):
    """A gift offered to a fund that no longer takes donations."""


def check_fund_takes_gifts(*, name: str, status: str, closed_on: date | None) -> None:
    """Raise FundClosedError unless the fund is open."""
    if status != FundStatus.OPEN:
        when = f"已于 {closed_on.isoformat()} " if closed_on else "已"
        raise FundClosedError(f"公益基金「{name}」{when}关闭，不再接受捐赠")
