"""Which projects owe daily reports: a running one; a closed one only on days before it closed."""

from __future__ import annotations

from datetime import date

import pytest

from models.status import ProjectStatus, asks_for_reports, owed_reports_on

CLOSE = date(2026, 12, 10)


def test_only_a_running_project_asks_for_reports() -> None:
    assert asks_for_reports(ProjectStatus.ACTIVE)
    assert not any(
        asks_for_reports(s)
        for s in (ProjectStatus.COMPLETED, ProjectStatus.TERMINATED, ProjectStatus.SUSPENDED)
    )


@pytest.mark.parametrize(
    ("status", "day", "closed_on", "owed"),
    [
        (ProjectStatus.ACTIVE, date(2026, 6, 1), None, True),
        (ProjectStatus.COMPLETED, date(2026, 12, 9), CLOSE, True),  # the day before the close
        (ProjectStatus.COMPLETED, CLOSE, CLOSE, False),  # the close's own day and after
        (ProjectStatus.COMPLETED, date(2026, 12, 11), CLOSE, False),
        (ProjectStatus.COMPLETED, date(2026, 6, 1), None, False),  # closed, date unknown
        (ProjectStatus.TERMINATED, date(2026, 6, 1), date(2026, 8, 3), True),  # before it ended
        (ProjectStatus.TERMINATED, date(2026, 8, 3), date(2026, 8, 3), False),
        (ProjectStatus.SUSPENDED, date(2026, 6, 1), None, False),
    ],
)
def test_a_closed_project_owes_reports_only_before_its_close(
    status: ProjectStatus, day: date, closed_on: date | None, owed: bool
) -> None:
    assert owed_reports_on(status, day, closed_on=closed_on) is owed
