"""Daily-report compliance: which days a report is due, and which are late or missing.

A project reports on each working day (Monday to Friday) between its start
and end, except the days off it is given: the call's public holidays (端午,
国庆…) and the days an officer excused for that project (`ExcusedDay`). A day
off is not due, so it is never missing nor late.

A report is on time when it arrives by 23:59 of its service day, local time,
and late when it arrives afterwards; a time without a zone is read as the
office's local time. It arrives when the office received it: the arrival time
a clerk gives for a paper form (`received_at`), else the time the first
version was entered (`first_submitted_at`), so a clerk typing in last week's
forms today does not make them late, and a later correction does not either.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol


class Stamped(Protocol):
    """What lateness needs of a stored report: its day and its two times."""

    @property
    def day(self) -> date: ...

    @property
    def first_submitted_at(self) -> datetime: ...

    @property
    def received_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class ReportStamp:
    """When the report for a service day was entered and, if a clerk gave it, received."""

    day: date
    submitted_at: datetime
    received_at: datetime | None = None

    @property
    def arrived_at(self) -> datetime:
        """The moment the report reached the office: the time received, else the time entered."""
        return self.received_at or self.submitted_at

    @classmethod
    def of(cls, report: Stamped) -> ReportStamp:
        """Stamp a stored report by its day, its first entry and its arrival."""
        return cls(report.day, report.first_submitted_at, report.received_at)


def arrival(report: Stamped) -> datetime:
    """Return when a stored report reached the office (received_at, else first_submitted_at)."""
    return report.received_at or report.first_submitted_at


@dataclass(frozen=True)
class Compliance:
    """Counts of due, submitted, late and missing daily reports."""

    expected: int
    submitted: int
    late: int
    missing_days: tuple[date, ...]

    @property
    def percent(self) -> int:
        """Share of due days with an on-time report, as a whole percent."""
        if not self.expected:
            return 100
        return round(100 * (self.submitted - self.late) / self.expected)


def is_due_day(day: date, *, off: Collection[date] = ()) -> bool:
    """Tell whether a report is due on `day`: a weekday that is not a day off."""
    return day.weekday() < 5 and day not in off


def due_days(
    first: date,
    last: date,
    *,
    starts_on: date,
    ends_on: date,
    off: Iterable[date] = (),
) -> list[date]:
    """List the due days in [first, last] within the project's run.

    `off` holds the days that are not due: the call's holidays and the
    project's excused days.
    """
    skipped = set(off)
    start, end = max(first, starts_on), min(last, ends_on)
    days = []
    day = start
    while day <= end:
        if is_due_day(day, off=skipped):
            days.append(day)
        day += timedelta(days=1)
    return days


def is_late(stamp: ReportStamp, *, tz: tzinfo) -> bool:
    """Tell whether a report arrived after its service day ended in `tz`."""
    moment = stamp.arrived_at
    local = moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
    return local.date() > stamp.day


def measure_compliance(
    due: Iterable[date], stamps: Iterable[ReportStamp], *, tz: tzinfo
) -> Compliance:
    """Compare the due days with the reports that arrived."""
    due_set = set(due)
    on_due = [s for s in stamps if s.day in due_set]
    seen = {s.day for s in on_due}
    return Compliance(
        expected=len(due_set),
        submitted=len(seen),
        late=sum(1 for s in on_due if is_late(s, tz=tz)),
        missing_days=tuple(sorted(due_set - seen)),
    )


MAX_EXCUSED_SPAN = 92
"""The most days (a quarter) one excuse may cover, so a typo in a year cannot excuse a run."""


class ExcuseError(ValueError):
    """A range of days that cannot be excused."""


def days_to_excuse(first: date, last: date, *, starts_on: date, ends_on: date) -> list[date]:
    """List the working days in [first, last] an excuse covers, or raise ExcuseError.

    Weekends are never due, so they are not stored; the range must lie within
    the project's run and hold at least one working day.
    """
    if last < first:
        raise ExcuseError(f"结束日期 {last} 早于开始日期 {first}")
    if (last - first).days + 1 > MAX_EXCUSED_SPAN:
        raise ExcuseError(f"一次最多免交 {MAX_EXCUSED_SPAN} 天，收到 {first} 至 {last}")
    if first < starts_on or last > ends_on:
        raise ExcuseError(f"{first} 至 {last} 超出项目执行期（{starts_on} 至 {ends_on}）")
    days = due_days(first, last, starts_on=starts_on, ends_on=ends_on)
    if not days:
        raise ExcuseError(f"{first} 至 {last} 没有工作日，无需免交")
    return days
