"""The reviewer pool (评审专家库) and declared conflicts of interest (利益冲突申报).

The office names the reviewers a stage's panels are seated from, and each reviewer's
declared conflicts with an agency, as a sheet (`gongyi selection seat --reviewers
--conflicts`) or typed on the portal's 遴选 page (one reviewer per line; one conflict
per line as 评审专家，机构名称，冲突类型，说明). Both are read here by the same rows,
every bad cell named by its row and column and nothing stored; `register_reviewer_pool`
then stores the reviewers and conflicts in the caller's unit of work (`seat_stage`
does it in its own, so a refused seating stores no conflict either).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from models.panel import AssignmentStatus, ConflictKind, ConflictOfInterest
from models.rows import Row, RowError, RowsRejected, read_all
from models.status import Role, Stage
from store import calls, selection, users
from store.spreadsheets import read_rows

CONFLICT_KINDS = {
    "关联关系": ConflictKind.AFFILIATION,
    "曾任职": ConflictKind.PAST_EMPLOYMENT,
    "捐赠方关联": ConflictKind.DONOR_TIE,
    "机构工作人员": ConflictKind.STAFF,
}
CONFLICT_COLUMNS = ("评审专家", "机构名称", "冲突类型", "说明")
TYPED_REVIEWERS = "评审专家（页面填写）"
TYPED_CONFLICTS = "利益冲突（页面填写）"


@dataclass(frozen=True)
class DeclaredConflict:
    """A reviewer's declared conflict with one agency."""

    reviewer: str
    agency_id: int
    kind: str
    note: str = ""


@dataclass(frozen=True)
class ReviewerPool:
    """The reviewers a stage is seated from, and their declared conflicts."""

    names: tuple[str, ...]
    conflicts: tuple[DeclaredConflict, ...] = ()


def typed_rows(text: str, *, file: str, columns: Sequence[str]) -> list[Row]:
    """Rows typed one per line (cells split by commas), numbered by line."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = next(csv.reader([line.replace("，", ",")]))
        rows.append(Row(file, number, dict(zip(columns, cells, strict=False))))
    return rows


def read_reviewer_pool(
    session: Session,
    *,
    names_text: str = "",
    reviewers: Path | None = None,
    conflicts_text: str = "",
    conflicts: Path | None = None,
) -> ReviewerPool:
    """Read the pool (typed, a sheet, or both) and its conflicts; refuse every bad cell at once."""
    try:
        rows = typed_rows(names_text, file=TYPED_REVIEWERS, columns=("评审专家",))
        if reviewers is not None:
            rows += read_rows(reviewers, required=("评审专家",))
        names = read_all(rows, lambda r: r.text("评审专家", max_length=100))
        conflict_rows = typed_rows(conflicts_text, file=TYPED_CONFLICTS, columns=CONFLICT_COLUMNS)
        if conflicts is not None:
            conflict_rows += read_rows(conflicts, required=CONFLICT_COLUMNS[:3])
    except RowError as error:  # a file as a whole: missing, empty, no such column
        raise RowsRejected([error]) from None
    pool = tuple(dict.fromkeys(names))
    agencies = {a.name: a.id or 0 for a in calls.list_agencies(session)}

    def read_conflict(row: Row) -> DeclaredConflict:
        name = row.text("评审专家", max_length=100)
        if name not in pool:
            raise row.error("评审专家", f"不在评审专家库中：{name!r}")
        agency = row.text("机构名称", max_length=200)
        if agency not in agencies:
            raise row.error("机构名称", f"未登记的机构：{agency!r}")
        kind = row.choice("冲突类型", CONFLICT_KINDS)
        note = row.text("说明", required=False, max_length=200)
        return DeclaredConflict(name, agencies[agency], kind, note)

    return ReviewerPool(pool, tuple(read_all(conflict_rows, read_conflict)))


def register_reviewer_pool(session: Session, pool: ReviewerPool) -> dict[str, int]:
    """Store the pool's reviewers and conflicts (in the caller's unit of work); return ids by name."""
    ids = {
        name: users.add_user(session, name=name, role=Role.EVALUATOR).id or 0 for name in pool.names
    }
    for conflict in pool.conflicts:
        selection.add_conflict(
            session,
            ConflictOfInterest(
                reviewer_id=ids[conflict.reviewer],
                agency_id=conflict.agency_id,
                kind=conflict.kind,
                note=conflict.note,
            ),
        )
    return ids


def seated_reviewers(session: Session, *, call_id: int) -> list[str]:
    """The names of the reviewers seated in the call's 初审 or 路演答辩, for the next seating."""
    names = {u.id: u.name for u in users.list_users(session, role=Role.EVALUATOR)}
    seated = {
        a.reviewer_id
        for stage in (Stage.PRELIMINARY, Stage.DEFENCE)
        for a in selection.list_assignments(session, call_id=call_id, stage=stage)
        if a.status != AssignmentStatus.ABSTAINED
    }
    return sorted(names[r] for r in seated if r in names)


def list_declared_conflicts(session: Session) -> list[tuple[str, str, str]]:
    """Every declared conflict: reviewer, agency, kind (Chinese), sorted."""
    names = {u.id: u.name for u in users.list_users(session)}
    agencies = {a.id: a.name for a in calls.list_agencies(session)}
    labels: dict[str, str] = {kind: label for label, kind in CONFLICT_KINDS.items()}
    return sorted(
        (names.get(reviewer, str(reviewer)), agencies.get(agency, str(agency)), labels.get(k, k))
        for (reviewer, agency), k in selection.list_conflicts(session).items()
    )
