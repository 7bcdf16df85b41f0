"""An award (立项) with its contract terms, and the tranches (拨付批次) that pay it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import STATUS
from models.status import AwardStatus, TrancheStatus


class TrancheCondition(StrEnum):
    ON_SIGNING = "on_signing"
    MIDTERM_PASS = "midterm_pass"
    FINAL_PASS = "final_pass"


TRANCHE_CONDITION_LABELS = {
    TrancheCondition.ON_SIGNING: "签约后拨付",
    TrancheCondition.MIDTERM_PASS: "中期评估合格后拨付",
    TrancheCondition.FINAL_PASS: "结项评估合格后拨付",
}


class Award(SQLModel, table=True):
    """A funded proposal: its amount, its place in the ranking, its contract."""

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", unique=True)
    amount_fen: int
    rank: int
    decided_on: date
    status: str = Field(default=AwardStatus.AWARDED, sa_type=STATUS)
    contract_no: str = Field(default="", max_length=40)


class Tranche(SQLModel, table=True):
    """One payment of an award, released only when its condition holds."""

    __table_args__ = (UniqueConstraint("award_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", index=True)
    seq: int
    amount_fen: int
    condition: str = Field(sa_type=STATUS)
    status: str = Field(default=TrancheStatus.PLANNED, sa_type=STATUS)
    released_on: date | None = None
    withheld_on: date | None = None  # the business date a tranche was held back or refused
