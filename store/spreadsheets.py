"""Reading the tabular files the office keeps: CSV (UTF-8 or GBK) and XLSX.

Every file becomes a list of `Row`s numbered as the clerk sees them in
Excel (the header is row 1), so an error points at the right line. A file
that lacks a required column is refused before any row is read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from models.rows import Row, RowError


def read_rows(path: Path, *, required: Sequence[str]) -> list[Row]:
    """Read every data row of a CSV or XLSX file, checking the header first."""
    if not path.is_file():
        raise RowError(path.name, 0, "-", f"找不到文件 {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, records = _read_xlsx(path)
    else:
        header, records = _read_csv(path)
    missing = [column for column in required if column not in header]
    if missing:
        raise RowError(path.name, 1, "、".join(missing), "表头缺少这些列")
    rows = []
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue
        values = {name: (record[i] if i < len(record) else "") for i, name in enumerate(header)}
        rows.append(Row(path.name, number, values))
    return rows


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RowError(path.name, 0, "-", "文件编码无法识别，请另存为 UTF-8 CSV")
    records = list(csv.reader(io.StringIO(text)))
    if not records:
        raise RowError(path.name, 1, "-", "文件是空的")
    return [cell.strip() for cell in records[0]], records[1:]


def _read_xlsx(path: Path) -> tuple[list[str], list[list[str]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
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


def _cell_text(value: object) -> str:
    if hasattr(value, "date") and hasattr(value, "hour"):
        moment = value
        if (moment.hour, moment.minute) == (0, 0):  # type: ignore[attr-defined]
            return moment.date().isoformat()  # type: ignore[attr-defined]
        return moment.strftime("%Y-%m-%d %H:%M")  # type: ignore[attr-defined]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
