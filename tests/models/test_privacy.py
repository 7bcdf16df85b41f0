"""Masking rules for beneficiaries' personal data (PIPL)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.privacy import mask_id_number, mask_name, mask_phone, mask_text


def test_two_character_name_keeps_the_surname_only():
    assert mask_name("张三") == "张*"


def test_longer_name_masks_every_character_after_the_first():
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("买买提·艾力") == "买*****"


def test_empty_name_stays_empty():
    assert mask_name("") == ""
    assert mask_name("   ") == ""


def test_latin_name_keeps_the_first_letter_only():
    assert mask_name(" John Smith ") == "J*********"


def test_mobile_number_keeps_first_three_and_last_four_digits():
    assert mask_phone("13812341234") == "138****1234"


@pytest.mark.parametrize(
    "written", ["138 1234 1234", "138-1234-1234", "+86 138 1234 1234", "8613812341234"]
)
def test_mobile_number_is_masked_whatever_its_separators_and_country_code(written):
    assert mask_phone(written) == "138****1234"


@pytest.mark.parametrize(
    ("landline", "masked"),
    [
        ("0552-1234567", "0552-***4567"),
        ("05521234567", "0552-***4567"),
        ("010-12345678", "010-****5678"),
        ("021 8765 4321", "021-****4321"),
    ],
)
def test_landline_keeps_area_code_and_last_four_digits(landline, masked):
    assert mask_phone(landline) == masked


def test_unrecognised_phone_shows_only_its_last_four_characters():
    assert mask_phone("1234567") == "***4567"
    assert mask_phone("123") == "***"
    assert mask_phone("") == ""


def test_id_number_keeps_region_code_and_last_four_characters():
    assert mask_id_number("340302199001011234") == "340302********1234"


def test_id_number_check_character_x_is_kept_upper_case():
    assert mask_id_number("34030219900101123x") == "340302********123X"


def test_old_fifteen_digit_id_number_hides_its_six_digit_birth_date():
    assert mask_id_number("340302900101123") == "340302******123"


def test_unrecognised_id_number_shows_only_its_last_four_characters():
    assert mask_id_number("A1234567") == "****4567"


def test_text_has_mobile_numbers_masked_in_place():
    text = "张阿姨，电话13812341234，已登记。"
    assert mask_text(text) == "张阿姨，电话138****1234，已登记。"


def test_text_has_id_numbers_masked_in_place():
    text = "身份证34030219900101123X，低保户"
    assert mask_text(text) == "身份证340302********123X，低保户"


def test_text_has_mobiles_with_country_code_or_separators_masked():
    assert mask_text("联系 +86 138 1234 1234") == "联系 +86 138****1234"
    assert mask_text("联系8613812341234") == "联系86138****1234"


def test_text_has_landlines_with_area_code_masked():
    assert mask_text("座机0552-1234567") == "座机0552-***4567"


def test_text_leaves_ordinary_numbers_alone():
    text = "服务32人次，发放物资2026份，编号12345678901234"
    assert mask_text(text) == text


@given(
    prefix=st.text(alphabet="服务记录，。：张三李四 ", max_size=10),
    mobile=st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
    suffix=st.text(alphabet="已登记，。 ", max_size=10),
)
def test_no_mobile_number_survives_masking_of_text(prefix, mobile, suffix):
    masked = mask_text(prefix + mobile + suffix)
    assert mobile not in masked
    assert mobile[:3] + "****" + mobile[7:] in masked


@given(
    st.from_regex(r"[1-9]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])([0-2]\d|3[01])\d{3}[\dX]", fullmatch=True)
)
def test_no_birth_date_survives_masking_of_an_id_number_in_text(id_number):
    masked = mask_text(f"身份证号{id_number}。")
    assert id_number[6:14] not in masked
    assert re.search(r"\d{6}\*{8}[\dX]{4}", masked)
