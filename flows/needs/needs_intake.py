"""Flow `needs_intake`: import residents' needs, then merge, classify, queue and summarise them.

The whole file is checked before anything is written: one bad row rejects
the file, and the summary lists every bad cell by row and column. Importing
the same file again adds nothing, because each need carries a fingerprint of
what was submitted. After the import the `categorise_needs` flow merges
duplicates, sorts the needs into the cycle's domains, fills the review queue
and posts the demand summary as a Prefect artifact. The checking and storing
are `services.needs`, the same a need from the portal's form goes through.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from prefect import flow
from rich.progress import track

from flows.needs.categorise_needs import categorise_needs
from flows.runtime import get_now, io_task, session_scope
from models.rows import RowError, RowsRejected
from services import SYSTEM
from services import needs as needs_service
from services.needs import CategorisationSummary, CheckedRows, IntakeSummary

__all__ = [
    "CategorisationSummary",
    "CheckedRows",
    "IntakeSummary",
    "check_need_rows",
    "import_needs",
    "needs_intake",
]

PROGRESS_FROM = 2_000


def check_need_rows(cycle_id: int, path: str, today: date, progress: bool = False) -> CheckedRows:
    """Read a needs file and check every row against the office's communities and `today`."""

    def each(rows):  # type: ignore[no-untyped-def]
        shown = progress and len(rows) >= PROGRESS_FROM
        return track(rows, description="检查每一行", disable=not shown, transient=True)

    with session_scope() as session:
        return needs_service.check_need_file(
            session, cycle_id=cycle_id, path=Path(path), today=today, each=each
        )


@io_task
def import_needs(cycle_id: int, path: str, today: date, progress: bool = False) -> IntakeSummary:
    """Check every row of a needs file; only if all are good, add the new ones in one transaction."""
    # One task, so a hundred thousand rows never travel between tasks as parameters.
    name = Path(path).name
    try:
        checked = check_need_rows(cycle_id, path, today, progress)
    except RowsRejected as rejected:
        return _rejected(name, 0, rejected.errors)
    except RowError as error:
        return IntakeSummary(name, errors=(str(error),))
    if checked.errors:
        return _rejected(name, checked.total, checked.errors)
    with session_scope() as session:
        added, known = needs_service.take_needs(
            session, actor=SYSTEM, now=get_now(), cycle_id=cycle_id, rows=checked.rows
        )
    return IntakeSummary(name, checked.total, 0, added, known)


def _rejected(name: str, total: int, errors: list[RowError]) -> IntakeSummary:
    return IntakeSummary(
        name, rows=total, rejected=len({e.row for e in errors}), errors=tuple(map(str, errors))
    )


@flow(name="needs_intake", log_prints=True)
def needs_intake(
    cycle_id: int, path: str, today: date | None = None, progress: bool = False
) -> IntakeSummary:
    """Import a needs file into the cycle, all or nothing, then merge, classify and summarise."""
    today = today or get_now().date()
    imported = import_needs(cycle_id, path, today, progress)
    if imported.errors:
        print(f"{imported.file}：{len(imported.errors)} 处错误，未写入任何数据")
        return imported
    print(
        f"{imported.file}：{imported.rows} 行全部有效，"
        f"新增 {imported.added}，已导入过 {imported.already_there}"
    )
    return replace(imported, categorisation=categorise_needs(cycle_id))
