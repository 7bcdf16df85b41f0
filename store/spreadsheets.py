"""Reading the tabular files the office keeps: CSV (UTF-8, GBK or UTF-16) and XLSX.

Every file becomes a list of `Row`s numbered as the clerk sees them in
Excel (the header is row 1), so an error points at the right line. Before a
single row is read, a file is refused when it is too large, when an .xlsx
is not really a workbook (an old .xls, a renamed file) or unpacks to far
more than it weighs (a zip bomb), or when its header lacks a required
column, which is also how a header in the wrong language shows. Any cell
holding a formula is refused too, naming its row and column: a file that
runs code when a clerk opens the export is not imported.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from models.cells import formula_refusal, is_formula
from models.rows import Row, RowError, RowsRejected

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_PACKING_RATIO = 200
# Below this a highly packed part cannot hurt; real sheets of repeated cells pack well too.
RATIO_CHECKED_FROM = 20 * 1024 * 1024
MAX_MEMBERS = 10_000
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def read_rows(path: Path, *, required: Sequence[str]) -> list[Row]:
    """Read every data row of a CSV or XLSX file, checking the file and its header first."""
    header, records = _read_table(path)
    _check_header(path.name, header, required)
    rows, errors = [], []
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue
        values = {name: (record[i] if i < len(record) else "") for i, name in enumerate(header)}
        errors += [
            RowError(path.name, number, name, formula_refusal(value))
            for name, value in values.items()
            if name and is_formula(value)
        ]
        rows.append(Row(path.name, number, values))
    if errors:
        raise RowsRejected(errors)
    return rows


def _read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise RowError(path.name, 0, "-", f"找不到文件 {path}")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RowError(
            path.name, 0, "-", f"文件有 {size // 2**20} MB，超过 {MAX_FILE_BYTES // 2**20} MB 上限"
        )
    with path.open("rb") as handle:
        start = handle.read(4)
    if start == _OLE_MAGIC or path.suffix.lower() == ".xls":
        raise RowError(
            path.name, 0, "-", "这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 后再导入"
        )
    if start == _ZIP_MAGIC or path.suffix.lower() in _XLSX_SUFFIXES:
        return _read_xlsx(path)
    return _read_csv(path)


def _check_header(file: str, header: list[str], required: Sequence[str]) -> None:
    missing = [column for column in required if column not in header]
    if not missing:
        return
    got = "、".join(name for name in header if name) or "（空）"
    wants_chinese = any(_CJK.search(column) for column in required)
    if wants_chinese and not any(_CJK.search(name) for name in header):
        raise RowError(
            file, 1, "表头", f"表头应为中文列名（{'、'.join(required)}），收到的是 {got}"
        )
    raise RowError(file, 1, "、".join(missing), f"表头缺少这些列（收到的表头：{got}）")


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    text = _decode(path.name, path.read_bytes())
    if "\x00" in text:
        raise RowError(
            path.name, 0, "-", "不是文本 CSV 文件：请在 Excel 中另存为 CSV UTF-8 或 .xlsx"
        )
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise RowError(path.name, 0, "-", f"CSV 格式错误：{error}") from None
    if not records:
        raise RowError(path.name, 1, "-", "文件是空的")
    return [cell.strip() for cell in records[0]], records[1:]


def _decode(name: str, raw: bytes) -> str:
    # Excel saves "Unicode text" as UTF-16 with a byte-order mark, and plain "CSV" as GBK.
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RowError(name, 0, "-", "文件编码无法识别：请在 Excel 中另存为「CSV UTF-8（逗号分隔）」")


def _read_xlsx(path: Path) -> tuple[list[str], list[list[str]]]:
    from openpyxl import load_workbook

    _check_workbook_archive(path)
    try:
        # Not data_only: a formula must arrive as its text, so it can be refused.
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise RowError(
            path.name, 0, "-", f"不是有效的 XLSX 工作簿（{type(error).__name__}）"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        records = [
            ["" if cell is None else _cell_text(cell) for cell in record]
            for record in sheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()
    if not records:
        raise RowError(path.name, 1, "-", "工作表是空的")
    return [cell.strip() for cell in records[0]], records[1:]


def _check_workbook_archive(path: Path) -> None:
    """Refuse a file that is not a zip archive, or that unpacks to far more than it weighs."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise RowError(
            path.name, 0, "-", "不是有效的 XLSX 文件（可能改了扩展名）：请在 Excel 中另存为 .xlsx"
        ) from None
    if len(members) > MAX_MEMBERS:
        raise RowError(path.name, 0, "-", f"XLSX 内含 {len(members)} 个部件，不像正常的工作簿")
    unpacked = sum(member.file_size for member in members)
    ratio = max(
        (
            m.file_size / max(m.compress_size, 1)
            for m in members
            if m.file_size >= RATIO_CHECKED_FROM
        ),
        default=0,
    )
    if unpacked > MAX_UNPACKED_BYTES or ratio > MAX_PACKING_RATIO:
        raise RowError(
            path.name,
            0,
            "-",
            f"XLSX 解压后有 {unpacked // 2**20} MB（压缩比 {ratio:.0f}:1），疑似压缩炸弹，拒绝读取",
        )


def _cell_text(value: object) -> str:
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    if isinstance(value, ArrayFormula):
        return str(value.text)
    if isinstance(value, DataTableFormula):
        return "=TABLE()"
    if isinstance(value, datetime):  # openpyxl gives date cells as datetimes
        if (value.hour, value.minute) == (0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
