"""Spreadsheet cells: formulas are recognised on import and defused on export; values are bounded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from models.cells import (
    EARLIEST_DAY,
    LATEST_DAY,
    MAX_QUANTITY,
    MAX_YUAN,
    amount_problem,
    day_problem,
    defuse_csv_cell,
    formula_refusal,
    is_formula,
    needs_defusing,
    number_cell_problem,
    quantity_problem,
)


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


# --- bounds: amounts, counts and hours, dates, spreadsheet numbers (issue #17) ---


@pytest.mark.parametrize("fen", [0, 1, 50_000, MAX_YUAN * 100])
def test_an_amount_up_to_ten_billion_yuan_is_in_bounds(fen):
    assert amount_problem(fen) is None


@pytest.mark.parametrize(
    ("fen", "message"),
    [(MAX_YUAN * 100 + 1, "金额超过 10,000,000,000 元上限"), (10**32, "上限"), (-1, "不能为负")],
)
def test_an_amount_out_of_bounds_is_refused(fen, message):
    assert message in (amount_problem(fen) or "")


@pytest.mark.parametrize("number", [0, 2.5, Decimal("999999.5"), MAX_QUANTITY])
def test_a_count_or_hours_up_to_a_million_is_in_bounds(number):
    assert quantity_problem(number) is None


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (MAX_QUANTITY + 1, "超过 1,000,000 的上限"),
        (Decimal("1e308"), "上限"),
        (1e308, "上限"),
        (-1, "不能为负数"),
        (float("nan"), "不是有效的数字"),
        (float("inf"), "不是有效的数字"),
        (Decimal("NaN"), "不是有效的数字"),
        (Decimal("Infinity"), "不是有效的数字"),
    ],
)
def test_a_count_or_hours_out_of_bounds_is_refused(number, message):
    assert message in (quantity_problem(number) or "")


@pytest.mark.parametrize("day", [EARLIEST_DAY, date(2026, 3, 1), LATEST_DAY])
def test_a_date_within_the_fixed_bounds_is_accepted(day):
    assert day_problem(day) is None


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(1, 1, 1), "日期 0001-01-01 早于 1950-01-01"),
        (date(1949, 12, 31), "早于 1950-01-01"),
        (date(2101, 1, 1), "日期 2101-01-01 晚于 2100-12-31"),
        (date(9999, 12, 31), "晚于 2100-12-31"),
    ],
)
def test_a_date_outside_the_fixed_bounds_is_refused(day, message):
    assert message in (day_problem(day) or "")


def test_a_caller_narrows_the_bounds_but_never_widens_them():
    today = date(2026, 4, 30)
    assert "晚于 2026-04-30" in (day_problem(date(2099, 1, 1), latest=today) or "")
    assert day_problem(today, latest=today) is None
    assert "早于 2026-01-01" in (day_problem(date(2025, 12, 31), earliest=date(2026, 1, 1)) or "")
    assert "早于 1950-01-01" in (day_problem(date(1900, 1, 1), earliest=date(1800, 1, 1)) or "")
    assert "晚于 2100-12-31" in (day_problem(date(2200, 1, 1), latest=date(3000, 1, 1)) or "")


@pytest.mark.parametrize("value", [0, 12, 2.5, -3, 2**53, 9_007_199_254_740_992.0])
def test_a_spreadsheet_number_that_reads_exactly_is_accepted(value):
    assert number_cell_problem(value) is None


@pytest.mark.parametrize(
    "value", [1e308, -1e30, 1e16, 340302195001011235, float("inf"), float("nan")]
)
def test_a_spreadsheet_number_too_large_to_be_exact_is_refused(value):
    problem = number_cell_problem(value) or ""
    assert "数值" in problem
