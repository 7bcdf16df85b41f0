"""Field types shared by the API's request models.

`Text` is any string the API stores. It refuses the NUL character, other
control characters (tab and newlines are fine) and lone surrogates: JSON can
carry them, but PostgreSQL and UTF-8 cannot store them, and nobody types them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field


def check_text(value: str) -> str:
    """Refuse control characters and text that is not valid Unicode."""
    if any(ord(char) < 32 and char not in "\t\n\r" for char in value) or "\x7f" in value:
        raise ValueError("不能包含控制字符")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("不是有效的 Unicode 文字") from None
    return value


Text = Annotated[str, AfterValidator(check_text)]


def text(max_length: int, *, description: str, example: str = "") -> object:
    """Describe a text field: its limit, what it is and an example."""
    return Field(
        default="",
        max_length=max_length,
        description=description,
        examples=[example] if example else None,
    )
