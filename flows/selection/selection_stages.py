"""Tasks for the scored stages of selection: the reviewer pool, panels, scores, stage results.

A score sheet is validated in full before anything is stored: a score off
the 0–100 scale, a reviewer not seated on that proposal's panel, a proposal no
longer in the stage, a title two proposals share (write the proposal's number
instead), or the same reviewer scoring the same proposal twice in one sheet each
name the row. The checks and the storing are `services.reviews`', the same as a
score from the portal's page or the JSON API.
The demo's score book holds every simulated reviewer's opinion of every
proposal; with `score_book=True` rows for reviewers not seated are skipped
instead of refused, as if each reviewer scored only their assignments.
"""

from __future__ import annotations

import csv
from pathlib import Path

from flows.runtime import get_now, io_task, session_scope
from models.call_rules import read_call_rules
from models.panel import (
    CONFLICT_LABELS,
    AssignmentStatus,
    ConflictKind,
    ConflictOfInterest,
)
from models.rows import Row, RowError, RowsRejected, read_all
from models.selection_rules import read_selection_rules
from models.status import STAGE_LABELS, Role, Stage
from services import Actor, panels, reviews
from services import selection as selection_service
from services.reviews import SheetScore
from store import calls, proposals, selection, users
from store.spreadsheets import read_rows

CONFLICT_KINDS = {
    "关联关系": ConflictKind.AFFILIATION,
    "曾任职": ConflictKind.PAST_EMPLOYMENT,
    "捐赠方关联": ConflictKind.DONOR_TIE,
    "机构工作人员": ConflictKind.STAFF,
}
STAGE_BY_LABEL = {label: stage for stage, label in STAGE_LABELS.items()}
SHEET_ACTOR = Actor(login="select_projects", name="遴选评分表", role=Role.SYSTEM)


@io_task
def store_reviewer_pool(reviewers_path: str, conflicts_path: str | None = None) -> list[str]:
    """Register the reviewers and their declared conflicts; return the reviewers' names.

    A missing, empty or unreadable file, or a bad row, is named in one `RowsRejected`.
    """
    try:
        return _store_reviewer_pool(reviewers_path, conflicts_path)
    except RowError as error:  # a file as a whole: missing, empty, no such column
        raise RowsRejected([error]) from None


def _store_reviewer_pool(reviewers_path: str, conflicts_path: str | None) -> list[str]:
    names = read_all(
        read_rows(Path(reviewers_path), required=("评审专家",)), lambda r: r.text("评审专家")
    )
    with session_scope() as session:
        agencies = {a.name: a.id for a in calls.list_agencies(session)}

        def read_conflict(row: Row) -> tuple[str, int, str, str]:
            name = row.text("评审专家")
            if name not in names:
                raise row.error("评审专家", f"不在评审专家库中：{name!r}")
            agency = row.text("机构名称")
            if agency not in agencies:
                raise row.error("机构名称", f"未登记的机构：{agency!r}")
            kind = row.choice("冲突类型", CONFLICT_KINDS)
            return name, agencies[agency], kind, row.text("说明", required=False, max_length=200)

        declared = (
            read_all(
                read_rows(Path(conflicts_path), required=("评审专家", "机构名称", "冲突类型")),
                read_conflict,
            )
            if conflicts_path
            else []
        )
        ids = {name: users.add_user(session, name=name, role=Role.EVALUATOR).id for name in names}
        for name, agency_id, kind, note in declared:
            selection.add_conflict(
                session,
                ConflictOfInterest(
                    reviewer_id=ids[name], agency_id=agency_id, kind=kind, note=note
                ),  # type: ignore[arg-type]
            )
    return names


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


def _sheet_score(row: Row, criteria: list[str]) -> SheetScore:
    return SheetScore(
        file=row.file,
        row=row.number,
        reviewer=row.text("评审专家"),
        proposal=row.text("项目名称", max_length=200),
        scores={name: row.count(name) for name in criteria},
    )


