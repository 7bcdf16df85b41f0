"""The issuing office's contact details: phones and e-mail addresses, refused naming the field."""

from __future__ import annotations

import pytest

from models.office_contact import (
    OfficeFieldError,
    OfficeFields,
    check_email,
    check_office_fields,
    check_phone,
)


@pytest.mark.parametrize(
    "phone",
    [
        "0551-62881234",
        "13800001111",
        "400 800 1234",
        "+86 551 6288 1234",
        "62881234 转 8012",
        "(0551)62881234",
    ],
)
def test_office_phones_in_their_usual_forms_are_taken(phone: str) -> None:
    assert check_phone(f"  {phone} ") == phone


@pytest.mark.parametrize(
    "phone", ["电话", "12345", "0551-6288-1234-5678-99", "138-0000-111a", "--"]
)
def test_a_phone_that_is_not_one_is_refused_naming_the_field(phone: str) -> None:
    with pytest.raises(OfficeFieldError, match=r"^联系电话："):
        check_phone(phone)


def test_emails_are_checked_and_empty_fields_stay_empty() -> None:
    assert check_email("gongyi@hhl.example.cn") == "gongyi@hhl.example.cn"
    with pytest.raises(OfficeFieldError, match=r"^电子邮箱：「gongyi at hhl」不是电子邮箱地址"):
        check_email("gongyi at hhl")
    assert check_office_fields(OfficeFields()) == OfficeFields()


def test_a_field_too_long_for_its_column_is_refused_with_its_label() -> None:
    with pytest.raises(OfficeFieldError, match=r"^办公地址：不能超过 200 个字"):
        check_office_fields(OfficeFields(address="路" * 201))
    assert check_office_fields(OfficeFields(name=" 新安  街道办事处 ")).name == "新安 街道办事处"
