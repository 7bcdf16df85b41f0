"""The proposal workbook (申报书模板.xlsx): writing the blank template and reading its sheets.

One workbook holds a batch of proposals on four sheets — 申报书, 预算明细,
绩效指标 (one row per indicator, one column per month) and 进度安排 — so an
agency fills in one file. Each sheet becomes `Row`s numbered as Excel shows
them, so an error names the sheet, the row and the column. Formulas are read
as their cached values and never evaluated.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from models.rows import Row, RowError

MAX_CELLS = 200_000
NOTES_SHEET = "填写说明"


class _Sheet(Protocol):
    """What is read of an openpyxl worksheet: its rows of cell values."""

    def iter_rows(self, *, values_only: bool) -> Iterable[Sequence[object]]: ...


def read_sheets(path: Path, sheets: Mapping[str, Sequence[str]]) -> dict[str, list[Row]]:
    """Read the named sheets of a workbook, checking each sheet's header first."""
    from openpyxl import load_workbook

    if not path.is_file():
        raise RowError(path.name, 0, "-", f"找不到文件 {path}")
    if not zipfile.is_zipfile(path):
        raise RowError(path.name, 0, "-", "不是 XLSX 工作簿，请用申报书模板另存为 .xlsx")
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        found = {}
        for name, required in sheets.items():
            if name not in workbook.sheetnames:
                raise RowError(path.name, 0, name, "工作簿缺少这张工作表")
            found[name] = _sheet_rows(workbook[name], f"{path.name}「{name}」", required)
        return found
    finally:
        workbook.close()


def _sheet_rows(sheet: _Sheet, label: str, required: Sequence[str]) -> list[Row]:
    records: list[list[str]] = []
    cells = 0
    for record in sheet.iter_rows(values_only=True):
        cells += len(record)
        if cells > MAX_CELLS:
            raise RowError(label, len(records) + 1, "-", f"工作表超过 {MAX_CELLS} 个单元格")
        records.append(["" if cell is None else _cell_text(cell) for cell in record])
    if not records:
        raise RowError(label, 1, "-", "工作表是空的")
    header = [cell.strip() for cell in records[0]]
    missing = [column for column in required if column not in header]
    if missing:
        raise RowError(label, 1, "、".join(missing), "表头缺少这些列")
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if any(cell.strip() for cell in record):
            values = {name: (record[i] if i < len(record) else "") for i, name in enumerate(header)}
            rows.append(Row(label, number, values))
    return rows


def _cell_text(value: object) -> str:
    if hasattr(value, "hour") and hasattr(value, "date"):
        if (value.hour, value.minute) == (0, 0):  # type: ignore[attr-defined]
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")  # type: ignore[attr-defined]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_workbook(path: Path, sheets: Mapping[str, Sequence[str]], notes: Sequence[str]) -> Path:
    """Write a workbook with a bold header row per sheet, and a last sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, header in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(header))
        for index, cell in enumerate(sheet[1], start=1):
            cell.font = Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = max(
                10, 2 * len(header[index - 1]) + 2
            )
    guide = workbook.create_sheet(NOTES_SHEET)
    guide.column_dimensions["A"].width = 100
    for line in notes:
        guide.append([line])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
