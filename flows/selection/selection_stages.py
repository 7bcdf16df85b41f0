"""Tasks for the scored stages of selection: the reviewer pool, panels, scores, stage results.

A score sheet is validated in full before anything is stored: a score off
the 0–100 scale, a reviewer not seated on that proposal's panel, a proposal no
longer in the stage, a title two proposals share (write the proposal's number
instead), or the same reviewer scoring the same proposal twice in one sheet each
name the row. The reading is `services.score_sheet`'s and the checks and the storing are
`services.reviews`', the same as the portal's upload and a score from the
evaluator's page or the JSON API.
The demo's score book holds every simulated reviewer's opinion of every
proposal; with `score_book=True` rows for reviewers not seated are skipped
instead of refused, as if each reviewer scored only their assignments.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flows.runtime import get_now, io_task, session_scope
from models.panel import CONFLICT_LABELS, ConflictKind
from models.status import STAGE_LABELS, Role, Stage
from services import Actor, panels, reviewer_pool, reviews, score_sheet
from services import selection as selection_service
from services.reviews import SheetScore
from store import proposals, selection, users

STAGE_BY_LABEL = {label: stage for stage, label in STAGE_LABELS.items()}
SHEET_ACTOR = Actor(login="select_projects", name="遴选评分表", role=Role.SYSTEM)


@io_task
def store_reviewer_pool(reviewers_path: str, conflicts_path: str | None = None) -> list[str]:
    """Register the reviewers and their declared conflicts (`services.reviewer_pool`); return the names.

    A missing, empty or unreadable file, or a bad row, is named in one `RowsRejected`.
    """
    with session_scope() as session:
        pool = reviewer_pool.read_reviewer_pool(
            session,
            reviewers=Path(reviewers_path),
            conflicts=Path(conflicts_path) if conflicts_path else None,
        )
        reviewer_pool.register_reviewer_pool(session, pool)
    return list(pool.names)


@io_task
def seat_panels(call_id: int, stage: str, reviewer_names: list[str]) -> dict[str, list[str]]:
    """Seat k conflict-free reviewers on every proposal waiting in the stage (`services.panels`)."""
    with session_scope() as session:
        return panels.seat_stage(
            session,
            actor=SHEET_ACTOR,
            now=get_now(),
            call_id=call_id,
            stage=stage,
            reviewer_names=reviewer_names,
        )


@io_task
def count_conflicts_excluded(call_id: int, stage: str) -> list[str]:
    """Describe each conflict that kept a reviewer off a proposal seated in the stage."""
    with session_scope() as session:
        conflicts = selection.list_conflicts(session)
        names = {u.id: u.name for u in users.list_users(session)}
        seated = {
            a.proposal_id for a in selection.list_assignments(session, call_id=call_id, stage=stage)
        }
        return [
            f"{names[reviewer]} 回避「{p.title}」（{CONFLICT_LABELS[ConflictKind(kind)]}）"
            for p in proposals.list_proposals(session, call_id=call_id)
            if p.id in seated
            for (reviewer, agency_id), kind in sorted(conflicts.items())
            if agency_id == p.agency_id
        ]


@io_task
def read_score_sheet(
    call_id: int, stage: str, path: str, *, score_book: bool = False
) -> list[SheetScore]:
    """Read a stage's score sheet and check it (`services.score_sheet`), storing nothing."""
    with session_scope() as session:
        return score_sheet.read_score_sheet(
            session, call_id=call_id, stage=stage, path=Path(path), score_book=score_book
        )


@io_task
def store_scores(
    call_id: int, stage: str, sheet: list[SheetScore], on: date | None = None
) -> dict[int, float]:
    """Store the checked sheet's scores for the stage; return each proposal's normalised average."""
    with session_scope() as session:
        return reviews.store_score_sheet(
            session,
            actor=SHEET_ACTOR,
            now=get_now(),
            call_id=call_id,
            stage=stage,
            rows=sheet,
            on=on,
        )


@io_task
def close_preliminary(call_id: int) -> dict[str, str]:
    """Close 初审 at the call's pass line (`services.selection`); return who failed and why."""
    with session_scope() as session:
        closed = selection_service.close_preliminary(
            session, actor=SHEET_ACTOR, now=get_now(), call_id=call_id
        )
    return closed.failed


def preliminary_bonuses(call_id: int) -> dict[int, tuple[int, str]]:
    """Return each proposal's 初审 bonus from its agency's track record, and why."""
    with session_scope() as session:
        return selection_service.preliminary_bonuses(session, call_id=call_id)


def export_score_sheet(call_id: int, stage: str, reviewer: str, target: Path) -> int:
    """Write a reviewer's blank score sheet (CSV) for their seats; blind in 初审 when the call says so."""
    with session_scope() as session:
        sheet = score_sheet.blank_sheet(session, call_id=call_id, stage=stage, reviewer=reviewer)
    score_sheet.write_sheet_csv(sheet, target)
    return len(sheet.rows)


def export_score_sheets(call_id: int, stage: str, folder: Path) -> dict[str, Path]:
    """Write every seated reviewer's score sheet for the stage into `folder`; return them by name."""
    with session_scope() as session:
        seated = sorted(
            {row[1] for row in score_sheet.blank_sheet(session, call_id=call_id, stage=stage).rows}
        )
    label = STAGE_LABELS[Stage(stage)]
    sheets = {}
    for name in seated:
        safe = "".join("_" if c in '\\/:*?"<>|' else c for c in name)
        target = folder / f"{label}评分表-{safe}.csv"
        export_score_sheet(call_id, stage, name, target)
        sheets[name] = target
    return sheets