@io_task
def read_score_sheet(
    call_id: int, stage: str, path: str, *, score_book: bool = False
) -> list[SheetScore]:
    """Read a stage's score sheet and check it with `services.reviews`, storing nothing.

    Every bad cell and every refused row (not seated, stage closed, scored twice, …)
    is named in one `RowsRejected`, in row order; so is an empty or unreadable file.
    A sheet with no row for this stage gives an empty list.
    """
    with session_scope() as session:
        criteria = [
            c.name for c in read_call_rules(calls.get_call(session, call_id).rules).review_criteria
        ]
    label = STAGE_LABELS[Stage(stage)]
    try:
        rows = [
            r
            for r in read_rows(Path(path), required=("评审专家", "项目名称", *criteria))
            if r.values.get("评审环节", label).strip() in (label, label[:2])
        ]
    except RowError as error:  # an empty or unreadable file, a missing column
        raise RowsRejected([error]) from None
    parsed: list[SheetScore] = []
    errors: list[RowError] = []
    for row in rows:
        try:
            parsed.append(_sheet_score(row, criteria))
        except RowError as error:
            errors.append(error)
    try:
        with session_scope() as session:
            kept = reviews.check_score_sheet(
                session, call_id=call_id, stage=stage, rows=parsed, skip_unseated=score_book
            )
    except RowsRejected as rejected:
        errors += rejected.errors
    if errors:
        raise RowsRejected(sorted(errors, key=lambda e: e.row))
    return kept


@io_task
def store_scores(call_id: int, stage: str, sheet: list[SheetScore]) -> dict[int, float]:
    """Store the checked sheet's scores for the stage; return each proposal's normalised average."""
    with session_scope() as session:
        return reviews.store_score_sheet(
            session, actor=SHEET_ACTOR, now=get_now(), call_id=call_id, stage=stage, rows=sheet
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


def _cell(value: str) -> str:
    """Write a cell so a spreadsheet never runs it as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def export_score_sheet(call_id: int, stage: str, reviewer: str, target: Path) -> int:
    """Write a reviewer's blank score sheet for their seats; blind in 初审 when the call says so."""
    with session_scope() as session:
        call = calls.get_call(session, call_id)
        blind = read_selection_rules(call.rules).blind_preliminary and stage == Stage.PRELIMINARY
        criteria = [c.name for c in read_call_rules(call.rules).review_criteria]
        ids = {u.name: u.id for u in users.list_users(session, role=Role.EVALUATOR)}
        if reviewer not in ids:
            raise LookupError(f"评审专家库中没有 {reviewer}")
        seats = {
            a.proposal_id
            for a in selection.list_assignments(session, call_id=call_id, stage=stage)
            if a.reviewer_id == ids[reviewer] and a.status == AssignmentStatus.ASSIGNED
        }
        agencies = {a.id: a.name for a in calls.list_agencies(session)}
        rows = [
            (p.title, "（盲审）" if blind else agencies[p.agency_id], p.summary)
            for p in proposals.list_proposals(session, call_id=call_id)
            if p.id in seats
        ]
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["评审环节", "评审专家", "项目名称", "申报机构", "项目简介", *criteria])
        for title, agency, summary in rows:
            writer.writerow(
                [
                    STAGE_LABELS[Stage(stage)],
                    reviewer,
                    _cell(title),
                    _cell(agency),
                    _cell(summary),
                    *[""] * len(criteria),
                ]
            )
    return len(rows)


def export_score_sheets(call_id: int, stage: str, folder: Path) -> dict[str, Path]:
    """Write every seated reviewer's score sheet for the stage into `folder`; return them by name."""
    with session_scope() as session:
        names = {u.id: u.name for u in users.list_users(session, role=Role.EVALUATOR)}
        seated = sorted(
            {
                names[a.reviewer_id]
                for a in selection.list_assignments(session, call_id=call_id, stage=stage)
                if a.status == AssignmentStatus.ASSIGNED and a.reviewer_id in names
            }
        )
    label = STAGE_LABELS[Stage(stage)]
    sheets = {}
    for name in seated:
        safe = "".join("_" if c in '\\/:*?"<>|' else c for c in name)
        target = folder / f"{label}评分表-{safe}.csv"
        export_score_sheet(call_id, stage, name, target)
        sheets[name] = target
    return sheets
