"""Daily-report compliance: which days a report is due, and which are late or missing.

A project reports on each working day (Monday to Friday) between its start
and end. Public holidays are not yet known to the rule, so a holiday counts
as due; staff can excuse it. A report is on time when it arrives by 23:59 of
its service day, local time, and late when it arrives afterwards; a time
without a zone is read as the office's local time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo


@dataclass(frozen=True)
class ReportStamp:
    """When the report for a service day was submitted."""

    day: date
    submitted_at: datetime


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


def due_days(first: date, last: date, *, starts_on: date, ends_on: date) -> list[date]:
    """List the working days in [first, last] that fall within the project's run."""
    start, end = max(first, starts_on), min(last, ends_on)
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def is_late(stamp: ReportStamp, *, tz: tzinfo) -> bool:
    """Tell whether a report arrived after its service day ended in `tz`."""
    moment = stamp.submitted_at
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
