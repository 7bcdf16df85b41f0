"""The selection committee's decision (评审委员会终审决定), kept with its reasons.

The flow stops at 终审 with a ranked list and a proposed allocation. The
committee accepts it, or adjusts it by excluding or including proposals,
each adjustment with a written reason. The decision is stored for the record
whatever channel delivered it (CLI, portal, Prefect UI).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from models.base import JSON_VALUE


class CommitteeDecision(SQLModel, table=True):
    """One committee decision on a call's ranked list."""

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    flow_run_id: str = Field(default="", max_length=64)
    requested_at: datetime
    decided_at: datetime | None = None
    # The business date the committee decided (--on); decided_at is the time of entry.
    decided_on: date | None = None
    decided_by: str = Field(default="", max_length=100)
    accepted: bool | None = None
    include: list[int] = Field(default_factory=list, sa_type=JSON_VALUE)
    exclude: list[int] = Field(default_factory=list, sa_type=JSON_VALUE)
    reasons: str = Field(default="", max_length=2000)


class DecisionError(ValueError):
    """A committee decision that is incomplete or contradicts itself."""


def check_adjustments(*, include: list[int], exclude: list[int], reasons: str) -> None:
    """Refuse adjustments without written reasons, or that include and exclude the same proposal."""
    both = sorted(set(include) & set(exclude))
    if both:
        raise DecisionError(f"同一申报书不能既纳入又排除：{both}")
    if (include or exclude) and not reasons.strip():
        raise DecisionError("调整排名须写明理由")
