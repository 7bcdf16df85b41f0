"""Writing exports the office opens in Excel: XLSX workbooks and CSV, formula injection defused.

A cell whose text starts with = + - @ would run as a formula when a clerk
opens the file. In an XLSX such a cell is written as a text cell with
Excel's quote prefix, so it shows exactly what was typed and never runs. In
a CSV, where there are no cell types, it is prefixed with an apostrophe.
Files are written beside their target and moved into place when complete.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from models.cells import defuse_csv_cell, needs_defusing

Cell = str | int | float | None


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its title, header row and data rows."""

    title: str
    header: tuple[str, ...]
    rows: Sequence[Sequence[Cell]]
    widths: tuple[int, ...] = ()


def write_xlsx(target: Path, sheets: Iterable[Sheet]) -> Path:
    """Write the sheets to an XLSX workbook at `target`."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        for index, width in enumerate(sheet.widths):
            worksheet.column_dimensions[_column_letter(index)].width = width
        worksheet.freeze_panes = "A2"
        header = [_cell(worksheet, name) for name in sheet.header]
        for cell in header:
            cell.font = Font(bold=True)
        worksheet.append(header)
        for row in sheet.rows:
            worksheet.append([_cell(worksheet, value) for value in row])
    with _atomic(target) as partial:
        workbook.save(partial)
    return target


def write_csv(target: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Path:
    """Write a UTF-8 CSV (with BOM, so Excel reads it as UTF-8) at `target`."""
    with _atomic(target) as partial, partial.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([defuse_csv_cell(name) for name in header])
        for row in rows:
            writer.writerow(
                ["" if v is None else defuse_csv_cell(v) if isinstance(v, str) else v for v in row]
            )
    return target


def _cell(worksheet, value: Cell):  # type: ignore[no-untyped-def]
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(worksheet, value=value)
    if isinstance(value, str) and needs_defusing(value):
        # openpyxl would store a leading = as a formula; force text and mark it as typed text.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


@contextmanager
def _atomic(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; move it into place only on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        partial.chmod(0o644)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
