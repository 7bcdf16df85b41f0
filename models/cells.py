"""What a spreadsheet cell may hold: formulas are refused on import and defused on export.

Excel runs a cell that starts with `=` as a formula, and a cell such as
`=cmd|' /C calc'!A0` can start a program on the clerk's machine (DDE, CSV
injection). Cells that start with `+`, `-` or `@` are formulas too when they
carry formula syntax. So an import refuses them, naming row and column, and an
export writes any cell that starts with one of these characters as text.
"""

from __future__ import annotations

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
