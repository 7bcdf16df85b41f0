"""Money as an integer number of fen (分), never a float.

Spreadsheets and forms give yuan as text ("1,200.50"); `parse_yuan` turns that
into fen exactly, through `Decimal`, and refuses anything finer than a fen.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

FEN_PER_YUAN = 100


class MoneyError(ValueError):
    """An amount that is not a valid number of yuan."""


def parse_yuan(text: str | int) -> int:
    """Turn a yuan amount written by a person into integer fen."""
    cleaned = str(text).strip().replace(",", "").replace("，", "").replace("元", "")
    cleaned = cleaned.replace("¥", "").replace("￥", "")
    if not cleaned:
        raise MoneyError("金额为空")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise MoneyError(f"金额不是数字：{text!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"金额不是数字：{text!r}")
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise MoneyError(f"金额最多两位小数：{text!r}")
    return int(fen)


def yuan(fen: int) -> int:
    """Return whole yuan from fen, for counting, not for display."""
    return fen // FEN_PER_YUAN


def format_fen(fen: int) -> str:
    """Write fen as yuan with thousands separators: 1234567 -> '12,345.67'."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{part:02d}"
