"""docs/daily_report_sheet.md documents every column the daily-report import reads."""

from __future__ import annotations

from pathlib import Path

from models.report_sheet import SHEET_GUIDE

DOC = Path(__file__).resolve().parents[1] / "docs" / "daily_report_sheet.md"


def test_the_sheet_document_has_a_row_for_every_column() -> None:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    for guide in SHEET_GUIDE:
        wanted = f"| {guide.column} | {'必填' if guide.required else '选填'} |"
        assert any(line.startswith(wanted) for line in lines), guide.column
