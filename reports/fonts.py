"""Chinese fonts for the PDF renderer, and what happens to a character no font has.

Without a CJK font WeasyPrint still writes a PDF, but every Chinese character
becomes an empty box (tofu). So the renderer checks once per process that
fontconfig knows a Chinese font (`check_cjk_font`): without one nothing is
rendered, with one clear line saying what to install.

The set-up also installs fonts-hanazono (HanaMin: CJK Extension B, such as 𠀀
and 𪚥, which real names contain; the report stylesheets name it after Noto CJK)
and fonts-noto-color-emoji (emoji, reached through fontconfig's fallback: named
in a stylesheet's stack it would draw the digits too). A character that still
has no font, such as a private-use one, is not an error: one daily report must
never sink a month. `watch_missing_glyphs` collects the code points WeasyPrint
could not draw, the renderer draws them again as `PLACEHOLDER` (〓, the
customary mark for a character the type lacks) and the run gets a warning that
names them (`missing_glyphs_warning`).

The process shares one WeasyPrint `FontConfiguration`, created on first use,
because building it again for each report costs time and leaks a temporary
folder per report.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from reports.errors import ReportError

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

MISSING_CJK_FONT = "缺少中文字体：请运行 apt-get install fonts-noto-cjk"
# The customary mark (geta, U+3013) for a character the type lacks; every CJK font has it.
PLACEHOLDER = "〓"
MISSING_GLYPHS = "{name}：有 {count} 种字符没有字体可以显示（{characters}），PDF 中以“〓”代替"
MISSING_EXTENSION_B_FONT = (
    "没有能显示 CJK 扩展 B 汉字（如 𠀀、𪚥）的字体，这些字符将以“〓”代替："
    "请运行 apt-get install fonts-hanazono"
)
MISSING_FC_LIST = "找不到 fc-list（fontconfig）：请运行 apt-get install fontconfig fonts-noto-cjk"
WEASYPRINT_LOGGER = "weasyprint"
_TOFU_WARNING = "unsupported by fonts"


def check_cjk_font() -> None:
    """Raise ReportError unless fontconfig (`fc-list :lang=zh`) finds a Chinese font."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise ReportError(MISSING_FC_LIST)
    found = subprocess.run(
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False, timeout=30
    )
    if found.returncode != 0 or not found.stdout.strip():
        raise ReportError(MISSING_CJK_FONT)


def extension_b_font_problem() -> str | None:
    """Say what to install if no font draws CJK Extension B (U+20000); never an error."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return MISSING_FC_LIST
    found = subprocess.run(
        [fc_list, ":charset=20000", "family"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    return None if found.returncode == 0 and found.stdout.strip() else MISSING_EXTENSION_B_FONT


@dataclass
class FontState:
    """The process's one FontConfiguration and the lock that serialises renders."""

    font_config: FontConfiguration
    # WeasyPrint's font map and our log handler are shared by the process: one render at a time.
    lock: threading.Lock = field(default_factory=threading.Lock)


def get_font_state() -> FontState:
    """Return the process's font state, checking for a Chinese font the first time."""
    # Without the lock two threads starting at once could each build a state and a lock.
    with _FONT_STATE_CREATION:
        return _create_font_state()


_FONT_STATE_CREATION = threading.Lock()


@cache
def _create_font_state() -> FontState:
    check_cjk_font()  # An error is not cached, so a later call checks again.
    problem = extension_b_font_problem()
    if problem is not None:
        logging.getLogger("gongyi.reports").warning(problem)
    # Imported here: importing WeasyPrint loads fontconfig, which takes half a second.
    from weasyprint.text.fonts import FontConfiguration

    return FontState(font_config=FontConfiguration())


class GlyphWatch(logging.Handler):
    """Collect the code points of the characters WeasyPrint drew as tofu (.notdef)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.codepoints: set[int] = set()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if _TOFU_WARNING in message:
            self.codepoints.add(_codepoint(record, message))


@contextmanager
def watch_missing_glyphs() -> Iterator[GlyphWatch]:
    """Yield a watch that, after the block, holds every code point WeasyPrint could not draw."""
    logger = logging.getLogger(WEASYPRINT_LOGGER)
    watch = GlyphWatch()
    # If logging is configured above WARNING the record would never reach our handler.
    saved_level = logger.level
    if not logger.isEnabledFor(logging.WARNING):
        logger.setLevel(logging.WARNING)
    logger.addHandler(watch)
    try:
        yield watch
    finally:
        logger.removeHandler(watch)
        logger.setLevel(saved_level)


def with_placeholders(html: str, codepoints: Iterable[int]) -> str:
    """Replace each of these characters in `html` with `PLACEHOLDER`."""
    return html.translate({codepoint: PLACEHOLDER for codepoint in codepoints})


def missing_glyphs_warning(name: str, codepoints: Iterable[int]) -> str:
    """Say (in Chinese) which characters of document `name` were drawn as the placeholder."""
    found = sorted(set(codepoints))
    characters = "、".join(f"U+{codepoint:04X}" for codepoint in found)
    return MISSING_GLYPHS.format(name=name, count=len(found), characters=characters)


def _codepoint(record: logging.LogRecord, message: str) -> int:
    # WeasyPrint logs the character and its code point: '... "%s" (U+%04X)', char, codepoint.
    args = record.args
    if isinstance(args, tuple) and args and isinstance(args[-1], int):
        return args[-1]
    start = message.rfind("(U+")
    try:
        return int(message[start + 3 : message.index(")", start)], 16)
    except ValueError:
        return 0xFFFD
