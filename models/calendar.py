"""Periods the monitoring rules work in: months ('2026-06') and ISO weeks."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


class PeriodError(ValueError):
    """A month or week written the wrong way."""


def month_bounds(month: str) -> tuple[date, date]:
    """Return the first and last day of a month written as YYYY-MM."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except ValueError:
        raise PeriodError(f"月份格式应为 2026-06，收到 {month!r}") from None
    return first, date(year, number, calendar.monthrange(year, number)[1])


def week_start(day: date) -> date:
    """Return the Monday of the week that holds `day`."""
    return day - timedelta(days=day.weekday())


def weeks_in_month(month: str) -> list[date]:
    """List the Mondays of the weeks that start within a month."""
    first, last = month_bounds(month)
    monday = week_start(first)
    if monday < first:
        monday += timedelta(days=7)
    mondays = []
    while monday <= last:
        mondays.append(monday)
        monday += timedelta(days=7)
    return mondays


def month_label(month: str) -> str:
    """Write a month the Chinese way: 2026-06 -> 2026年6月."""
    first, _ = month_bounds(month)
    return f"{first.year}年{first.month}月"


def last_day_after_months(start: date, months: int) -> date:
    """Return the last day of a run of `months` months that begins on `start`."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)
