"""Formatting rules the report templates use as Jinja2 filters.

Money arrives as an integer number of fen and is formatted with integer
arithmetic only, so a report never shows a rounding error that the ledger does
not have. Dates are written the Chinese way (2026年6月1日). These functions are
plain and pure; `reports.environment` registers them under short filter names.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NOT_APPLICABLE = "—"


def format_yuan(fen: int) -> str:
    """Format an integer number of fen as yuan with thousands separators: 1234567 -> 12,345.67."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"金额必须是整数分（int），收到 {type(fen).__name__}: {fen!r}")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def format_percent(part: int, *, of: int | None = None) -> str:
    """Format a whole percent (92 -> 92%), or part of a whole to one decimal (6 of 7 -> 85.7%)."""
    if of is None:
        return f"{part}%"
    if of == 0:
        return NOT_APPLICABLE
    # Tenths of a percent, rounded half up, in integers so 2 of 3 is always 66.7%.
    numerator, denominator = (part * 1000, of) if of > 0 else (-part * 1000, -of)
    tenths = (2 * numerator + denominator) // (2 * denominator)
    sign = "-" if tenths < 0 else ""
    whole, tenth = divmod(abs(tenths), 10)
    return f"{sign}{whole}.{tenth}%"


def format_cn_date(day: date) -> str:
    """Write a date the Chinese way: 2026年6月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def format_score(score: float) -> str:
    """Write a score with one decimal, rounding half up: 87.25 -> 87.3."""
    return str(Decimal(str(score)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def format_hours(minutes: int) -> str:
    """Write minutes as hours with one decimal, rounding half up: 150 -> 2.5."""
    tenths = (minutes * 10 + 30) // 60
    return f"{tenths // 10}.{tenths % 10}"
