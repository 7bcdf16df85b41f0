"""Formatting rules for money, percentages, dates and scores in reports."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.filters import format_cn_date, format_percent, format_score, format_yuan


@pytest.mark.parametrize(
    ("fen", "yuan"),
    [(0, "0.00"), (1, "0.01"), (100, "1.00"), (1_234_567, "12,345.67"), (26_000_000, "260,000.00")],
)
def test_fen_are_shown_as_yuan_with_thousands_separators(fen, yuan):
    assert format_yuan(fen) == yuan


def test_negative_amounts_keep_their_sign():
    assert format_yuan(-150) == "-1.50"
    assert format_yuan(-1_234_567) == "-12,345.67"


@pytest.mark.parametrize("not_fen", [1.5, "100", True, None])
def test_money_that_is_not_integer_fen_is_refused(not_fen):
    with pytest.raises(TypeError, match="整数分"):
        format_yuan(not_fen)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_yuan_text_reads_back_as_the_same_fen(fen):
    text = format_yuan(fen).replace(",", "")
    sign = -1 if text.startswith("-") else 1
    yuan, cents = text.lstrip("-").split(".")
    assert sign * (int(yuan) * 100 + int(cents)) == fen


def test_a_whole_percent_is_shown_as_is():
    assert format_percent(92) == "92%"


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (6, 7, "85.7%"),
        (2, 3, "66.7%"),
        (1, 3, "33.3%"),
        (21, 22, "95.5%"),
        (7, 7, "100.0%"),
        (642, 600, "107.0%"),
        (0, 5, "0.0%"),
        (1, 2000, "0.1%"),
    ],
)
def test_part_of_a_whole_is_a_percent_to_one_decimal_rounded_half_up(part, whole, shown):
    assert format_percent(part, of=whole) == shown


def test_percent_of_nothing_is_shown_as_a_dash():
    assert format_percent(0, of=0) == "—"


def test_dates_are_written_the_chinese_way():
    assert format_cn_date(date(2026, 6, 1)) == "2026年6月1日"
    assert format_cn_date(date(2026, 12, 31)) == "2026年12月31日"


@pytest.mark.parametrize(
    ("score", "shown"),
    [(88, "88.0"), (87.25, "87.3"), (87.24, "87.2"), (100.0, "100.0"), (0, "0.0")],
)
def test_scores_have_one_decimal_rounded_half_up(score, shown):
    assert format_score(score) == shown
