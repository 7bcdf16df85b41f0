"""Tasks for the scored stages of selection: the reviewer pool, panels, scores, stage results.

A score sheet is validated in full before anything is stored: a score off
the 0–100 scale, a reviewer not seated on that proposal's panel, or the same
reviewer scoring the same proposal twice in one sheet each name the row.
The demo's score book holds every simulated reviewer's opinion of every
proposal; with `score_book=True` rows for reviewers not seated are skipped
instead of refused, as if each reviewer scored only their assignments.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flows.runtime import io_task, session_scope
from models.call_rules import read_call_rules
from models.eligibility import PastCycle, track_record_bonus
from models.grading import weighted_score
from models.panel import (
    ASSIGNMENT_TRANSITIONS,
    CONFLICT_LABELS,
    AssignmentStatus,
    ConflictKind,
    ConflictOfInterest,
    Seatable,
    assign_panels,
)
from models.proposal import Review
from models.rows import Row, RowError, RowsRejected, read_all
from models.selection import ScoredReview, average_by_proposal, normalise_per_reviewer
from models.selection_rules import read_selection_rules
from models.status import (
    PROPOSAL_TRANSITIONS,
    STAGE_LABELS,
    ProposalStatus,
    Role,
    Stage,
    apply_transition,
)
from store import agencies, calls, proposals, selection, users
from store.spreadsheets import read_rows

CONFLICT_KINDS = {
    "关联关系": ConflictKind.AFFILIATION,
    "曾任职": ConflictKind.PAST_EMPLOYMENT,
    "捐赠方关联": ConflictKind.DONOR_TIE,
    "机构工作人员": ConflictKind.STAFF,
}
STAGE_BY_LABEL = {label: stage for stage, label in STAGE_LABELS.items()}
IN_STAGE = {Stage.PRELIMINARY: ProposalStatus.ELIGIBLE, Stage.DEFENCE: ProposalStatus.SHORTLISTED}


@dataclass(frozen=True)
class SheetRow:
    """One reviewer's criterion scores for one proposal in one stage."""

    reviewer: str
    proposal_id: int
    scores: dict[str, int]


