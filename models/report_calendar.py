"""A project's daily-report calendar for one month: what each day's cell says.

Each day of the month is one cell:

- `filed`: the report arrived by the end of its service day (已报);
- `late`: it arrived afterwards (迟报);
- `missing`: the day was due, has passed, and no report came (缺报);
- `excused`: an officer excused the day (免报), whether or not a report came;
- `pending`: the day is due but has not ended yet (未到期);
- `off`: nothing is due (a weekend, a listed holiday, a day outside the
  project's run or after it stopped); a report filed anyway still shows as
  filed or late.

The due days are `models.compliance.due_days` with the call's holidays off,
less the days after the project stopped (`models.status.owed_reports_on`); a
report is late by `models.compliance.is_late`, read on when it reached the
office (`models.compliance.arrival`: the clerk's arrival time, else its first
entry).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from models.calendar import month_bounds
from models.compliance import ReportStamp, due_days, is_late
from models.status import owed_reports_on

FILED, LATE, MISSING, EXCUSED, PENDING, OFF = (
    "filed",
    "late",
    "missing",
    "excused",
    "pending",
    "off",
)


@dataclass(frozen=True)
class ProjectRun:
    """What the calendar needs of a project: its run, its status and when that changed."""

    starts_on: date
    ends_on: date
    status: str
    status_on: date | None = None


@dataclass(frozen=True)
class DayCell:
    """One day of the calendar: its state and, when one was filed, the current report's id."""

    day: date
    state: str
    report_id: int | None = None

    @property
    def weekday(self) -> int:
        return self.day.weekday()


def month_days(month: str) -> list[date]:
    """Every day of a month given as YYYY-MM (raises `PeriodError` for a bad month)."""
    first, last = month_bounds(month)
    return [first + timedelta(n) for n in range((last - first).days + 1)]


def owed_days(
    run: ProjectRun, first: date, last: date, *, holidays: Collection[date] = ()
) -> set[date]:
    """The days in [first, last] the project owed a report on."""
    return {
        day
        for day in due_days(first, last, starts_on=run.starts_on, ends_on=run.ends_on, off=holidays)
        if owed_reports_on(run.status, day, closed_on=run.status_on)
    }


def day_cells(
    run: ProjectRun,
    month: str,
    *,
    arrivals: Mapping[date, tuple[int, datetime]],
    excused: Collection[date],
    today: date,
    tz: tzinfo,
    holidays: Collection[date] = (),
) -> list[DayCell]:
    """Mark each day of the month; `arrivals` maps a day to (current report id, first arrival)."""
    days = month_days(month)
    owed = owed_days(run, days[0], days[-1], holidays=holidays)
    cells = []
    for day in days:
        report_id, arrived = arrivals.get(day, (None, None))
        if day in excused:
            state = EXCUSED
        elif arrived is not None:
            state = LATE if is_late(ReportStamp(day, arrived), tz=tz) else FILED
        elif day not in owed:
            state = OFF
        elif day >= today:
            state = PENDING
        else:
            state = MISSING
        cells.append(DayCell(day, state, report_id))
    return cells


def count_states(cells: Collection[DayCell]) -> dict[str, int]:
    """How many cells are in each state."""
    counts = dict.fromkeys((FILED, LATE, MISSING, EXCUSED, PENDING, OFF), 0)
    for cell in cells:
        counts[cell.state] += 1
    return counts
