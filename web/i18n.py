"""The portal's languages: Chinese by default, English from a Babel/gettext catalogue.

Page and message strings are written in Chinese inside `_()` and extracted with
`pybabel extract -F babel.cfg` into `web/locale/messages.pot`; `web/locale/en/
LC_MESSAGES/messages.po` translates them. The `.po` is compiled in memory when
the app is built, so a fresh clone needs no build step and no committed `.mo`.
The language is the one picked with the link in the page header (`lang` cookie),
else the setting (GONGYI_LANGUAGE, zh-CN): Chinese even for a browser set to English.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from fastapi import Request

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = {"zh": "中文", "en": "English"}
LANG_COOKIE = "lang"

Translate = Callable[[str], str]


def N_(message: str) -> str:
    """Mark a string for the catalogue where it is defined; it is translated where shown."""
    return message


def load_translations() -> dict[str, gettext.NullTranslations]:
    """Compile each language's catalogue; Chinese, the source language, needs none."""
    loaded: dict[str, gettext.NullTranslations] = {"zh": gettext.NullTranslations()}
    for code in LANGUAGES:
        po = LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
        if code == "zh" or not po.is_file():
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=code)
        compiled = BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        loaded[code] = gettext.GNUTranslations(compiled)
    return loaded


def pick_language(request: Request, *, default: str) -> str:
    """Choose the page language: the one picked on the page (cookie), else the setting."""
    chosen = request.cookies.get(LANG_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    return default[:2].lower() if default[:2].lower() in LANGUAGES else "zh"


def get_translate(translations: Mapping[str, gettext.NullTranslations], language: str) -> Translate:
    """Return the `_` function for a language."""
    return translations.get(language, translations["zh"]).gettext
