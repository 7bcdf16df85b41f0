"""The English catalogue translates every string the portal marks, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from settings import PROJECT_ROOT
from web.i18n import LOCALE_DIR, load_translations

PLACEHOLDER = re.compile(r"\{[^}]*\}")


def _extract(target: Path) -> list[str]:
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(PROJECT_ROOT / "babel.cfg"),
            "-k",
            "N_",
            "-k",
            "tr:2",
            "--no-location",
            "--omit-header",
            "-o",
            str(target),
            str(PROJECT_ROOT),
        ]
    )
    with target.open("rb") as handle:
        return [m.id for m in read_po(handle) if m.id]


def test_every_marked_string_has_an_english_translation(tmp_path: Path) -> None:
    marked = _extract(tmp_path / "messages.pot")
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        english = {m.id: m.string for m in read_po(handle) if m.id}
    assert len(marked) > 200
    assert [m for m in marked if not english.get(m)] == []


def test_translations_keep_the_placeholders() -> None:
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        pairs = [(m.id, m.string) for m in read_po(handle) if m.id]
    wrong = [
        msgid
        for msgid, text in pairs
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert wrong == []


def test_the_catalogue_compiles_without_a_build_step() -> None:
    translations = load_translations()
    assert translations["en"].gettext("提交日报告") == "Submit daily report"
    assert translations["zh"].gettext("提交日报告") == "提交日报告"
