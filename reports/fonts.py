"""Chinese fonts for the PDF renderer, and the checks that they are there.

Without a CJK font WeasyPrint still writes a PDF, but every Chinese character
becomes an empty box (tofu) and it only logs a warning. So the renderer checks
once per process that fontconfig knows a Chinese font (`check_cjk_font`), and
watches WeasyPrint's log during each render (`watch_missing_glyphs`) to turn
that warning into a `ReportError`. The process shares one WeasyPrint
`FontConfiguration`, created on first use, because building it again for each
report costs time and leaks a temporary folder per report.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from reports.errors import ReportError

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

MISSING_CJK_FONT = "缺少中文字体：请运行 apt-get install fonts-noto-cjk"
MISSING_GLYPHS = (
    "PDF 中有字符无法显示（{characters}）：请运行 apt-get install fonts-noto-cjk 安装中文字体"
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
    # Imported here: importing WeasyPrint loads fontconfig, which takes half a second.
    from weasyprint.text.fonts import FontConfiguration

    return FontState(font_config=FontConfiguration())


class _GlyphWatch(logging.Handler):
    """Collect WeasyPrint's warnings about characters that no font can draw."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if _TOFU_WARNING in message:
            self.messages.append(message)


@contextmanager
def watch_missing_glyphs() -> Iterator[None]:
    """Raise ReportError after the block if WeasyPrint drew any character as tofu."""
    logger = logging.getLogger(WEASYPRINT_LOGGER)
    watch = _GlyphWatch()
    # If logging is configured above WARNING the record would never reach our handler.
    saved_level = logger.level
    if not logger.isEnabledFor(logging.WARNING):
        logger.setLevel(logging.WARNING)
    logger.addHandler(watch)
    try:
        yield
    finally:
        logger.removeHandler(watch)
        logger.setLevel(saved_level)
    if watch.messages:
        characters = "、".join(sorted({_codepoint(message) for message in watch.messages}))
        raise ReportError(MISSING_GLYPHS.format(characters=characters))


def _codepoint(message: str) -> str:
    # WeasyPrint ends the warning with the code point, e.g. '... "" (U+E000)'.
    start = message.rfind("(U+")
    return message[start + 1 : -1] if start >= 0 else message
