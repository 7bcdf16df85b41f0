"""People who act in gongyi, and the audit trail of what they did and saw."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import STATUS


class User(SQLModel, table=True):
    """A staff member, agency worker, evaluator, resident or donor."""

    __table_args__ = (UniqueConstraint("name", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    role: str = Field(sa_type=STATUS)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")


class AuditEvent(SQLModel, table=True):
    """One logged action, including every view of personal data."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    actor: str = Field(max_length=100)
    action: str = Field(max_length=60)
    subject_type: str = Field(max_length=40)
    subject_id: int | None = None
    detail: str = Field(default="", max_length=1000)
    # Where the action came from: the client address for the portal, empty for the CLI and flows.
    ip: str = Field(default="", max_length=45)
    # The business date of a dated act (`--on`, the form's 日期), beside `at`, the time of entry.
    business_on: date | None = None
