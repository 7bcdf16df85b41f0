"""A resident's need (居民需求): what was asked, where, by whom, and its domain.

Contact fields are personal data under PIPL: they are stored for follow-up
and never shown unmasked, nor put into a PDF.
"""

from __future__ import annotations

from datetime import date

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
    domain_id: int | None = Field(default=None, foreign_key="domain.id", index=True)
    confidence: float | None = None
    weight: int = 1
    duplicate_of_id: int | None = Field(default=None, foreign_key="need.id")
    merge_reason: str = Field(default="", max_length=200)
