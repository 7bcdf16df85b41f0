"""Rules for a proposal's attachments (附件): what a file is, what it may be called, how many.

A file's type is read from its first bytes (its magic number), never from its
name alone: a program renamed `.pdf` is still a program. PDF, JPG and PNG are
known by their signatures; DOCX and XLSX are ZIP archives known by the part
each must hold (`word/document.xml`, `xl/workbook.xml`). Only the archive's
table of contents is read, nothing is unpacked. The name a user gives is cut
to its last path part, stripped of control and reserved characters and kept to
a length the table holds; its extension must agree with what the bytes are.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024
"""Largest attachment: 10 MiB."""
MAX_FILES = 10
"""Supporting files per proposal, besides the kept workbook (原始申报书)."""
WORKBOOK_NAME = "原始申报书.xlsx"
"""The name the agency's uploaded proposal workbook is kept under."""
NAME_LENGTH = 120


@dataclass(frozen=True)
class FileKind:
    """An allowed type of attachment."""

    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("PDF", "application/pdf", (".pdf",))
JPG = FileKind("JPG", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileKind("PNG", "image/png", (".png",))
DOCX = FileKind(
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
KINDS = (PDF, JPG, PNG, DOCX, XLSX)
ALLOWED = "、".join(k.label for k in KINDS)
_RESERVED = set('<>:"/\\|?*')


class AttachmentError(ValueError):
    """A file that may not be attached, with the reason in Chinese."""


def sniff_kind(data: bytes) -> FileKind | None:
    """Return the kind the bytes are, by their signature; None if not an allowed kind."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPG
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in parts:
        return None
    if "word/document.xml" in parts:
        return DOCX
    if "xl/workbook.xml" in parts:
        return XLSX
    return None


def clean_filename(name: str) -> str:
    """Return the name's last path part without control or reserved characters, cut to length."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(
        c
        for c in name
        if c == " " or (c not in _RESERVED and unicodedata.category(c)[0] not in "CZ")
    )
    kept = " ".join(kept.split()).strip(" .")
    stem, dot, extension = kept.rpartition(".")
    if not dot:
        stem, extension = kept, ""
    extension = extension[:10].lower()
    stem = stem[: NAME_LENGTH - len(extension) - 1] or "附件"
    return f"{stem}.{extension}" if extension else stem


def check_file(name: str, data: bytes, *, limit: int = MAX_BYTES) -> tuple[str, FileKind]:
    """Return the clean name and kind of an allowed file, or raise `AttachmentError` naming it."""
    clean = clean_filename(name)
    if not data:
        raise AttachmentError(f"「{clean}」是空文件")
    if len(data) > limit:
        raise AttachmentError(
            f"「{clean}」大小 {size_label(len(data))}，超过单个附件上限 {size_label(limit)}"
        )
    kind = sniff_kind(data)
    if kind is None:
        raise AttachmentError(f"「{clean}」的内容不是允许的文件类型（只接受 {ALLOWED}）")
    extension = "." + clean.rpartition(".")[2].lower() if "." in clean else ""
    if extension not in kind.extensions:
        shown = extension or "（无扩展名）"
        raise AttachmentError(f"「{clean}」的扩展名 {shown} 与文件内容（{kind.label}）不符")
    return clean, kind


def neutral_name(position: int, kind_of: str) -> str:
    """The name shown in blind review: 附件1.pdf, by position and the file's type."""
    kind = next((k for k in KINDS if k.content_type == kind_of), None)
    return f"附件{position}{kind.extensions[0] if kind else ''}"


def size_label(size: int) -> str:
    """A size as people read it: 820 KB, 1.5 MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"
