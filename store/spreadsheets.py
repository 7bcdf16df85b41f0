"""Reading the tabular files the office keeps: CSV (UTF-8, GBK or UTF-16) and XLSX.

Every file becomes a list of `Row`s numbered as the clerk sees them in
Excel (the header is row 1), so an error points at the right line. Before a
single row is read, a file is refused when it is too large, when an .xlsx
is not really a workbook (an old .xls, a renamed file) or unpacks to far
more than it weighs (a zip bomb), or when its header lacks a required
column, which is also how a header in the wrong language shows. Any cell
holding a formula is refused too, naming its row and column: a file that
runs code when a clerk opens the export is not imported.

Hostile workbooks are refused as such, in one line naming the file, never with
a traceback: XML that declares a DTD or entities (XXE, billion laughs; the
parts are scanned before openpyxl parses them, and openpyxl parses through
defusedxml), a truncated or corrupt sheet, and a workbook that unpacks to more
than `MAX_UNPACKED_BYTES`. A sheet's true extent is read, whatever its
`<dimension>` element claims. A cell holding control characters, or a number
too large to be exact, is refused naming its row and column.

`read_rows` reads the first sheet of a workbook or a CSV file; `read_sheets`
reads named sheets of one workbook (the proposal workbook).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from models.cells import formula_refusal, is_formula, number_cell_problem
from models.rows import Row, RowError, RowsRejected
from models.text import text_problem

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PACKING_RATIO = 200
# Below this a highly packed part cannot hurt; real sheets of repeated cells pack well too.
RATIO_CHECKED_FROM = 20 * 1024 * 1024
MAX_MEMBERS = 10_000
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A DTD or an entity declaration, in UTF-8 (or ASCII) and in either UTF-16.
_DECLARATION = re.compile(
    b"|".join(
        re.escape(word.encode(encoding))
        for word in ("<!DOCTYPE", "<!ENTITY", "<!doctype", "<!entity")
        for encoding in ("utf-8", "utf-16-le", "utf-16-be")
    )
)
_SCAN_CHUNK = 1024 * 1024
# A cell whose number cannot be read exactly carries its refusal behind this mark,
# so the row check names its row and column (no text a person types starts with it).
_NUMBER_MARK = "\x00number\x00"
DECLARATION_MESSAGE = "含有不允许的 XML 声明（DTD/实体），可能是恶意文件，拒绝读取：请在 Excel 中另存为 .xlsx 后再导入"
MAX_CELLS = 200_000
"""Cells read from one sheet of the proposal workbook."""
MAX_SHEET_CELLS = 2_000_000
MAX_SHEET_ROWS = 100_000
"""What one sheet of an import may hold: a cell at column XFD, or a row numbered 1048576, is
padded out by the reader, so these bound the work a small file can cause."""


def read_rows(path: Path, *, required: Sequence[str]) -> list[Row]:
    """Read every data row of a CSV or XLSX file, checking the file and its header first."""
    header, records = _read_table(path)
    _check_header(path.name, header, required)
    rows, errors = [], []
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue
        values = {name: (record[i] if i < len(record) else "") for i, name in enumerate(header)}
        errors += _cell_errors(path.name, number, values, formulas=True)
        rows.append(Row(path.name, number, values))
    if errors:
        raise RowsRejected(errors)
    return rows


def read_sheets(path: Path, sheets: Mapping[str, Sequence[str]]) -> dict[str, list[Row]]:
    """Read the named sheets of a workbook, checking each sheet's header first.

    Formulas are read as their cached values and never evaluated. Each sheet's
    rows are labelled `file「sheet」`, so an error names the sheet too.
    """
    if not path.is_file():
        raise RowError(path.name, 0, "-", f"找不到文件 {path}")
    if not zipfile.is_zipfile(path):
        raise RowError(path.name, 0, "-", "不是有效的 XLSX 工作簿：请用申报书模板另存为 .xlsx")
    with _workbook(path, data_only=True) as workbook:
        found = {}
        for name, required in sheets.items():
            if name not in workbook.sheetnames:
                raise RowError(path.name, 0, name, "工作簿缺少这张工作表")
            label = f"{path.name}「{name}」"
            records = _sheet_records(path.name, workbook, name, max_cells=MAX_CELLS, label=label)
            found[name] = _sheet_rows(label, records, required)
        return found


def _sheet_rows(label: str, records: list[list[str]], required: Sequence[str]) -> list[Row]:
    if not records:
        raise RowError(label, 1, "-", "工作表是空的")
    header = _header(records[0])
    missing = [column for column in required if column not in header]
    if missing:
        raise RowError(label, 1, "、".join(missing), "表头缺少这些列")
    rows, errors = [], []
    for number, record in enumerate(records[1:], start=2):
        if any(cell.strip() for cell in record):
            values = {name: (record[i] if i < len(record) else "") for i, name in enumerate(header)}
            errors += _cell_errors(label, number, values, formulas=False)
            rows.append(Row(label, number, values))
    if errors:
        raise RowsRejected(errors)
    return rows


def _header(record: list[str]) -> list[str]:
    """The header's column names; a refused number there names no column."""
    return ["" if cell.startswith(_NUMBER_MARK) else cell.strip() for cell in record]


