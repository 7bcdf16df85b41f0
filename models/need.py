"""A resident's need (居民需求), and what staff decided about it: corrections and splits.

Contact fields are personal data under PIPL: they are stored for follow-up
and never shown unmasked, nor put into a PDF. A need merged into a group
points at the group's lead (`duplicate_of_id`) and says why (`merge_reason`);
the lead carries the group's weight and domain.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import STATUS
from models.status import NeedStatus


class Need(SQLModel, table=True):
    """One need from a resident, with its source, community and target group."""

    __table_args__ = (UniqueConstraint("cycle_id", "fingerprint"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    text: str = Field(max_length=500)
    target_group: str = Field(default="", max_length=100)
    source: str = Field(default="", max_length=40)
    submitted_on: date
    contact_name: str = Field(default="", max_length=50)
    contact_phone: str = Field(default="", max_length=30)
    fingerprint: str = Field(max_length=64)
    status: str = Field(default=NeedStatus.NEW, sa_type=STATUS)
    # The business date of the last status change (classified, confirmed, merged); None
    # for a need recorded before dates were kept, read as its submission day.
    status_on: date | None = None
    domain_id: int | None = Field(default=None, foreign_key="domain.id", index=True)
    confidence: float | None = None
    weight: int = 1
    duplicate_of_id: int | None = Field(default=None, foreign_key="need.id")
    merge_reason: str = Field(default="", max_length=300)


class NeedCorrection(SQLModel, table=True):
    """A staff decision on a need's domain, kept as a training example for the next run.

    `text` is what the classifier read (the need's text and target group), so
    the correction teaches the same input next time, in any cycle.
    """

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    need_id: int = Field(foreign_key="need.id", index=True)
    text: str = Field(max_length=700)
    domain_key: str = Field(max_length=40)
    suggested_key: str = Field(default="", max_length=40)
    suggested_confidence: float | None = None
    actor: str = Field(max_length=100)
    made_at: datetime


class NeedSplit(SQLModel, table=True):
    """Staff said two needs are not the same: merging must keep them apart."""

    __table_args__ = (UniqueConstraint("need_id", "apart_from_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    need_id: int = Field(foreign_key="need.id", index=True)
    apart_from_id: int = Field(foreign_key="need.id")
    actor: str = Field(max_length=100)
    made_at: datetime