@io_task
def store_reviewer_pool(reviewers_path: str, conflicts_path: str) -> list[str]:
    """Register the reviewers and their declared conflicts; return the reviewers' names."""
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

        declared = read_all(
            read_rows(Path(conflicts_path), required=("评审专家", "机构名称", "冲突类型")),
            read_conflict,
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
    """Seat k conflict-free reviewers on every proposal in the stage; return panels by title."""
    with session_scope() as session:
        rules = read_selection_rules(calls.get_call(session, call_id).rules)
        pool = {users.add_user(session, name=n, role=Role.EVALUATOR).id: n for n in reviewer_names}
        waiting = proposals.list_proposals(session, call_id=call_id, status=IN_STAGE[Stage(stage)])
        seats = [Seatable(p.id, p.agency_id, p.title) for p in waiting]  # type: ignore[arg-type]
        panels = assign_panels(
            seats,
            reviewers=pool,
            k=rules.reviewers_per_proposal,
            conflicts=selection.list_conflicts(session),
            abstentions=selection.list_abstentions(session, call_id=call_id, stage=stage),
        )
        for proposal_id, reviewer_ids in panels.items():
            selection.set_panel(
                session, proposal_id=proposal_id, stage=stage, reviewer_ids=reviewer_ids
            )
        titles = {p.id: p.title for p in waiting}
        return {titles[pid]: [pool[r] for r in seated] for pid, seated in panels.items()}


@io_task
def count_conflicts_excluded(call_id: int, stage: str) -> list[str]:
    """Describe each conflict that kept a reviewer off a proposal in the stage."""
    with session_scope() as session:
        conflicts = selection.list_conflicts(session)
        names = {u.id: u.name for u in users.list_users(session)}
        waiting = proposals.list_proposals(session, call_id=call_id, status=IN_STAGE[Stage(stage)])
        return [
            f"{names[reviewer]} 回避「{p.title}」（{CONFLICT_LABELS[ConflictKind(kind)]}）"
            for p in waiting
            for (reviewer, agency_id), kind in sorted(conflicts.items())
            if agency_id == p.agency_id
        ]


@io_task
def read_score_sheet(
    call_id: int, stage: str, path: str, *, score_book: bool = False
) -> list[SheetRow]:
    """Read and validate a stage's score sheet against the panels and the call's criteria."""
    with session_scope() as session:
        criteria = read_call_rules(calls.get_call(session, call_id).rules).review_criteria
        by_title = {p.title: p.id for p in proposals.list_proposals(session, call_id=call_id)}
        names = {u.id: u.name for u in users.list_users(session)}
        seated = {
            (names[a.reviewer_id], a.proposal_id)
            for a in selection.list_assignments(session, call_id=call_id, stage=stage)
            if a.status != AssignmentStatus.ABSTAINED
        }
    label = STAGE_LABELS[Stage(stage)]
    rows = [
        r
        for r in read_rows(
            Path(path), required=("评审专家", "项目名称", *(c.name for c in criteria))
        )
        if r.values.get("评审环节", label).strip() == label
    ]
    seen: set[tuple[str, int]] = set()

    def read(row: Row) -> SheetRow | None:
        reviewer, title = row.text("评审专家"), row.text("项目名称", max_length=200)
        if title not in by_title:
            raise row.error("项目名称", f"没有这份申报书：{title!r}")
        key = (reviewer, by_title[title])
        if key not in seated:
            if score_book:
                return None
            raise row.error("评审专家", f"{reviewer} 未被分配评审「{title}」（{label}）")
        if key in seen:
            raise row.error("评审专家", f"{reviewer} 对「{title}」的{label}评分重复")
        seen.add(key)
        scores = {c.name: row.count(c.name) for c in criteria}
        for name, value in scores.items():
            if value > 100:
                raise row.error(name, f"得分应在 0–100 之间，收到 {value}")
        return SheetRow(reviewer, by_title[title], scores)

    return [r for r in read_all(rows, read) if r is not None]


@io_task
def store_scores(call_id: int, stage: str, sheet: list[SheetRow]) -> dict[int, float]:
    """Store raw and normalised scores for the stage; return each proposal's average."""
    now = datetime.now(UTC)
    with session_scope() as session:
        weights = {
            c.name: c.weight
            for c in read_call_rules(calls.get_call(session, call_id).rules).review_criteria
        }
        ids = {u.name: u.id for u in users.list_users(session)}
        for row in sheet:
            proposals.set_review(
                session,
                Review(
                    proposal_id=row.proposal_id,
                    reviewer_id=ids[row.reviewer],
                    stage=stage,
                    scores=row.scores,  # type: ignore[arg-type]
                    weighted_score=weighted_score(row.scores, weights),
                    submitted_at=now,
                ),
            )
        for seat in selection.list_assignments(session, call_id=call_id, stage=stage):
            if seat.status == AssignmentStatus.ASSIGNED and any(
                r.proposal_id == seat.proposal_id and ids[r.reviewer] == seat.reviewer_id
                for r in sheet
            ):
                seat.status = apply_transition(
                    ASSIGNMENT_TRANSITIONS,
                    AssignmentStatus.ASSIGNED,
                    AssignmentStatus.SCORED,
                    role=Role.SYSTEM,
                )
                session.add(seat)
        stored = proposals.list_reviews(session, call_id=call_id, stage=stage)
        normalised = normalise_per_reviewer(
            ScoredReview(r.proposal_id, r.reviewer_id, r.weighted_score) for r in stored
        )
        for review in stored:
            review.normalised_score = normalised[(review.proposal_id, review.reviewer_id)]
            session.add(review)
        return average_by_proposal(normalised)


@io_task
def close_preliminary(call_id: int, averages: dict[int, float]) -> dict[str, str]:
    """Pass 初审 at or above the call's pass score; refuse the rest with the reason."""
    failed = {}
    with session_scope() as session:
        raw = calls.get_call(session, call_id).rules
        rules = read_selection_rules(raw)
        bonus_by_grade = read_call_rules(raw).past_grade_bonus
        past = _past_cycles(session)
        for proposal in proposals.list_proposals(
            session, call_id=call_id, status=ProposalStatus.ELIGIBLE
        ):
            score = averages.get(proposal.id)  # type: ignore[arg-type]
            if score is None:
                raise RowsRejected(
                    [RowError("-", 0, "项目名称", f"「{proposal.title}」缺少初审评分")]
                )
            # The call may grant points for a good past grade (past_grade_bonus).
            bonus, why = track_record_bonus(
                past.get(proposal.agency_id, ()), bonus_by_grade=bonus_by_grade
            )
            score += bonus
            passed = score >= rules.preliminary_pass_score
            target = ProposalStatus.SHORTLISTED if passed else ProposalStatus.REJECTED
            note = (
                why
                if passed
                else f"初审标准化得分 {score:.2f} 低于通过线 {rules.preliminary_pass_score:g}"
                + (f"（含{why}）" if why else "")
            )
            status = apply_transition(
                PROPOSAL_TRANSITIONS, ProposalStatus.ELIGIBLE, target, role=Role.SYSTEM
            )
            proposals.set_proposal_status(
                session, proposal, status=status, stage=Stage.PRELIMINARY, note=note or None
            )
            if not passed:
                failed[proposal.title] = note
    return failed


def _past_cycles(session) -> dict[int, list[PastCycle]]:  # type: ignore[no-untyped-def]
    past: dict[int, list[PastCycle]] = {}
    for record in agencies.list_track_records(session):
        past.setdefault(record.agency_id, []).append(
            PastCycle(record.year, record.grade, record.yellow_cards, record.breaches)
        )
    return past


def preliminary_bonuses(call_id: int) -> dict[int, tuple[int, str]]:
    """Return each eligible proposal's 初审 bonus from its agency's track record, and why."""
    with session_scope() as session:
        bonus_by_grade = read_call_rules(calls.get_call(session, call_id).rules).past_grade_bonus
        past = _past_cycles(session)
        return {
            p.id: track_record_bonus(past.get(p.agency_id, ()), bonus_by_grade=bonus_by_grade)  # type: ignore[misc]
            for p in proposals.list_proposals(session, call_id=call_id)
        }


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