def _cell_errors(
    file: str, number: int, values: Mapping[str, str], *, formulas: bool
) -> list[RowError]:
    """One error per bad cell of a row: a formula, control characters or a wild number."""
    errors = []
    for name, value in values.items():
        if not name:
            continue
        if formulas and is_formula(value):
            errors.append(RowError(file, number, name, formula_refusal(value)))
        elif value.startswith(_NUMBER_MARK):
            errors.append(RowError(file, number, name, value[len(_NUMBER_MARK) :]))
        elif (problem := text_problem(value)) is not None:
            errors.append(RowError(file, number, name, problem))
    return errors


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
    # Not data_only: a formula must arrive as its text, so it can be refused.
    with _workbook(path, data_only=False) as workbook:
        if not workbook.worksheets:
            raise RowError(path.name, 0, "-", "不是有效的 XLSX 工作簿（没有工作表）")
        records = _sheet_records(path.name, workbook, None)
    if not records:
        raise RowError(path.name, 1, "-", "工作表是空的")
    return _header(records[0]), records[1:]


@contextmanager
def _workbook(path: Path, *, data_only: bool) -> Iterator[Any]:
    """Open a workbook read-only after checking its archive; close it whatever happens."""
    from openpyxl import load_workbook

    _check_workbook_archive(path)
    _refuse_declarations(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise _damaged(path.name, error) from None
    try:
        yield workbook
    finally:
        workbook.close()


def _sheet_records(
    file: str, workbook: Any, name: str | None, *, max_cells: int = MAX_SHEET_CELLS, label: str = ""
) -> list[list[str]]:
    """Every row of a sheet (the first one unless named) as text, to its true end.

    The sheet is read whatever its `<dimension>` says, within `MAX_SHEET_ROWS` rows
    and `max_cells` cells.
    """
    records: list[list[str]] = []
    cells = 0
    try:
        sheet = workbook[name] if name is not None else workbook.worksheets[0]
        sheet.reset_dimensions()  # read-only mode otherwise stops where <dimension> says
        for record in sheet.iter_rows(values_only=True):
            cells += len(record)
            if cells > max_cells:
                raise RowError(label or file, 0, "-", f"工作表超过 {max_cells} 个单元格")
            if len(records) >= MAX_SHEET_ROWS:
                raise RowError(label or file, 0, "-", f"工作表超过 {MAX_SHEET_ROWS} 行")
            records.append(["" if cell is None else _cell_text(cell) for cell in record])
    except RowError:
        raise
    except Exception as error:  # a truncated or corrupt sheet fails while it is read
        raise _damaged(file, error) from None
    return records


def _damaged(file: str, error: Exception) -> RowError:
    if _is_defused(error):
        return RowError(file, 0, "-", DECLARATION_MESSAGE)
    return RowError(
        file, 0, "-", f"不是有效的 XLSX 工作簿，文件已损坏或不完整（{type(error).__name__}）"
    )


def _is_defused(error: Exception) -> bool:
    try:
        from defusedxml import DefusedXmlException
    except ImportError:  # pragma: no cover - defusedxml is a dependency
        return False
    return isinstance(error, DefusedXmlException)


def _refuse_declarations(path: Path) -> None:
    """Refuse a workbook whose XML declares a DTD or entities, before anything parses it."""
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                with archive.open(member) as part:
                    tail = b""
                    while chunk := part.read(_SCAN_CHUNK):
                        if _DECLARATION.search(tail + chunk):
                            raise RowError(path.name, 0, "-", DECLARATION_MESSAGE)
                        tail = chunk[-32:]
    except RowError:
        raise
    except Exception as error:  # a bad CRC, an unsupported compression, a truncated part
        raise _damaged(path.name, error) from None


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

    if isinstance(value, int | float) and not isinstance(value, bool):
        problem = number_cell_problem(value)
        if problem is not None:
            return _NUMBER_MARK + problem
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
