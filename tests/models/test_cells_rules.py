"""Spreadsheet cells: formulas are recognised on import and defused on export."""

from __future__ import annotations

import pytest

from models.cells import defuse_csv_cell, formula_refusal, is_formula, needs_defusing


@pytest.mark.parametrize(
    "value",
    [
        "=cmd|' /C calc'!A0",
        "=1+1",
        '  =HYPERLINK("http://x")',
        "\t=cmd|x",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A2)",
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_recognised(value):
    assert is_formula(value)


@pytest.mark.parametrize(
    "value", ["", "楼道堆满杂物", "+86 138 1234 5678", "-5", "-", "@张三 说路灯坏了", "a=b"]
)
def test_plain_text_numbers_and_phones_are_not_formulas(value):
    assert not is_formula(value)


def test_the_refusal_quotes_the_start_of_the_formula():
    assert formula_refusal("=cmd|' /C calc'!A0 and more text") == (
        "单元格是公式（=cmd|' /C calc'!A0 a），为安全起见不予导入：请改为纯文本或数值后再导入"
    )


@pytest.mark.parametrize("value", ["=1+1", "+86 138", "-5", "@x", "\t=x"])
def test_an_exported_cell_starting_with_a_formula_character_is_forced_to_text(value):
    assert needs_defusing(value)
    assert defuse_csv_cell(value) == "'" + value


def test_an_ordinary_exported_cell_is_written_as_it_is():
    assert not needs_defusing("楼道 = 杂物")
    assert defuse_csv_cell("楼道 = 杂物") == "楼道 = 杂物"
