"""The daily-report calendar: each day of a month is filed, late, missing, excused, pending or off."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from models.calendar import PeriodError
from models.report_calendar import ProjectRun, count_states, day_cells

SHANGHAI = ZoneInfo("Asia/Shanghai")
RUN = ProjectRun(date(2026, 6, 1), date(2026, 11, 30), "active")


def states(run: ProjectRun = RUN, **kwargs: object) -> dict[date, str]:
    options = {"arrivals": {}, "excused": (), "today": date(2026, 6, 10), "tz": SHANGHAI} | kwargs
    return {c.day: c.state for c in day_cells(run, "2026-06", **options)}  # type: ignore[arg-type]


def test_a_report_that_arrived_on_its_day_is_filed_and_one_the_next_morning_late() -> None:
    found = states(
        arrivals={
            date(2026, 6, 1): (7, datetime(2026, 6, 1, 23, 50, tzinfo=SHANGHAI)),
            date(2026, 6, 2): (8, datetime(2026, 6, 3, 0, 10, tzinfo=SHANGHAI)),
        }
    )
    assert found[date(2026, 6, 1)] == "filed"
    assert found[date(2026, 6, 2)] == "late"


def test_a_due_day_without_a_report_is_missing_once_it_is_over_and_pending_until_then() -> None:
    found = states()
    assert found[date(2026, 6, 9)] == "missing"
    assert found[date(2026, 6, 10)] == "pending"  # today has not ended
    assert found[date(2026, 6, 11)] == "pending"


def test_an_excused_day_is_excused_even_with_a_report() -> None:
    found = states(
        excused={date(2026, 6, 3), date(2026, 6, 4)},
        arrivals={date(2026, 6, 4): (9, datetime(2026, 6, 4, 18, tzinfo=SHANGHAI))},
    )
    assert found[date(2026, 6, 3)] == found[date(2026, 6, 4)] == "excused"


def test_weekends_holidays_and_days_after_a_project_stopped_are_off() -> None:
    stopped = ProjectRun(date(2026, 6, 1), date(2026, 11, 30), "terminated", date(2026, 6, 15))
    found = states(stopped, holidays={date(2026, 6, 19)}, today=date(2026, 7, 1))
    assert found[date(2026, 6, 6)] == "off"  # Saturday
    assert found[date(2026, 6, 12)] == "missing"
    assert found[date(2026, 6, 15)] == "off"
    found = states(holidays={date(2026, 6, 19)}, today=date(2026, 7, 1))
    assert found[date(2026, 6, 19)] == "off"  # 端午


def test_a_report_filed_on_a_day_off_still_shows() -> None:
    found = states(arrivals={date(2026, 6, 6): (3, datetime(2026, 6, 6, 12, tzinfo=SHANGHAI))})
    assert found[date(2026, 6, 6)] == "filed"


def test_the_counts_cover_every_day_of_the_month() -> None:
    cells = day_cells(RUN, "2026-06", arrivals={}, excused=(), today=date(2026, 7, 1), tz=SHANGHAI)
    counts = count_states(cells)
    assert sum(counts.values()) == 30
    assert counts["missing"] == 22


def test_a_month_written_the_wrong_way_is_refused() -> None:
    with pytest.raises(PeriodError):
        day_cells(RUN, "2026-6x", arrivals={}, excused=(), today=date(2026, 7, 1), tz=SHANGHAI)
