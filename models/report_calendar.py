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

Which days are due is one rule, `ProjectRun.due_days`, and every count of due,
on-time, late and missing reports reads it (the calendar, the heat map, the
monthly and final measures, the headline figures): a weekday of the project's
run that is not a day off (`models.compliance.due_days`), up to `last_due`, the
earlier of the project's end date and the day before it stopped. A project
stops on the business date its status changed (`Project.status_on`: terminated,
suspended, or completed at the close, else the close's date); that day itself
is not due, as the evening check never asks for it (`models.status.owed_reports_on`).
A report is late by `models.compliance.is_late`, read on when it reached the
office (`models.compliance.arrival`: the clerk's arrival time, else its first
entry).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol

from models.calendar import month_bounds
from models.compliance import ReportStamp, due_days, is_late
from models.status import ProjectStatus

FILED, LATE, MISSING, EXCUSED, PENDING, OFF = (
    "filed",
    "late",
    "missing",
    "excused",
    "pending",
    "off",
)


class RunRecord(Protocol):
    """What the rule reads of a stored project (`models.project.Project`)."""

    @property
    def starts_on(self) -> date: ...
    @property
    def ends_on(self) -> date: ...
    @property
    def status(self) -> str: ...
    @property
    def status_on(self) -> date | None: ...


@dataclass(frozen=True)
class ProjectRun:
    """What the due days need of a project: its run, its status and when that changed.

    `closed_on` is the date the cycle was closed (结项), if it was: a project
    completed at the close without its own date stopped on it.
    """

    starts_on: date
    ends_on: date
    status: str
    status_on: date | None = None
    closed_on: date | None = None

    @classmethod
    def of(cls, project: RunRecord, *, closed_on: date | None = None) -> ProjectRun:
        """The run of a stored project, in a cycle closed on `closed_on` (if it was)."""
        return cls(project.starts_on, project.ends_on, project.status, project.status_on, closed_on)

    @property
    def stopped_on(self) -> date | None:
        """The first day the project owes no report (not due itself); None while it runs.

        A project no longer running stopped on its status date, or, completed at the
        close without one, on the close's date. Completed without either, it ran its
        whole period. Terminated or suspended on a day nobody recorded, it owes nothing.
        """
        if self.status == ProjectStatus.ACTIVE:
            return None
        if self.status_on is not None:
            return self.status_on
        if self.status == ProjectStatus.COMPLETED:
            return self.closed_on
        return self.starts_on

    @property
    def last_due(self) -> date:
        """The last day a report is due: the end date, or the day before it stopped if earlier."""
        stopped = self.stopped_on
        if stopped is None:
            return self.ends_on
        return min(self.ends_on, stopped - timedelta(days=1))

    def due_days(self, first: date, last: date, *, off: Iterable[date] = ()) -> list[date]:
        """List the days in [first, last] a report is due; `off` holds the days off."""
        return due_days(first, last, starts_on=self.starts_on, ends_on=self.last_due, off=off)

    def is_due(self, day: date, *, off: Collection[date] = ()) -> bool:
        """Tell whether a report is due on `day`."""
        return bool(self.due_days(day, day, off=off))


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
    return set(run.due_days(first, last, off=holidays))


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
