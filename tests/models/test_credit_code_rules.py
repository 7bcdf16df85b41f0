"""The unified social credit code (统一社会信用代码): both check characters are verified."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.credit_code import (
    ALPHABET,
    CreditCodeError,
    check_credit_code,
    credit_code_check_char,
    is_valid_credit_code,
    org_code_check_char,
)
from tests.builders import DEMO_DIR

# The worked example of GB 32100-2015, a bank's and a listed company's published codes,
# and the six fictional demo agencies (built with valid check characters).
KNOWN_VALID = [
    "91350100M000100Y43",
    "91110000600037341L",
    "91440300708461136T",
    *(
        row["统一社会信用代码"]
        for row in csv.DictReader((DEMO_DIR / "agencies.csv").open(encoding="utf-8"))
    ),
]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_valid_codes_pass_both_checks(code):
    assert check_credit_code(code) == code
    assert is_valid_credit_code(code)


def test_the_standards_worked_example_has_check_character_3():
    assert credit_code_check_char("91350100M000100Y4") == "3"
    assert org_code_check_char("M000100Y") == "4"


def test_spaces_and_lower_case_are_forgiven():
    assert check_credit_code(" 91350100 m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y42", "第 18 位校验码不对（GB 32100）"),
        ("91350100M000100Y33", "第 9–17 位组织机构代码的校验码不对（GB 11714）"),
        ("91350100M000100Y4", "应为 18 位，实为 17 位"),
        ("91350100M000100Y43X", "应为 18 位，实为 19 位"),
        ("91350100M0001OOY43", "含有不允许的字符：O"),
        ("913501I0M000100Y43", "含有不允许的字符：I"),
        ("91A50100M000100Y43", "第 3–8 位应为行政区划代码"),
    ],
)
def test_corrupted_codes_are_refused_saying_why(code, reason):
    with pytest.raises(CreditCodeError) as refused:
        check_credit_code(code)
    assert reason in str(refused.value)
    assert not is_valid_credit_code(code)


@given(
    st.sampled_from(KNOWN_VALID), st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET)
)
def test_changing_any_one_character_is_caught(code, position, char):
    corrupted = code[:position] + char + code[position + 1 :]
    if corrupted != code:
        assert not is_valid_credit_code(corrupted)


@given(st.sampled_from(KNOWN_VALID), st.integers(min_value=0, max_value=16))
def test_swapping_two_neighbours_is_caught(code, position):
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    if swapped != code:
        assert not is_valid_credit_code(swapped)
