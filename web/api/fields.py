"""Field types shared by the API's request models.

`Text` is any string the API stores. It is checked by `models.text.check_text`,
the one rule every door applies: no C0 or C1 control characters (tab and line
breaks are fine) and no lone surrogates. JSON can carry them, but PostgreSQL
and UTF-8 cannot store them all, and nobody types them. The portal's forms
refuse them with the same message.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from models.text import check_text

Text = Annotated[str, AfterValidator(check_text)]

__all__ = ["Text", "check_text", "text"]


def text(max_length: int, *, description: str, example: str = "") -> object:
    """Describe a text field: its limit, what it is and an example."""
    return Field(
        default="",
        max_length=max_length,
        description=description,
        examples=[example] if example else None,
    )
