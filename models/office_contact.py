"""The issuing office's contact details (落款): what a phone number and an e-mail address must look like.

Pure checks for `services.cycles.set_office`: each field is trimmed, may be left
empty (the documents then take it from the call rules' `[office]`), and is
refused with a one-line Chinese reason naming the field when it is too long or
malformed. A phone is the office's public line: digits with the usual
separators (0551-62881234, 400 800 1234, +86 551 6288 1234, 62881234 转 8012).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OFFICE_FIELDS = {
    "name": ("发布单位名称", 100),
    "address": ("办公地址", 200),
    "contact": ("联系人", 50),
    "phone": ("联系电话", 30),
    "email": ("电子邮箱", 200),
    "seal": ("公章文字", 100),
}
"""Each field of the office's identity: its Chinese label and longest length (the columns')."""

_PHONE = re.compile(
    r"^(\+|\()?[0-9][0-9 ()\-]*[0-9](\s*(转|ext\.?|x)\s*[0-9]{1,6})?$", re.IGNORECASE
)
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


class OfficeFieldError(ValueError):
    """A field of the office's identity that cannot be stored; the message names it."""


@dataclass(frozen=True)
class OfficeFields:
    """The office's identity as typed, each part checked (empty: take it from the call rules)."""

    name: str = ""
    address: str = ""
    contact: str = ""
    phone: str = ""
    email: str = ""
    seal: str = ""


def _clean(value: str, key: str) -> str:
    label, longest = OFFICE_FIELDS[key]
    text = " ".join(value.split())
    if len(text) > longest:
        raise OfficeFieldError(f"{label}：不能超过 {longest} 个字（收到 {len(text)} 个）")
    return text


def check_phone(value: str) -> str:
    """Return the phone trimmed, or refuse one that is not a phone number."""
    phone = _clean(value, "phone")
    if not phone:
        return ""
    digits = sum(ch.isdigit() for ch in phone.split("转")[0])
    if not _PHONE.match(phone) or not 7 <= digits <= 15:
        raise OfficeFieldError(
            f"联系电话：「{phone}」不是电话号码（如 0551-62881234 或 13800001111，7–15 位数字）"
        )
    return phone


def check_email(value: str) -> str:
    """Return the address trimmed, or refuse one that is not an e-mail address."""
    email = _clean(value, "email")
    if email and not _EMAIL.match(email):
        raise OfficeFieldError(f"电子邮箱：「{email}」不是电子邮箱地址（如 gongyi@example.cn）")
    return email


def check_office_fields(fields: OfficeFields) -> OfficeFields:
    """Return the fields trimmed and checked; the first bad one is refused naming it."""
    return OfficeFields(
        name=_clean(fields.name, "name"),
        address=_clean(fields.address, "address"),
        contact=_clean(fields.contact, "contact"),
        phone=check_phone(fields.phone),
        email=check_email(fields.email),
        seal=_clean(fields.seal, "seal"),
    )
