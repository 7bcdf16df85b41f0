"""公示 (public notice): the objection window in working days, and objections.

The window runs for N working days after the notice is published — or from
the day it is published, when the call's rules say the first day counts —:
weekends do not count, nor do the public holidays the office lists (configurable, as
the State Council publishes them each year). An objection is taken while the
window is open; afterwards it is refused. Each objection is resolved as
upheld — the award is withdrawn and its money allocated again — or dismissed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.base import STATUS
from models.status import Role, Transitions


class ObjectionStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


OBJECTION_TRANSITIONS: Transitions = {
    (ObjectionStatus.OPEN, ObjectionStatus.UPHELD): frozenset({Role.STAFF}),
    (ObjectionStatus.OPEN, ObjectionStatus.DISMISSED): frozenset({Role.STAFF}),
}


class PublicityError(ValueError):
    """An objection or notice that the window does not allow."""


class Objection(SQLModel, table=True):
    """A written objection to a proposal on the public notice (公示异议)."""

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    submitted_on: date
    submitter: str = Field(max_length=100)
    text: str = Field(max_length=2000)
    status: str = Field(default=ObjectionStatus.OPEN, sa_type=STATUS)
    resolution: str = Field(default="", max_length=1000)
    resolved_at: datetime | None = None
    # The business date it was resolved (--on); resolved_at is the time of entry.
    resolved_on: date | None = None


def is_working_day(day: date, *, holidays: Iterable[date] = ()) -> bool:
    """Tell whether a day is a working day (Monday–Friday and not a listed holiday)."""
    return day.weekday() < 5 and day not in set(holidays)


def window_end(
    published_on: date,
    working_days: int,
    *,
    holidays: Iterable[date] = (),
    first_day_counts: bool = False,
) -> date:
    """Return the last day of an objection window of `working_days` working days.

    By default counting starts the day after publication. When the first day
    counts (`first_day_counts`), a notice published on a working day has that
    day as day 1; one published on a weekend or holiday starts on the next
    working day either way.
    """
    if working_days < 1:
        raise PublicityError("公示期至少 1 个工作日")
    off = set(holidays)
    day = window_start(published_on, holidays=off, first_day_counts=first_day_counts)
    counted = 1
    while counted < working_days:
        day += timedelta(days=1)
        if is_working_day(day, holidays=off):
            counted += 1
    return day


def window_start(
    published_on: date, *, holidays: Iterable[date] = (), first_day_counts: bool = False
) -> date:
    """Return the first working day the objection window counts."""
    off = set(holidays)
    day = published_on if first_day_counts else published_on + timedelta(days=1)
    while not is_working_day(day, holidays=off):
        day += timedelta(days=1)
    return day


def window_first_day(
    published_on: date, ends_on: date, working_days: int, *, holidays: Iterable[date] = ()
) -> date:
    """The first working day of a stored window: `working_days` counted back from `ends_on`.

    A notice prints its window from this day to `ends_on`, so the range it
    prints holds exactly the working days it claims, however the end was
    counted; it never starts before the notice was published.
    """
    off = set(holidays)
    day, counted = ends_on, 0
    while day > published_on:
        if is_working_day(day, holidays=off):
            counted += 1
            if counted == working_days:
                return day
        day -= timedelta(days=1)
    return published_on


def count_working_days(first: date, last: date, *, holidays: Iterable[date] = ()) -> int:
    """Count the working days from `first` to `last`, both included (0 if `last` is earlier)."""
    off = set(holidays)
    return sum(
        1
        for offset in range((last - first).days + 1)
        if is_working_day(first + timedelta(days=offset), holidays=off)
    )


def check_objection_date(submitted_on: date, *, published_on: date, ends_on: date) -> None:
    """Refuse an objection made before the notice or after its window closed."""
    if submitted_on < published_on:
        raise PublicityError(f"公示于 {published_on} 发布，异议日期 {submitted_on} 早于公示")
    if submitted_on > ends_on:
        raise PublicityError(f"公示期已于 {ends_on} 结束，不再受理异议（收到日期 {submitted_on}）")


class PublicNotice(SQLModel, table=True):
    """The 公示 of a call's funded proposals and its objection window."""

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", unique=True)
    published_on: date
    ends_on: date
    concluded_on: date | None = None
