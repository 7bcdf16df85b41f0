"""Text hygiene at intake: what a stored text may contain.

Every door that takes text (the API, the portal's forms, spreadsheet and CSV
imports) refuses C0 and C1 control characters (tab and line breaks are fine)
and text that is not valid Unicode, with the same message, before anything is
stored. Emoji, CJK Extension B characters (𠀀, 𪚥) and private-use characters
are text: they are stored, and the renderer draws what it cannot draw as a
visible placeholder.
"""

from __future__ import annotations

_ALLOWED_CONTROLS = frozenset("\t\n\r")

CONTROL_MESSAGE = "不能包含控制字符"
UNICODE_MESSAGE = "不是有效的 Unicode 文字"


def is_control(char: str) -> bool:
    """True for a C0 or C1 control character or DEL, except tab and line breaks."""
    code = ord(char)
    if char in _ALLOWED_CONTROLS:
        return False
    return code < 0x20 or 0x7F <= code <= 0x9F


def text_problem(value: str) -> str | None:
    """Say what is wrong with a text (Chinese), or None when it may be stored."""
    if any(is_control(char) for char in value):
        return CONTROL_MESSAGE
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return UNICODE_MESSAGE
    return None


def check_text(value: str) -> str:
    """Return the text unchanged, or raise `ValueError` saying what is wrong with it."""
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value
