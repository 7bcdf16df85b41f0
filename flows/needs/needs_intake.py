"""Flow `needs_intake`: import residents' needs, then merge, classify, queue and summarise them.

The whole file is checked before anything is written: one bad row rejects
the file, and the summary lists every bad cell by row and column. Importing
the same file again adds nothing, because each need carries a fingerprint of
what was submitted. After the import the `categorise_needs` flow merges
duplicates, sorts the needs into the cycle's domains, fills the review queue
and posts the demand summary as a Prefect artifact.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from prefect import flow
from rich.progress import track

from flows.needs.categorise_needs import CategorisationSummary, categorise_needs
from flows.runtime import get_tz, io_task, session_scope
from models.intake import REQUIRED_NEED_COLUMNS, NeedRow, read_need_row
from models.rows import RowError, RowsRejected
from store import cycles, needs
from store.spreadsheets import read_rows

PROGRESS_FROM = 2_000


@dataclass(frozen=True)
class IntakeSummary:
    """What an import did: rows accepted and rejected, added, already there, then sorted."""

    file: str
    rows: int = 0
    rejected: int = 0
    added: int = 0
    already_there: int = 0
    errors: tuple[str, ...] = ()
    categorisation: CategorisationSummary = field(default_factory=CategorisationSummary)

    @property
    def accepted(self) -> int:
        """How many rows passed every check."""
        return self.rows - self.rejected

    @property
    def needs_merged(self) -> int:
        """How many needs joined a group of duplicates."""
        return self.categorisation.needs_merged


@dataclass(frozen=True)
class CheckedRows:
    """A needs file read and checked: its good rows, and every bad cell."""

    rows: list[NeedRow]
    total: int
    errors: list[RowError]


def check_need_rows(cycle_id: int, path: str, today: date, progress: bool = False) -> CheckedRows:
    """Read a needs file and check every row against the office's communities and `today`."""
    with session_scope() as session:
        cycle = cycles.get_cycle(session, cycle_id)
        names = {
            c.name for c in cycles.list_communities(session, street_office=cycle.street_office)
        }
    rows = read_rows(Path(path), required=REQUIRED_NEED_COLUMNS)
    good, errors = [], []
    shown = progress and len(rows) >= PROGRESS_FROM
    for row in track(rows, description="检查每一行", disable=not shown, transient=True):
        try:
            good.append(read_need_row(row, communities=names, today=today))
        except RowError as error:
            errors.append(error)
    return CheckedRows(good, len(rows), errors)


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
        cycle = cycles.get_cycle(session, cycle_id)
        ids = {
            c.name: c.id
            for c in cycles.list_communities(session, street_office=cycle.street_office)
        }
        added, known = needs.add_needs(
            session,
            cycle_id=cycle_id,
            rows=checked.rows,
            community_ids=ids,  # type: ignore[arg-type]
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
    today = today or datetime.now(get_tz()).date()
    imported = import_needs(cycle_id, path, today, progress)
    if imported.errors:
        print(f"{imported.file}：{len(imported.errors)} 处错误，未写入任何数据")
        return imported
    print(
        f"{imported.file}：{imported.rows} 行全部有效，"
        f"新增 {imported.added}，已导入过 {imported.already_there}"
    )
    return replace(imported, categorisation=categorise_needs(cycle_id))
