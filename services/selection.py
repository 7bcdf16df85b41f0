"""Selection (遴选) use cases the office does by hand: overriding a screening result,
closing a scored stage, and telling where a call's selection stands.

Closing 初审 applies the call's pass line to each proposal's weighted raw mean (the
published scale, plus any track-record bonus); normalised scores are stored beside
them and order the ranking, but never move a proposal across the line. Closing
路演答辩 proposes the allocation to the committee (`services.committee`).
`selection_progress` names the next step from what is stored. Each use case takes
the actor and the time handed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from models.call_rules import read_call_rules
from models.eligibility import PastCycle, track_record_bonus
from models.panel import AssignmentStatus
from models.proposal import Proposal
from models.selection import ScoredReview, judge_preliminary, normalise_per_reviewer
from models.selection_progress import NextStep, SelectionCounts, StageCounts, next_step
from models.selection_rules import read_selection_rules
from models.status import (
    PROPOSAL_TRANSITIONS,
    SCREENING_OVERRIDE_TRANSITIONS,
    STAGE_LABELS,
    ProposalStatus,
    Role,
    Stage,
    TransitionError,
    apply_transition,
)
from models.text import text_problem
from services import Actor, Forbidden, NotFound, Refused, audit
from services.allocation import stage_scores
from services.business_day import business_day
from services.reviews import WAITING_IN_STAGE, is_waiting
from store import agencies, calls, proposals, selection, users
from store.database import unit_of_work

CLOSING_ROLES = frozenset({Role.STAFF, Role.ADMIN, Role.SYSTEM})

OVERRIDE_ROLES = frozenset({Role.STAFF})
"""Who may override a screening result: the street office's staff (never the system)."""


def override_screening(
    session: Session, *, actor: Actor, now: datetime, proposal_id: int, eligible: bool, reason: str
) -> Proposal:
    """Set a screened proposal eligible or ineligible against the automatic result, with a reason.

    The automatic checks stay on record rule by rule; who overrode it and why are kept on
    the proposal and in the audit trail. Allowed only while the proposal is at 资格审查.
    """
    if actor.role not in OVERRIDE_ROLES:
        raise Forbidden("只有街道工作人员可以改判资格审查结果")
    if not reason.strip():
        raise Refused("改判资格审查结果必须写明理由")
    if (problem := text_problem(reason)) is not None:
        raise Refused(f"改判理由{problem}")
    who = actor.label.strip()
    if not who:
        raise Refused("改判资格审查结果必须写明操作人")
    try:
        proposal = proposals.get_proposal(session, proposal_id)
    except LookupError:
        raise NotFound(f"没有编号为 {proposal_id} 的申报书") from None
    target = ProposalStatus.ELIGIBLE if eligible else ProposalStatus.INELIGIBLE
    if proposal.stage != Stage.ELIGIBILITY or proposal.status == target:
        raise Refused(
            f"「{proposal.title}」当前为 {proposal.status}（{proposal.stage}），不能改判为 {target}"
        )
    try:
        status = apply_transition(
            SCREENING_OVERRIDE_TRANSITIONS, ProposalStatus(proposal.status), target, role=Role.STAFF
        )
    except TransitionError as error:
        raise Refused(str(error)) from None
    with unit_of_work(session):
        users.add_user(session, name=who, role=Role.STAFF)
        proposal.override_by, proposal.override_reason = who, reason.strip()[:500]
        proposals.set_proposal_status(session, proposal, status=status, stage=Stage.ELIGIBILITY)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="screening_override",
            subject_type="proposal",
            subject_id=proposal_id,
            detail=f"{'通过' if eligible else '不通过'}：{reason.strip()}",
        )
    return proposal


@dataclass(frozen=True)
class PreliminaryClosed:
    """初审 closed: who passed, and who did not with the reason (by title)."""

    passed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def waiting_in(session: Session, *, call_id: int, stage: str) -> list[Proposal]:
    """The call's proposals still waiting in a scored stage."""
    return [
        p
        for p in proposals.list_proposals(
            session, call_id=call_id, status=WAITING_IN_STAGE[Stage(stage)]
        )
        if is_waiting(p, stage)
    ]


def check_stage_complete(session: Session, *, call_id: int, stage: str) -> list[Proposal]:
    """Return the proposals waiting in the stage, or refuse naming what is missing first."""
    waiting = waiting_in(session, call_id=call_id, stage=stage)
    label = STAGE_LABELS[Stage(stage)]
    if not waiting:
        raise Refused(
            f"没有等待{label}的申报书。{selection_progress(session, call_id=call_id).message}"
        )
    seats = selection.list_assignments(session, call_id=call_id, stage=stage)
    ids = {p.id for p in waiting}
    seated = {a.proposal_id for a in seats if a.status != AssignmentStatus.ABSTAINED}
    missing = [p.title for p in waiting if p.id not in seated]
    if missing:
        raise Refused(
            f"{label}：{len(missing)} 份申报书尚未安排评审专家组（「{missing[0]}」等）；"
            f"请先运行 gongyi selection seat --call {call_id} --stage {label[:2]}"
        )
    unscored = [a for a in seats if a.proposal_id in ids and a.status == AssignmentStatus.ASSIGNED]
    if unscored:
        titles = {p.id: p.title for p in waiting}
        first = titles[unscored[0].proposal_id]
        raise Refused(
            f"{label}评分未齐：还缺 {len(unscored)} 份评分（「{first}」等）；请录入评分表："
            f"gongyi selection scores --call {call_id} --stage {label[:2]} 评分表.xlsx"
        )
    return waiting


