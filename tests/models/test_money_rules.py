"""Money is integer fen: parsing what people write, and writing it back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.money import FEN_PER_YUAN, MoneyError, format_fen, parse_yuan, yuan


@pytest.mark.parametrize(
    ("written", "fen"),
    [
        ("1,200.50", 120050),
        ("1，200.50", 120050),
        ("260000", 26000000),
        ("  15000元 ", 1500000),
        ("¥8,000", 800000),
        ("￥0.01", 1),
        ("0.1", 10),
        ("1.000", 100),
        (15000, 1500000),
        ("0", 0),
    ],
)
def test_yuan_written_by_a_person_becomes_exact_fen(written, fen):
    assert parse_yuan(written) == fen
    assert isinstance(parse_yuan(written), int)


def test_point_one_plus_point_two_is_exact_in_fen():
    assert parse_yuan("0.1") + parse_yuan("0.2") == parse_yuan("0.3") == 30


@pytest.mark.parametrize("written", ["0.001", "12.345", "1,000.005"])
def test_amount_finer_than_a_fen_is_refused(written):
    with pytest.raises(MoneyError, match="金额最多两位小数"):
        parse_yuan(written)


@pytest.mark.parametrize("written", ["", "   ", "元", "¥"])
def test_empty_amount_is_refused(written):
    with pytest.raises(MoneyError, match=r"^金额为空$"):
        parse_yuan(written)


@pytest.mark.parametrize("written", ["一万", "abc", "12..5", "NaN", "Infinity", "-inf"])
def test_text_that_is_not_a_number_is_refused(written):
    with pytest.raises(MoneyError, match="金额不是数字"):
        parse_yuan(written)


def test_money_error_is_a_value_error():
    assert issubclass(MoneyError, ValueError)


def test_parse_leaves_the_sign_to_the_caller():
    assert parse_yuan("-5") == -500


@pytest.mark.parametrize(
    ("fen", "written"),
    [
        (1234567, "12,345.67"),
        (0, "0.00"),
        (5, "0.05"),
        (100, "1.00"),
        (26000000, "260,000.00"),
        (-5, "-0.05"),
        (-123456, "-1,234.56"),
    ],
)
def test_fen_is_written_as_yuan_with_thousands_separators(fen, written):
    assert format_fen(fen) == written


def test_whole_yuan_drops_the_fen():
    assert yuan(1500099) == 15000
    assert yuan(99) == 0


@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_writing_then_parsing_fen_gives_back_the_same_fen(fen):
    assert parse_yuan(format_fen(fen)) == fen


@given(st.integers(min_value=0, max_value=10**11), st.integers(min_value=0, max_value=99))
def test_any_two_decimal_amount_parses_exactly(whole, part):
    assert parse_yuan(f"{whole}.{part:02d}") == whole * FEN_PER_YUAN + part
