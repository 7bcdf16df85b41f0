"""The daily-report sheet's guide names every column the importer reads, and only those."""

from __future__ import annotations

from models.arrival import ARRIVAL_COLUMN
from models.report_rows import COLUMNS, REQUIRED_COLUMNS
from models.report_sheet import SHEET_COLUMNS, SHEET_GUIDE, guide_lines


def test_the_guide_names_each_column_the_importer_reads_and_the_arrival_time() -> None:
    assert set(SHEET_COLUMNS) == {*COLUMNS, ARRIVAL_COLUMN}
    assert len(SHEET_COLUMNS) == len(set(SHEET_COLUMNS))


def test_only_the_project_and_the_day_are_required() -> None:
    assert {g.column for g in SHEET_GUIDE if g.required} == set(REQUIRED_COLUMNS)
    assert guide_lines()[0].startswith("项目名称（必填）：")
