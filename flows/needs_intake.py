"""Flow `needs_intake`: import residents' needs from a file and merge duplicates.

The whole file is validated before anything is written; one bad row rejects
the file, and the summary lists every bad row. Importing the same file again
adds nothing, because each need carries a fingerprint of what was submitted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow

from flows.runtime import io_task, session_scope
from models.intake import NEED_COLUMNS, NeedRef, NeedRow, group_duplicates, read_need_row
from models.rows import RowError, RowsRejected, read_all
from store import cycles, needs
from store.spreadsheets import read_rows


@dataclass(frozen=True)
class IntakeSummary:
    """What an import did: rows accepted, already known, merged, and rejected."""

    file: str
    rows: int = 0
    added: int = 0
    already_there: int = 0
    groups_merged: int = 0
    needs_merged: int = 0
    errors: tuple[str, ...] = field(default_factory=tuple)


@io_task
def read_need_rows(cycle_id: int, path: str) -> list[NeedRow]:
    """Read and validate every row of a needs file."""
    with session_scope() as session:
        cycle = cycles.get_cycle(session, cycle_id)
        names = [
            c.name for c in cycles.list_communities(session, street_office=cycle.street_office)
        ]
    rows = read_rows(Path(path), required=NEED_COLUMNS)
    return read_all(rows, lambda row: read_need_row(row, communities=names))


@io_task
def store_needs(cycle_id: int, rows: list[NeedRow]) -> tuple[int, int]:
    """Add the new needs in one transaction; return (added, already there)."""
    with session_scope() as session:
        cycle = cycles.get_cycle(session, cycle_id)
        ids = {
            c.name: c.id
            for c in cycles.list_communities(session, street_office=cycle.street_office)
        }
        return needs.add_needs(session, cycle_id=cycle_id, rows=rows, community_ids=ids)  # type: ignore[arg-type]


@io_task
def merge_duplicates(cycle_id: int) -> tuple[int, int]:
    """Group duplicate needs of the cycle; return (groups, needs merged into them)."""
    with session_scope() as session:
        refs = [
            NeedRef(n.id, n.community_id, n.text, n.submitted_on)  # type: ignore[arg-type]
            for n in needs.list_needs(session, cycle_id=cycle_id)
        ]
        groups = [g for g in group_duplicates(refs) if g.member_ids]
        needs.set_duplicate_groups(session, groups=groups)
        return len(groups), sum(len(g.member_ids) for g in groups)


@flow(name="needs_intake", log_prints=True)
def needs_intake(cycle_id: int, path: str) -> IntakeSummary:
    """Import a needs file into the cycle, all or nothing, then merge duplicates."""
    name = Path(path).name
    try:
        rows = read_need_rows(cycle_id, path)
    except RowsRejected as rejected:
        print(f"{name}：{rejected}")
        return IntakeSummary(name, errors=tuple(str(e) for e in rejected.errors))
    except RowError as error:
        print(str(error))
        return IntakeSummary(name, errors=(str(error),))
    added, known = store_needs(cycle_id, rows)
    groups, merged = merge_duplicates(cycle_id)
    print(
        f"{name}：{len(rows)} 行，新增 {added}，已导入过 {known}；合并重复 {groups} 组 {merged} 条"
    )
    return IntakeSummary(name, len(rows), added, known, groups, merged)
