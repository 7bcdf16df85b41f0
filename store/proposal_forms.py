"""The proposal workbook (申报书模板.xlsx): writing the blank template.

One workbook holds a batch of proposals on four sheets — 申报书, 预算明细,
绩效指标 (one row per indicator, one column per month) and 进度安排 — so an
agency fills in one file. It is read back by `store.spreadsheets.read_sheets`,
the one spreadsheet reader (defused XML, the sheet's true extent, size caps,
cell checks).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

NOTES_SHEET = "填写说明"


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
