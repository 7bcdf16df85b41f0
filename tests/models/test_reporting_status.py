"""Which projects owe daily reports: a running one; a stopped one only on days before it stopped.

The evening check asks a project for reports by `owed_reports_on`, read off the
one rule of due days (`models.report_calendar.ProjectRun`), so it never asks
for a day that the other counts leave out, nor leaves out one they count.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.report_calendar import ProjectRun
from models.status import ProjectStatus, asks_for_reports, owed_reports_on

STARTS, ENDS = date(2026, 6, 1), date(2026, 12, 31)
CLOSE = date(2026, 12, 10)


def run(status: str, status_on: date | None = None, closed_on: date | None = None) -> ProjectRun:
    return ProjectRun(STARTS, ENDS, status, status_on, closed_on)


def test_only_a_running_project_asks_for_reports() -> None:
    assert asks_for_reports(ProjectStatus.ACTIVE)
    assert not any(
        asks_for_reports(s)
        for s in (ProjectStatus.COMPLETED, ProjectStatus.TERMINATED, ProjectStatus.SUSPENDED)
    )


@pytest.mark.parametrize(
    ("project", "day", "owed"),
    [
        (run(ProjectStatus.ACTIVE), date(2026, 6, 1), True),
        (run(ProjectStatus.COMPLETED, closed_on=CLOSE), date(2026, 12, 9), True),  # day before
        (run(ProjectStatus.COMPLETED, closed_on=CLOSE), CLOSE, False),  # the close's own day
        (run(ProjectStatus.COMPLETED, closed_on=CLOSE), date(2026, 12, 11), False),
        (run(ProjectStatus.COMPLETED, CLOSE, None), date(2026, 12, 9), True),  # its own date
        (run(ProjectStatus.COMPLETED, date(2026, 12, 1), CLOSE), date(2026, 12, 2), False),
        # Completed with no date of its own nor a close: it ran its whole period.
        (run(ProjectStatus.COMPLETED), date(2026, 6, 1), True),
        (run(ProjectStatus.TERMINATED, date(2026, 8, 3)), date(2026, 8, 2), True),
        (run(ProjectStatus.TERMINATED, date(2026, 8, 3)), date(2026, 8, 3), False),
        (run(ProjectStatus.SUSPENDED, date(2026, 8, 3)), date(2026, 8, 10), False),
        # Stopped on a day nobody recorded: it owes nothing.
        (run(ProjectStatus.SUSPENDED), date(2026, 6, 1), False),
        (run(ProjectStatus.TERMINATED), date(2026, 6, 2), False),
    ],
)
def test_a_stopped_project_owes_reports_only_before_it_stopped(
    project: ProjectRun, day: date, owed: bool
) -> None:
    assert owed_reports_on(project, day) is owed


RUNS = [
    run(ProjectStatus.ACTIVE),
    run(ProjectStatus.COMPLETED),
    run(ProjectStatus.COMPLETED, closed_on=CLOSE),
    run(ProjectStatus.COMPLETED, date(2026, 9, 30), CLOSE),
    run(ProjectStatus.TERMINATED, date(2026, 6, 17)),
    run(ProjectStatus.TERMINATED),
    run(ProjectStatus.SUSPENDED, date(2026, 7, 4)),  # a Saturday
    run(ProjectStatus.SUSPENDED),
]


@pytest.mark.parametrize("project", RUNS)
def test_the_evening_check_asks_for_exactly_the_due_days_of_the_run(project: ProjectRun) -> None:
    # Every working day of the contract period: owed by the check iff due by the one rule.
    days = [STARTS + timedelta(n) for n in range((ENDS - STARTS).days + 1)]
    for day in (d for d in days if d.weekday() < 5):
        assert owed_reports_on(project, day) is project.is_due(day), day
