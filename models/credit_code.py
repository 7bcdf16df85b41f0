"""The unified social credit code (统一社会信用代码) and its check characters.

GB 32100-2015 gives every organisation an 18-character code: a registering
authority (1), an organisation category (1), an administrative area (6), the
organisation's own code (9, whose last character is the GB 11714 check) and
a final GB 32100 check character. The alphabet is the digits and the capital
letters without I, O, S, V and Z. A typo in any one character, or two
neighbours swapped, changes a check character, so both are verified.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
LENGTH = 18


class CreditCodeError(ValueError):
    """A unified social credit code that cannot be right."""


def credit_code_check_char(first17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, CODE_WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """Return the GB 11714 check character of an organisation code body."""
    # GB 11714 values letters A..Z as 10..35, unlike the GB 32100 alphabet.
    total = sum(int(c, 36) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalise_credit_code(text: str) -> str:
    """Upper-case a code and drop the spaces people type into it."""
    return "".join(text.split()).upper()


def check_credit_code(text: str) -> str:
    """Return the code in normal form, or raise CreditCodeError saying what is wrong."""
    code = normalise_credit_code(text)
    if len(code) != LENGTH:
        raise CreditCodeError(f"应为 18 位，实为 {len(code)} 位")
    wrong = sorted({c for c in code if c not in ALPHABET})
    if wrong:
        raise CreditCodeError(f"含有不允许的字符：{'、'.join(wrong)}（不使用 I、O、S、V、Z）")
    if not code[2:8].isdigit():
        raise CreditCodeError("第 3–8 位应为行政区划代码（6 位数字）")
    if org_code_check_char(code[8:16]) != code[16]:
        raise CreditCodeError("第 9–17 位组织机构代码的校验码不对（GB 11714），请核对")
    expected = credit_code_check_char(code[:17])
    if expected != code[17]:
        raise CreditCodeError("第 18 位校验码不对（GB 32100），请逐位核对")
    return code


def is_valid_credit_code(text: str) -> bool:
    """Tell whether a code passes both check characters."""
    try:
        check_credit_code(text)
    except CreditCodeError:
        return False
    return True
