"""Monitoring periods: months written YYYY-MM, ISO weeks, and a project's last day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.calendar import (
    PeriodError,
    last_day_after_months,
    month_bounds,
    month_label,
    week_start,
    weeks_in_month,
)


@pytest.mark.parametrize(
    ("month", "first", "last"),
    [
        ("2026-06", date(2026, 6, 1), date(2026, 6, 30)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("2026-6", date(2026, 6, 1), date(2026, 6, 30)),
    ],
)
def test_month_bounds_are_its_first_and_last_day(month, first, last):
    assert month_bounds(month) == (first, last)


@pytest.mark.parametrize(
    "month", ["2026-13", "2026-00", "2026", "2026-06-01", "六月", "", "2026/06"]
)
def test_month_written_the_wrong_way_is_refused_with_an_example(month):
    with pytest.raises(PeriodError) as refused:
        month_bounds(month)
    assert str(refused.value) == f"月份格式应为 2026-06，收到 {month!r}"


def test_period_error_is_a_value_error():
    assert issubclass(PeriodError, ValueError)


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 6, 1), date(2026, 6, 1)),
        (date(2026, 6, 7), date(2026, 6, 1)),
        (date(2026, 6, 3), date(2026, 6, 1)),
        (date(2026, 1, 1), date(2025, 12, 29)),
    ],
)
def test_a_week_starts_on_its_monday(day, monday):
    assert week_start(day) == monday


def test_weeks_of_a_month_are_the_mondays_that_fall_in_it():
    assert weeks_in_month("2026-06") == [date(2026, 6, d) for d in (1, 8, 15, 22, 29)]


def test_a_week_that_began_in_the_previous_month_belongs_to_that_month():
    assert weeks_in_month("2026-03") == [date(2026, 3, d) for d in (2, 9, 16, 23, 30)]
    assert date(2026, 2, 23) in weeks_in_month("2026-02")


@given(st.integers(min_value=2000, max_value=2100), st.integers(min_value=1, max_value=12))
def test_every_monday_belongs_to_exactly_one_month(year, number):
    month = f"{year}-{number:02d}"
    mondays = weeks_in_month(month)
    first, last = month_bounds(month)
    assert all(m.weekday() == 0 and first <= m <= last for m in mondays)
    assert len(mondays) in (4, 5)
    assert mondays[0] - first < timedelta(days=7)


def test_month_label_is_written_the_chinese_way():
    assert month_label("2026-06") == "2026年6月"
    assert month_label("2026-11") == "2026年11月"


@pytest.mark.parametrize(
    ("start", "months", "last"),
    [
        (date(2026, 6, 1), 6, date(2026, 11, 30)),
        (date(2026, 6, 1), 1, date(2026, 6, 30)),
        (date(2026, 7, 15), 12, date(2027, 7, 14)),
        (date(2026, 11, 1), 3, date(2027, 1, 31)),
        (date(2026, 3, 1), 12, date(2027, 2, 28)),
        (date(2027, 3, 1), 12, date(2028, 2, 29)),
    ],
)
def test_a_run_of_months_ends_the_day_before_the_same_date_months_later(start, months, last):
    assert last_day_after_months(start, months) == last


def test_a_run_from_a_day_the_end_month_lacks_ends_the_day_before_that_months_last_day():
    # Jan 28 to Jan 31 starts all end on Feb 27: the missing date is clamped, then one day goes.
    assert last_day_after_months(date(2026, 1, 31), 1) == date(2026, 2, 27)
    assert last_day_after_months(date(2026, 1, 28), 1) == date(2026, 2, 27)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 28)),
    st.integers(min_value=1, max_value=36),
)
def test_a_run_of_months_ends_after_it_starts_and_lasts_about_that_many_months(start, months):
    last = last_day_after_months(start, months)
    assert last >= start
    assert (last - start).days + 1 >= 28 * months - 3
    assert (last - start).days + 1 <= 31 * months
