"""The one rule of due days: they end at the earlier of the end date and the day before the stop."""

from __future__ import annotations

from datetime import date

import pytest

from models.report_calendar import ProjectRun
from models.status import ProjectStatus

JUNE_1, JUNE_30 = date(2026, 6, 1), date(2026, 6, 30)
TERMINATED_ON = date(2026, 6, 17)  # a Wednesday


def run(status: str, status_on: date | None = None, **kwargs: date) -> ProjectRun:
    return ProjectRun(JUNE_1, date(2026, 11, 30), status, status_on, **kwargs)


def test_a_running_project_is_due_every_working_day_up_to_its_end_date() -> None:
    active = run(ProjectStatus.ACTIVE)
    assert active.stopped_on is None
    assert active.last_due == date(2026, 11, 30)
    assert len(active.due_days(JUNE_1, JUNE_30)) == 22


def test_a_project_terminated_mid_month_is_due_only_on_the_days_before_its_termination() -> None:
    stopped = run(ProjectStatus.TERMINATED, TERMINATED_ON)
    days = stopped.due_days(JUNE_1, JUNE_30)
    assert stopped.last_due == date(2026, 6, 16)
    assert days[-1] == date(2026, 6, 16)
    assert len(days) == 12  # June 1..16: twelve weekdays
    assert not stopped.is_due(TERMINATED_ON)  # the termination day itself is not due
    assert stopped.due_days(date(2026, 7, 1), date(2026, 7, 31)) == []


def test_a_stop_after_the_end_date_leaves_the_end_date_as_the_last_due_day() -> None:
    late_close = ProjectRun(JUNE_1, JUNE_30, ProjectStatus.COMPLETED, date(2026, 7, 15))
    assert late_close.last_due == JUNE_30


@pytest.mark.parametrize(
    ("status", "status_on", "closed_on", "last_due"),
    [
        (ProjectStatus.SUSPENDED, date(2026, 6, 8), None, date(2026, 6, 7)),
        (ProjectStatus.COMPLETED, date(2026, 6, 10), date(2026, 6, 20), date(2026, 6, 9)),
        (ProjectStatus.COMPLETED, None, date(2026, 6, 20), date(2026, 6, 19)),  # the close's date
        (ProjectStatus.COMPLETED, None, None, date(2026, 11, 30)),  # ran its whole period
        (ProjectStatus.TERMINATED, None, None, date(2026, 5, 31)),  # stop unknown: owes nothing
    ],
)
def test_a_stopped_project_stops_on_its_own_date_else_the_close_else_as_the_status_says(
    status: str, status_on: date | None, closed_on: date | None, last_due: date
) -> None:
    assert run(status, status_on, closed_on=closed_on).last_due == last_due


def test_days_off_are_not_due_within_the_run() -> None:
    stopped = run(ProjectStatus.TERMINATED, TERMINATED_ON)
    assert date(2026, 6, 10) not in stopped.due_days(JUNE_1, JUNE_30, off={date(2026, 6, 10)})


def test_the_run_of_a_stored_project_carries_its_status_date() -> None:
    class Stored:
        starts_on, ends_on = JUNE_1, date(2026, 11, 30)
        status, status_on = ProjectStatus.TERMINATED, TERMINATED_ON

    assert ProjectRun.of(Stored(), closed_on=JUNE_30) == run(
        ProjectStatus.TERMINATED, TERMINATED_ON, closed_on=JUNE_30
    )
