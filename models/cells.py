"""What a spreadsheet cell may hold: formulas are refused on import and defused on export.

Excel runs a cell that starts with `=` as a formula, and a cell such as
`=cmd|' /C calc'!A0` can start a program on the clerk's machine (DDE, CSV
injection). Cells that start with `+`, `-` or `@` are formulas too when they
carry formula syntax. So an import refuses them, naming row and column, and an
export writes any cell that starts with one of these characters as text.

It also bounds what a cell may say: amounts, counts and hours, and dates, so
that `1e30` yuan or the year 1 is refused at import, naming row and column.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@")
# A leading + - @ is harmless in "+86 138…" or "-5"; with these it reads as a formula.
_FORMULA_SYNTAX = ("(", "|", "!", "=", "$")
# Leading control characters hide the = from a reader but not from Excel.
_INVISIBLE = "\t\r\n\x00\x0b\x0c "


def is_formula(value: str) -> bool:
    """Tell whether a cell's text would run as a formula in a spreadsheet program."""
    text = value.lstrip(_INVISIBLE)
    if not text:
        return False
    if text[0] == "=":
        return True
    return text[0] in FORMULA_STARTS and any(mark in text[1:] for mark in _FORMULA_SYNTAX)


def formula_refusal(value: str) -> str:
    """Say why a formula cell is refused, quoting its start."""
    shown = value.strip()[:20]
    return f"单元格是公式（{shown}），为安全起见不予导入：请改为纯文本或数值后再导入"


def needs_defusing(value: str) -> bool:
    """Tell whether an exported cell must be forced to text so it cannot run."""
    return value[:1] in FORMULA_STARTS or value[:1] in ("\t", "\r")


def defuse_csv_cell(value: str) -> str:
    """Prefix a cell that a spreadsheet would run with ' so it stays text."""
    return "'" + value if needs_defusing(value) else value


# Bounds on what a cell may say. A person never means 1e30 yuan or the year 1, and
# such a value overflows the database or a report long after the import said yes.
MAX_YUAN = 10**10
"""The largest amount a cell may hold, in yuan (ten billion)."""
MAX_QUANTITY = 10**6
"""The largest count or number of hours a cell may hold."""
EARLIEST_DAY = date(1950, 1, 1)
LATEST_DAY = date(2100, 12, 31)
MAX_EXACT_NUMBER = 2**53
"""Beyond this a spreadsheet's number has lost digits (Excel keeps 15 significant ones)."""


def amount_problem(fen: int) -> str | None:
    """Say what is wrong with an amount in fen (Chinese), or None when it is in bounds."""
    if fen < 0:
        return "金额不能为负"
    if fen > MAX_YUAN * 100:
        return f"金额超过 {MAX_YUAN:,} 元上限"
    return None


def quantity_problem(number: int | float | Decimal) -> str | None:
    """Say what is wrong with a count or a number of hours, or None when it is in bounds."""
    if number != number or number in (float("inf"), float("-inf")):
        return "不是有效的数字"
    if number < 0:
        return "不能为负数"
    if number > MAX_QUANTITY:
        return f"超过 {MAX_QUANTITY:,} 的上限"
    return None


def day_problem(
    day: date, *, earliest: date | None = None, latest: date | None = None
) -> str | None:
    """Say what is wrong with a date, or None when it lies within the bounds.

    The fixed bounds hold for every date; a caller narrows them (`latest=today`
    for a registration date, say) when the use case knows more.
    """
    low = max(EARLIEST_DAY, earliest) if earliest else EARLIEST_DAY
    high = min(LATEST_DAY, latest) if latest else LATEST_DAY
    if day < low:
        return f"日期 {day.isoformat()} 早于 {low.isoformat()}，请检查"
    if day > high:
        return f"日期 {day.isoformat()} 晚于 {high.isoformat()}，请检查"
    return None


def number_cell_problem(value: int | float) -> str | None:
    """Say what is wrong with a spreadsheet's numeric cell, or None when it reads exactly."""
    if isinstance(value, float) and (value != value or abs(value) == float("inf")):
        return "数值不是有效的数字"
    if abs(value) > MAX_EXACT_NUMBER:
        return "数值过大（超过 15 位有效数字，已丢失精度）：如是编号，请把这一列设为文本"
    return None
