"""Exports open in Excel as typed: a cell starting with = + - @ is text there, never a formula."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from store.exports import Sheet, write_csv, write_xlsx

DANGEROUS = ["=cmd|' /C calc'!A0", "+1+cmd|x", "-2+3", "@SUM(A1)"]


def test_an_xlsx_export_writes_formula_characters_as_quoted_text(tmp_path: Path) -> None:
    target = write_xlsx(
        tmp_path / "out.xlsx",
        [
            Sheet(
                "需求清单",
                ("需求内容", "人次"),
                [[text, 3] for text in DANGEROUS] + [["楼道杂物", 8]],
            )
        ],
    )
    sheet = load_workbook(target).active
    cells = [(c.value, c.data_type, c.quotePrefix) for c in sheet["A"][1:]]
    assert cells == [(text, "s", True) for text in DANGEROUS] + [("楼道杂物", "s", False)]
    assert [c.value for c in sheet["B"][1:]] == [3, 3, 3, 3, 8]
    xml = zipfile.ZipFile(target).read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml


def test_a_csv_export_prefixes_formula_characters_with_an_apostrophe(tmp_path: Path) -> None:
    target = write_csv(
        tmp_path / "out.csv", ["text", "domain"], [[t, "community"] for t in DANGEROUS]
    )
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "text,domain"
    assert [line.split(",")[0] for line in lines[1:]] == [
        "'" + DANGEROUS[0],
        "'+1+cmd|x",
        "'-2+3",
        "'@SUM(A1)",
    ]
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_failed_export_leaves_no_file_behind(tmp_path: Path) -> None:
    class Unwritable:
        def __str__(self) -> str:
            raise RuntimeError("磁盘已满")

    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError, match="磁盘已满"):
        write_csv(target, ["text"], [[Unwritable()]])  # type: ignore[list-item]
    assert list(tmp_path.iterdir()) == []