def store_normalised(session: Session, *, call_id: int, stage: str) -> None:
    """Store each review's score normalised per reviewer over the stage (sheet or portal)."""
    stored = proposals.list_reviews(session, call_id=call_id, stage=stage)
    normalised = normalise_per_reviewer(
        ScoredReview(r.proposal_id, r.reviewer_id, r.weighted_score) for r in stored
    )
    for review in stored:
        review.normalised_score = normalised[(review.proposal_id, review.reviewer_id)]
        proposals.set_review_normalised(session, review)


def preliminary_bonuses(session: Session, *, call_id: int) -> dict[int, tuple[int, str]]:
    """Each proposal's 初审 bonus from its agency's track record (the call's past_grade_bonus)."""
    bonus_by_grade = read_call_rules(calls.get_call(session, call_id).rules).past_grade_bonus
    past: dict[int, list[PastCycle]] = {}
    for record in agencies.list_track_records(session):
        past.setdefault(record.agency_id, []).append(
            PastCycle(record.year, record.grade, record.yellow_cards, record.breaches)
        )
    return {
        p.id: track_record_bonus(past.get(p.agency_id, ()), bonus_by_grade=bonus_by_grade)  # type: ignore[misc]
        for p in proposals.list_proposals(session, call_id=call_id)
    }


def close_preliminary(
    session: Session, *, actor: Actor, now: datetime, call_id: int, on: date | None = None
) -> PreliminaryClosed:
    """Close 初审: pass each proposal whose raw mean (plus bonus) reaches the call's pass line."""
    if actor.role not in CLOSING_ROLES:
        raise Forbidden("只有街道工作人员可以结束评审环节")
    if on is not None:
        business_day(on, now=now, what="结束日期")
    waiting = check_stage_complete(session, call_id=call_id, stage=Stage.PRELIMINARY)
    line = read_selection_rules(calls.get_call(session, call_id).rules).preliminary_pass_score
    scores = stage_scores(session, call_id=call_id, stage=Stage.PRELIMINARY)
    bonuses = preliminary_bonuses(session, call_id=call_id)
    closed = PreliminaryClosed()
    with unit_of_work(session):
        store_normalised(session, call_id=call_id, stage=Stage.PRELIMINARY)
        for proposal in waiting:
            bonus, why = bonuses.get(proposal.id, (0, ""))  # type: ignore[arg-type]
            result = judge_preliminary(
                scores[proposal.id or 0], pass_line=line, bonus=bonus, bonus_reason=why
            )
            target = ProposalStatus.SHORTLISTED if result.passed else ProposalStatus.REJECTED
            status = apply_transition(
                PROPOSAL_TRANSITIONS, ProposalStatus.ELIGIBLE, target, role=Role.SYSTEM
            )
            proposals.set_proposal_status(
                session, proposal, status=status, stage=Stage.PRELIMINARY, note=result.note or None
            )
            if result.passed:
                closed.passed.append(proposal.title)
            else:
                closed.failed[proposal.title] = result.note
        audit.record(
            session,
            actor=actor,
            now=now,
            action="close_stage",
            subject_type="call",
            subject_id=call_id,
            on=on,
            detail=dated(on)
            + f"初审结束：通过 {len(closed.passed)} 份，未通过 {len(closed.failed)} 份（通过线 {line:g}）",
        )
    return closed


def _stage_counts(session: Session, *, call_id: int, stage: str) -> StageCounts:
    waiting = {p.id for p in waiting_in(session, call_id=call_id, stage=stage)}
    seats = [
        a
        for a in selection.list_assignments(session, call_id=call_id, stage=stage)
        if a.proposal_id in waiting and a.status != AssignmentStatus.ABSTAINED
    ]
    return StageCounts(
        waiting=len(waiting),
        unseated=len(waiting - {a.proposal_id for a in seats}),
        unscored=sum(1 for a in seats if a.status == AssignmentStatus.ASSIGNED),
    )


def selection_counts(session: Session, *, call_id: int) -> SelectionCounts:
    """Count what is stored of the call's selection, stage by stage (the portal's 遴选 page)."""
    calls.get_call(session, call_id)  # a call that does not exist is a LookupError
    decided = selection.get_decision(session, call_id=call_id)
    notice = selection.get_notice(session, call_id=call_id)
    return SelectionCounts(
        call_id=call_id,
        preliminary=_stage_counts(session, call_id=call_id, stage=Stage.PRELIMINARY),
        defence=_stage_counts(session, call_id=call_id, stage=Stage.DEFENCE),
        proposed=selection.get_pending_decision(session, call_id=call_id) is not None,
        decided=decided is not None,
        notice_ends_on=notice.ends_on if notice else None,
        concluded=bool(notice and notice.concluded_on),
    )


def selection_progress(session: Session, *, call_id: int) -> NextStep:
    """Name the next step of the call's selection from what is stored."""
    return next_step(selection_counts(session, call_id=call_id))


def dated(on: date | None) -> str:
    """The business date an act was done, when the clerk gave one (the entry time is `now`)."""
    return f"{on.isoformat()} " if on else ""
