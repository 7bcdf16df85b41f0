"""Reading needs files: every bad file is refused before a row is read, naming where to look."""

from __future__ import annotations

import csv
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from models.intake import NEED_COLUMNS
from models.rows import RowError, RowsRejected
from store.spreadsheets import MAX_FILE_BYTES, read_rows
from tests.builders import need_row

GOOD = need_row()


def write_csv(
    path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def refusal(path: Path) -> str:
    with pytest.raises(RowError) as refused:
        read_rows(path, required=NEED_COLUMNS)
    return str(refused.value)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_a_csv_saved_by_chinese_excel_in_gbk_or_as_utf8_is_read_alike(
    tmp_path: Path, encoding: str
):
    path = write_csv(tmp_path / "needs.csv", [list(NEED_COLUMNS), GOOD], encoding=encoding)
    [row] = read_rows(path, required=NEED_COLUMNS)
    assert (row.number, row.values["需求内容"], row.values["社区"]) == (2, GOOD[0], GOOD[1])


def test_a_unicode_text_export_from_excel_utf16_with_tabs_is_read(tmp_path: Path):
    path = write_csv(
        tmp_path / "needs.txt", [list(NEED_COLUMNS), GOOD], encoding="utf-16", delimiter="\t"
    )
    assert read_rows(path, required=NEED_COLUMNS)[0].values["联系人"] == GOOD[5]


def test_rows_are_numbered_as_excel_shows_them_and_blank_rows_are_skipped(tmp_path: Path):
    path = write_xlsx(tmp_path / "needs.xlsx", [list(NEED_COLUMNS), GOOD, [None] * 7, GOOD])
    assert [row.number for row in read_rows(path, required=NEED_COLUMNS)] == [2, 4]


def test_an_excel_date_cell_reads_as_an_iso_day(tmp_path: Path):
    row = [*GOOD[:4], date(2026, 3, 2), *GOOD[5:]]
    path = write_xlsx(tmp_path / "needs.xlsx", [list(NEED_COLUMNS), row])
    assert read_rows(path, required=NEED_COLUMNS)[0].values["提交日期"] == "2026-03-02"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_formula_in_a_cell_is_refused_naming_its_row_and_column(tmp_path: Path, kind: str):
    bad = ["=cmd|' /C calc'!A0", *GOOD[1:]]
    rows = [list(NEED_COLUMNS), GOOD, bad, [*GOOD[:5], "+1+cmd|x", GOOD[6]]]
    path = (write_csv if kind == "csv" else write_xlsx)(tmp_path / f"needs.{kind}", rows)  # type: ignore[operator]
    with pytest.raises(RowsRejected) as refused:
        read_rows(path, required=NEED_COLUMNS)
    assert [str(e).split("：")[0] for e in refused.value.errors] == [
        f"needs.{kind} 第 3 行「需求内容」",
        f"needs.{kind} 第 4 行「联系人」",
    ]
    assert "单元格是公式（=cmd|' /C calc'!A0）" in str(refused.value.errors[0])


def test_a_header_in_english_is_refused_as_the_wrong_language(tmp_path: Path):
    english = ["text", "community", "target group", "source", "date", "contact", "phone"]
    path = write_csv(tmp_path / "needs.csv", [english, GOOD])
    assert refusal(path) == (
        "needs.csv 第 1 行「表头」：表头应为中文列名（需求内容、社区、服务对象、来源、提交日期、联系人、联系电话），"
        "收到的是 text、community、target group、source、date、contact、phone"
    )


def test_a_header_missing_a_column_names_the_column(tmp_path: Path):
    path = write_csv(tmp_path / "needs.csv", [list(NEED_COLUMNS[:-1]), GOOD[:-1]])
    assert refusal(path).startswith(
        "needs.csv 第 1 行「联系电话」：表头缺少这些列（收到的表头：需求内容、"
    )


def test_a_text_file_named_xlsx_is_refused_as_not_a_workbook(tmp_path: Path):
    path = tmp_path / "needs.xlsx"
    path.write_text("需求内容,社区\n楼道杂物,长淮社区\n", encoding="utf-8")
    assert "不是有效的 XLSX 文件" in refusal(path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path):
    path = tmp_path / "needs.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert "不是有效的 XLSX 工作簿" in refusal(path)


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_unpacked(tmp_path: Path):
    path = tmp_path / "needs.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    message = refusal(path)
    assert message.startswith("needs.xlsx：XLSX 解压后有 64 MB（压缩比")
    assert "疑似压缩炸弹" in message


def test_an_old_xls_workbook_is_refused_with_how_to_convert_it(tmp_path: Path):
    path = tmp_path / "needs.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert "请在 Excel 中另存为 .xlsx" in refusal(path)


def test_a_file_larger_than_the_limit_is_refused_unread(tmp_path: Path):
    path = tmp_path / "needs.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: takes no disk space
    assert "超过 100 MB 上限" in refusal(path)


def test_a_binary_file_named_csv_is_refused(tmp_path: Path):
    path = tmp_path / "needs.csv"
    path.write_bytes(b"\x00\x01\x02binary")
    assert "不是文本 CSV 文件" in refusal(path)


def test_an_empty_file_and_a_missing_file_are_refused(tmp_path: Path):
    (tmp_path / "empty.csv").write_bytes(b"")
    assert refusal(tmp_path / "empty.csv") == "empty.csv 第 1 行「-」：文件是空的"
    assert "找不到文件" in refusal(tmp_path / "missing.csv")
