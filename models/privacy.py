"""Masking rules for the personal data of beneficiaries.

Under PIPL (个人信息保护法) a beneficiary's name, phone number and 居民身份证
number are personal information, and reports, notices and donor statements
may show them only masked (张*, 138****1234). These are plain functions over
strings, with no I/O and no framework, so that the report templates, the
portal and the CLI all mask the same way. They err towards hiding: input that
does not look like a known format is masked all but its last four characters.
"""

from __future__ import annotations

import re

MASK = "*"

_MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()（）]")
_COUNTRY_CODE = re.compile(r"^(?:\+|00)?86(?=1[3-9]\d{9}$)")

# Digits on either side mean the match is part of a longer number: leave that to the ID rule.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z+])(?P<prefix>(?:\+86|0086|86)[\s\-]?)?"
    r"(?P<number>1[3-9]\d(?:[\s\-]?\d{4}){2})(?![0-9A-Za-z])"
)
_LANDLINE_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])0\d{2,3}-\d{7,8}(?![0-9A-Za-z])")


def mask_name(name: str) -> str:
    """Keep the first character of a name and replace every other one with `*`."""
    name = name.strip()
    return name[:1] + MASK * (len(name) - 1)


def mask_phone(phone: str) -> str:
    """Mask a mobile as 138****1234 and a landline as 0552-***4567."""
    digits = _COUNTRY_CODE.sub("", _SEPARATORS.sub("", phone))
    if not digits:
        return ""
    if _MOBILE.fullmatch(digits):
        return digits[:3] + MASK * 4 + digits[7:]
    if digits.isdigit() and digits.startswith("0") and len(digits) >= 10:
        # Area codes 010 and 02x have three digits; every other one has four.
        area_length = 3 if digits[1] in "12" else 4
        return digits[:area_length] + "-" + _keep_last_four(digits[area_length:])
    return _keep_last_four(digits)


def mask_id_number(id_number: str) -> str:
    """Hide the birth date of a 居民身份证 number: 340302********1234."""
    value = _SEPARATORS.sub("", id_number).upper()
    if len(value) == 18 and value[:-1].isdigit():
        return value[:6] + MASK * 8 + value[-4:]
    if len(value) == 15 and value.isdigit():
        # The old 15-digit number has a six-digit birth date and no check character.
        return value[:6] + MASK * 6 + value[-3:]
    return _keep_last_four(value)


def mask_text(text: str) -> str:
    """Mask every 身份证 number, mobile number and landline found in free text."""
    text = _ID_IN_TEXT.sub(lambda match: mask_id_number(match.group()), text)
    text = _MOBILE_IN_TEXT.sub(_mask_mobile_match, text)
    return _LANDLINE_IN_TEXT.sub(lambda match: mask_phone(match.group()), text)


def _mask_mobile_match(match: re.Match[str]) -> str:
    prefix = match.group("prefix") or ""
    return prefix + mask_phone(match.group("number"))


def _keep_last_four(value: str) -> str:
    if len(value) <= 4:
        return MASK * len(value)
    return MASK * (len(value) - 4) + value[-4:]
