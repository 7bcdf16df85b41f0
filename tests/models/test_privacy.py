"""Masking rules for beneficiaries' personal data (PIPL)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.privacy import (
    find_personal_numbers,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text,
    normalise,
)


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


# Issue #17: the forms a hostile demo run slipped past the masking.


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("tel13955501235", "tel139****1235"),
        ("ID340302195001011235", "ID340302********1235"),
        ("电话１３９５５５０１２３５。", "电话１３９****１２３５。"),
        ("身份证110101 19900307 7779", "身份证110101********7779"),
        ("138.1234.5670", "138****5670"),
        ("138-1234-5670", "138****5670"),
        ("138 - 1234 - 5670", "138****5670"),
        ("手机：１３８－１２３４－５６７０", "手机：１３８****５６７０"),
        ("座机0552 1234567", "座机0552-***4567"),
    ],
)
def test_text_has_glued_fullwidth_spaced_and_dotted_numbers_masked(text, masked):
    assert mask_text(text) == masked
    assert find_personal_numbers(mask_text(text)) == []


def test_a_phone_followed_by_a_count_is_still_masked():
    assert mask_text("13812345670 20人") == "138****5670 20人"


def test_known_names_are_masked_wherever_they_appear():
    text = "王小明（电话13812345670）与欧阳娜娜联系，王老师到场"
    assert (
        mask_text(text, names=["王小明", "欧阳娜娜", "王"])
        == "王**（电话138****5670）与欧***联系，王老师到场"
    )


def test_a_name_inside_a_longer_known_name_does_not_split_it():
    assert mask_text("欧阳娜娜来了", names=["欧阳", "欧阳娜娜"]) == "欧***来了"


def test_no_names_leaves_text_as_it_was():
    assert mask_text("张三来了", names=None) == "张三来了"
    assert mask_text("", names=["张三"]) == ""


def test_find_personal_numbers_sees_every_written_form():
    text = "tel13955501235，ID340302195001011235，１３８１２３４５６７０，110101 19900307 7779"
    assert find_personal_numbers(text) == [
        "340302195001011235",
        "110101 19900307 7779",
        "13955501235",
        "１３８１２３４５６７０",
    ]
    assert find_personal_numbers("服务32人次，编号12345678901234，138****5670") == []


_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@given(
    mobile=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    glue=st.sampled_from(["", "tel", "TEL:", "手机", "ID"]),
    separator=st.sampled_from(["", " ", "-", ".", "　", "－"]),
    fullwidth=st.booleans(),
    names=st.lists(st.sampled_from(["王小明", "欧阳娜娜", "李四"]), max_size=3),
)
def test_no_mobile_survives_in_any_written_form(mobile, glue, separator, fullwidth, names):
    written = separator.join([mobile[:3], mobile[3:7], mobile[7:]])
    if fullwidth:
        written = written.translate(_FULLWIDTH)
    masked = mask_text(f"{glue}{written}，王小明", names=names)
    assert find_personal_numbers(masked) == []
    assert mobile not in normalise(masked)
    assert normalise(masked).startswith(f"{glue}{mobile[:3]}****{mobile[7:]}")
    for name in names:
        assert name not in masked


@given(
    st.from_regex(
        r"[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])([0-2][0-9]|3[01])[0-9]{3}[0-9X]",
        fullmatch=True,
    ),
    st.sampled_from(["", " ", "-"]),
    st.sampled_from(["", "ID", "身份证"]),
)
def test_no_birth_date_survives_a_spaced_or_glued_id_number(id_number, separator, glue):
    written = separator.join([id_number[:6], id_number[6:14], id_number[14:]])
    masked = mask_text(f"{glue}{written}号")
    assert (
        id_number[6:14] not in masked.replace(separator, "")
        if separator
        else id_number[6:14] not in masked
    )
    assert find_personal_numbers(masked) == []


def test_a_credit_code_is_not_reported_as_an_id_number():
    assert find_personal_numbers("统一社会信用代码 913403001234567890") == []
    assert find_personal_numbers("身份证 340302195001011235") == ["340302195001011235"]
