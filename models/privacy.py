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
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

MASK = "*"

_MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()（）]")
_COUNTRY_CODE = re.compile(r"^(?:\+|00)?86(?=1[3-9]\d{9}$)")

# Numbers are found in a normalised copy of the text (one character for one, so
# positions match): every decimal digit (fullwidth １３８, Arabic-Indic, ...) becomes
# its ASCII digit, fullwidth letters and punctuation their ASCII forms, and every
# space character a plain space. A number glued to letters (tel13955501235,
# ID340302195001011235) is still a number: only a digit on either side means the
# match belongs to a longer number. Groups may be split by up to three spaces,
# dashes or dots (110101 19900307 7779, 138.1234.5670, 138 - 1234 - 5670).
_SEP = r"[ \t\r\n\-.·_/]{0,3}"
_ID_IN_TEXT = re.compile(rf"(?<![0-9])[0-9](?:{_SEP}[0-9]){{16}}{_SEP}[0-9Xx](?![0-9])", re.ASCII)
_MOBILE_IN_TEXT = re.compile(
    rf"(?<![0-9+])(?P<prefix>(?:\+86|0086|86){_SEP})?"
    rf"(?P<number>1{_SEP}[3-9](?:{_SEP}[0-9]){{9}})(?![0-9])",
    re.ASCII,
)
_LANDLINE_IN_TEXT = re.compile(
    r"(?<![0-9])0[0-9]{2,3}[ \-.]?[0-9]{3,4}[ \-.]?[0-9]{4}(?![0-9])", re.ASCII
)
_NOT_DIGIT = re.compile(r"[^0-9Xx]", re.ASCII)
_ASCII_FORMS = {
    0x3000: " ",  # ideographic space
    0x2010: "-",
    0x2011: "-",
    0x2012: "-",
    0x2013: "-",
    0x2014: "-",
    0x2212: "-",
    0x30FB: "·",
    0xFF65: "·",
}


def mask_name(name: str) -> str:
    """Keep the first character of a name and replace every other one with `*`."""
    name = name.strip()
    return name[:1] + MASK * (len(name) - 1)


# A 责任人 written as a body (启航社工, 街道社会事务科, 各社会组织) is not a person.
_BODY_ENDINGS = (
    "社工",
    "中心",
    "机构",
    "组织",
    "科",
    "站",
    "街道",
    "社区",
    "居委会",
    "委员会",
    "协会",
    "办",
    "处",
    "所",
    "队",
    "部",
    "组",
    "全体",
    "单位",
    "公司",
    "医院",
    "学校",
)


def is_person_name(text: str) -> bool:
    """Whether a name field holds a person (王小明) rather than a body (启航社工, 全体)."""
    text = text.strip()
    return bool(text) and not text.endswith(_BODY_ENDINGS)


def mask_person(text: str) -> str:
    """Mask a name field: a person as 王**, a body with only its numbers masked."""
    return mask_name(text) if is_person_name(text) else mask_text(text)


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


def mask_text(text: str, names: Iterable[str] | None = None) -> str:
    """Mask every 身份证 number, mobile, landline and known person's name in free text.

    Numbers are caught in any digit form and with any spacing (see above).
    `names` are the people the system knows (need contacts, action-item owners,
    objectors, anonymous donors): each one found in the text becomes 王** /
    欧***. Names of one character are too common to look for and are skipped.
    """
    if not text:
        return text
    text = _substitute(_ID_IN_TEXT, text, lambda found: mask_id_number(_digits(found)))
    text = _substitute(_MOBILE_IN_TEXT, text, _mask_mobile_match)
    text = _substitute(_LANDLINE_IN_TEXT, text, lambda found: mask_phone(_digits(found)))
    return mask_names(text, names)


def mask_names(text: str, names: Iterable[str] | None) -> str:
    """Replace every known person's name (two characters or more) in text by its masked form."""
    wanted = sorted(
        {name.strip() for name in names or () if len(name.strip()) >= 2}, key=len, reverse=True
    )
    if not wanted or not text:
        return text
    pattern = re.compile("|".join(re.escape(name) for name in wanted))
    return pattern.sub(lambda match: mask_name(match.group()), text)


def find_personal_numbers(text: str) -> list[str]:
    """Every whole 身份证 number and phone number in text, as written (empty when none)."""
    normal = normalise(text)
    found: list[str] = []
    for pattern in (_ID_IN_TEXT, _MOBILE_IN_TEXT, _LANDLINE_IN_TEXT):
        for match in pattern.finditer(normal):
            if pattern is _ID_IN_TEXT and not _has_birth_date(_digits(match.group())):
                continue  # a 统一社会信用代码 or another 18-character code, not a person's ID
            found.append(text[match.start() : match.end()])
            # Blank the match so a mobile inside an ID number is not counted twice.
            normal = (
                normal[: match.start()]
                + "#" * (match.end() - match.start())
                + normal[match.end() :]
            )
    return found


def _has_birth_date(id_number: str) -> bool:
    """Whether characters 7-14 of an 18-character number read as a birth date (19xx/20xx)."""
    year, month, day = id_number[6:10], id_number[10:12], id_number[12:14]
    return year[:2] in ("19", "20") and "01" <= month <= "12" and "01" <= day <= "31"


def normalise(text: str) -> str:
    """The text with one ASCII character for every digit, fullwidth form and space (same length)."""
    return "".join(_ascii_form(char) for char in text)


@lru_cache(maxsize=4096)
def _ascii_form(char: str) -> str:
    if char.isascii():
        return char
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    if 0xFF01 <= ord(char) <= 0xFF5E:  # fullwidth ASCII: ＩＤ，－，．，＋
        return chr(ord(char) - 0xFEE0)
    if char in _ASCII_FORMS_CHARS:
        return _ASCII_FORMS[ord(char)]
    if unicodedata.category(char) == "Zs":
        return " "
    return char


_ASCII_FORMS_CHARS = frozenset(chr(code) for code in _ASCII_FORMS)


def _substitute(pattern: re.Pattern[str], text: str, replace: Callable[[str], str]) -> str:
    """Replace each match of pattern in the normalised text, keeping the original text elsewhere.

    The digits a mask keeps are written back as they were written (fullwidth stays fullwidth).
    """
    normal = normalise(text)
    pieces: list[str] = []
    position = 0
    for match in pattern.finditer(normal):
        pieces.append(text[position : match.start()])
        pieces.append(_as_written(replace(match.group()), text[match.start() : match.end()]))
        position = match.end()
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)


def _as_written(masked: str, original: str) -> str:
    """Put the original characters back for the digits the (ASCII) mask kept."""
    originals = [char for char in original if _ascii_form(char) in _DIGIT_CHARS]
    kept: list[str] = []
    for char in masked:
        if originals and (char == MASK or char in _DIGIT_CHARS):
            written = originals.pop(0)
            kept.append(written if char.isdigit() else char)
        else:
            kept.append(char)
    return "".join(kept)


_DIGIT_CHARS = frozenset("0123456789Xx")


def _digits(found: str) -> str:
    return _NOT_DIGIT.sub("", found)


def _mask_mobile_match(found: str) -> str:
    match = _MOBILE_IN_TEXT.fullmatch(found)
    assert match is not None
    prefix = match.group("prefix") or ""
    return prefix + mask_phone(_digits(match.group("number")))


def _keep_last_four(value: str) -> str:
    if len(value) <= 4:
        return MASK * len(value)
    return MASK * (len(value) - 4) + value[-4:]
