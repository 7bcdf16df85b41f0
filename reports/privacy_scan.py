"""The last check before a document is published: no whole phone or ID number in its text.

Templates mask every user-text field (`models.privacy.mask_text`); this scan
catches the field a template forgot. It reads the text of the rendered HTML,
the same text WeasyPrint lays out into the PDF: every text node, with
character references decoded, including the SVG charts' labels and the
`<title>` that becomes the PDF's metadata. The HTML is scanned rather than
the PDF (`pdftotext`) because it is the same text, found before any file is
written — a document that fails is never written, so it can never be
published, and no `.partial` is left — and it costs no subprocess and no PDF
parse per document. A `pdftotext` reading (`pdf_text`) is kept for tests and
audits of written files.

The issuing office's own public phone and mailbox, which a 公示 or a 申报指南
must print so that people can object or ask, sit in an element marked
`data-public-contact` by the template; that text is not scanned. User text is
escaped by every template, so no user can mark text this way.

A hit raises `PersonalDataFound`, a `ReportError`: a batch records it as that
one document's failure and carries on with the rest. The message names the
document and the section (the last heading before the number) and shows the
number masked, never whole.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from models.privacy import find_personal_numbers, mask_text
from reports.errors import ReportError

_HEADINGS = frozenset({"h1", "h2", "h3", "th", "caption", "figcaption", "title"})
# Text in these elements is not drawn into the PDF.
_NOT_DRAWN = frozenset({"style", "script"})
_BLOCKS = frozenset({"p", "div", "td", "th", "tr", "li", "h1", "h2", "h3", "br", "table", "text"})


@dataclass(frozen=True)
class Hit:
    """A whole phone or ID number found in a document, and the section it is in."""

    section: str
    masked: str


class PersonalDataFound(ReportError):
    """A document's text holds a whole phone or ID number; the document is not published."""

    def __init__(self, document: str, hits: tuple[Hit, ...]) -> None:
        self.document = document
        self.hits = hits
        where = "；".join(f"「{hit.section}」中的 {hit.masked}" for hit in hits[:5])
        more = f" 等 {len(hits)} 处" if len(hits) > 5 else ""
        super().__init__(
            f"{document} 未发布：文中有未脱敏的电话或身份证号（{where}{more}），"
            "请检查模板是否对该字段使用 mask_text"
        )

    def __reduce__(self) -> tuple[object, ...]:
        # A batch worker process hands the error back pickled.
        return (PersonalDataFound, (self.document, self.hits))


def refuse_personal_numbers(html: str, *, document: str) -> None:
    """Raise `PersonalDataFound` if the HTML's text holds a whole phone or ID number."""
    hits = scan_html(html)
    if hits:
        raise PersonalDataFound(document, hits)


def scan_html(html: str) -> tuple[Hit, ...]:
    """Every whole phone and ID number in the text of an HTML document, with its section."""
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    hits: list[Hit] = []
    for section, text in reader.blocks():
        hits.extend(Hit(section, mask_text(number)) for number in find_personal_numbers(text))
    return tuple(hits)


def scan_text(text: str) -> tuple[str, ...]:
    """Every whole phone and ID number in plain text (as written)."""
    return tuple(find_personal_numbers(text))


def pdf_text(path: Path) -> str:
    """The text of a PDF as `pdftotext` reads it (poppler-utils), in reading order."""
    try:
        completed = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"],
            capture_output=True,
            check=True,
            timeout=60,
        )
    except FileNotFoundError as error:
        raise ReportError("找不到 pdftotext，请安装 poppler-utils") from error
    except subprocess.CalledProcessError as error:
        message = error.stderr.decode("utf-8", "replace").strip()
        raise ReportError(f"无法读取 PDF 文本 {path.name}：{message}") from error
    return completed.stdout.decode("utf-8", "replace")


class _TextReader(HTMLParser):
    """Collect the drawn text of an HTML document in blocks, each with its section heading."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._section = "文档"
        self._heading: list[str] | None = None
        self._hidden = 0
        self._public: list[str] = []  # open elements of the office's public contact
        self._current: list[str] = []
        self._blocks: list[tuple[str, str]] = []

    def blocks(self) -> list[tuple[str, str]]:
        self._flush()
        return self._blocks

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._public or any(name == "data-public-contact" for name, _ in attrs):
            self._public.append(tag)
        if tag in _NOT_DRAWN:
            self._hidden += 1
        if tag in _BLOCKS:
            self._flush()
        if tag in _HEADINGS:
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if self._public and self._public[-1] == tag:
            self._public.pop()
        if tag in _NOT_DRAWN and self._hidden:
            self._hidden -= 1
        if tag in _HEADINGS and self._heading is not None:
            heading = "".join(self._heading).strip()
            if heading and tag != "th":
                self._section = heading[:40]
            self._heading = None
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._hidden or self._public:
            return
        self._current.append(data)
        if self._heading is not None:
            self._heading.append(data)

    def _flush(self) -> None:
        text = "".join(self._current)
        if text.strip():
            self._blocks.append((self._section, text))
        self._current = []
