"""Flows `daily_report_intake` and `submit_daily_report`: take in 日报告, all or nothing.

Reports arrive as a spreadsheet batch (one row per project and day; the columns
are in docs/daily_report_sheet.md, with an optional 送达时间 for the time a paper
form reached the office), as one
JSON document (the API's shape) or from the CLI. The flows read and shape
them; `services.daily_reports.file_reports` files them. Every report is checked
against its project — the day is within the run and not in the future, the
project is running, spend stays within the budget lines, counts are not
negative, no personal data — and the whole batch is refused, naming each
problem, if any report is bad. A report that repeats the stored one is not
stored again; a changed one marked as a revision becomes the next version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow

from flows.runtime import get_now, get_tz, io_task, read_sheet, resolve_cycle, session_scope
from models.arrival import read_arrival
from models.report_input import InputError, read_report_payload
from models.report_rows import REQUIRED_COLUMNS, read_report_row
from models.rows import RowError, RowsRejected, read_all
from services import ServiceError, clerk

# The filing itself is `services.daily_reports`, the one path every door files through.
from services.daily_reports import IntakeSummary, ReportsRejected, Submission, file_reports

__all__ = [
    "IntakeSummary",
    "ReportsRejected",
    "Submission",
    "daily_report_intake",
    "file_reports",
    "read_report_file",
    "store_submissions",
    "submit_daily_report",
]


@io_task
def store_submissions(cycle_id: int, submissions: list[Submission], source: str) -> IntakeSummary:
    """Store a batch of reports in one transaction, or none of them."""
    with session_scope() as session:
        return file_reports(
            session, submissions, actor=clerk(), now=get_now(), source=source, cycle_id=cycle_id
        )


@io_task
def read_report_file(path: str) -> list[Submission]:
    """Read every row of a daily-report spreadsheet; raise RowsRejected listing bad cells."""
    rows = read_sheet(Path(path), required=REQUIRED_COLUMNS)
    tz = get_tz()
    read = read_all(rows, lambda row: (read_report_row(row), read_arrival(row, tz=tz)))
    return [
        Submission(f"{row.file} 第 {row.number} 行", report, received_at=received)
        for row, (report, received) in zip(rows, read, strict=True)
    ]


@flow(name="daily_report_intake", log_prints=True)
def daily_report_intake(path: str, cycle_id: int | None = None) -> IntakeSummary:
    """Import a spreadsheet of daily reports, all or nothing."""
    try:
        submissions = read_report_file(path)
        summary = store_submissions(resolve_cycle(cycle_id), submissions, "xlsx")
    except (RowError, RowsRejected, ServiceError) as error:
        return _refused("xlsx", error)
    print(
        f"{Path(path).name}：新增 {summary.added} 份，修订 {summary.revised} 份，未变化 {len(summary.unchanged)} 份"
    )
    return summary


@flow(name="submit_daily_report", log_prints=True)
def submit_daily_report(
    payload: dict[str, Any], cycle_id: int | None = None, source: str = "api"
) -> IntakeSummary:
    """Store one daily report sent as JSON (the API's shape)."""
    try:
        report = read_report_payload(payload)
        submission = Submission("", report)
        return store_submissions(resolve_cycle(cycle_id), [submission], source)
    except InputError as error:
        return IntakeSummary(source, errors=(str(error),))
    except ServiceError as error:
        return _refused(source, error)


def _refused(source: str, error: Exception) -> IntakeSummary:
    if isinstance(error, RowsRejected):
        problems = [str(e) for e in error.errors]
    elif isinstance(error, ReportsRejected):
        problems = error.problems
    else:
        problems = [str(error)]
    for line in problems:
        print(f"  {line}")
    return IntakeSummary(source, errors=tuple(problems))
