"""What an attachment is, by its bytes, and what it may be called (`models.attachment_rules`)."""

from __future__ import annotations

import io
import zipfile

import pytest

from models.attachment_rules import (
    DOCX,
    JPG,
    PDF,
    PNG,
    XLSX,
    AttachmentError,
    check_file,
    clean_filename,
    neutral_name,
    sniff_kind,
)


def _zip(*parts: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for part in parts:
            archive.writestr(part, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n", PDF),
        (b"\x89PNG\r\n\x1a\n\x00", PNG),
        (b"\xff\xd8\xff\xe0JFIF", JPG),
        (_zip("[Content_Types].xml", "word/document.xml"), DOCX),
        (_zip("[Content_Types].xml", "xl/workbook.xml"), XLSX),
        (b"MZ\x90\x00", None),
        (b"<html><script>alert(1)</script>", None),
        (_zip("evil.exe"), None),
        (b"PK\x03\x04 not really a zip", None),
    ],
    ids=["pdf", "png", "jpg", "docx", "xlsx", "exe", "html", "plain-zip", "broken-zip"],
)
def test_a_file_is_known_by_its_first_bytes_not_its_name(data: bytes, kind: object) -> None:
    assert sniff_kind(data) == kind


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("资质证明.PDF", "资质证明.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\机构\\照片 1.jpg", "照片 1.jpg"),
        ('<img src=x>"a".png', "img src=xa.png"),
        ("\x00\x1b[31m红.pdf", "[31m红.pdf"),
        ("...", "附件"),
        ("很长" * 100 + ".docx", "很长" * 57 + "很.docx"),
    ],
)
def test_a_name_keeps_its_last_part_without_control_or_reserved_characters(
    given: str, kept: str
) -> None:
    assert clean_filename(given) == kept


def test_a_program_named_pdf_is_refused_by_name() -> None:
    with pytest.raises(AttachmentError, match=r"「setup\.pdf」的内容不是允许的文件类型"):
        check_file("setup.pdf", b"MZ\x90\x00")


def test_jpeg_is_a_jpg() -> None:
    assert check_file("合影.jpeg", b"\xff\xd8\xff\xe0") == ("合影.jpeg", JPG)


def test_blind_names_number_the_files_and_keep_their_type() -> None:
    assert neutral_name(1, PDF.content_type) == "附件1.pdf"
    assert neutral_name(3, DOCX.content_type) == "附件3.docx"
