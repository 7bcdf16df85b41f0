"""Reviews (评审): scoring a proposal at a scored selection stage (初审, 路演答辩).

One use case with three doors: the seated evaluator scores from the portal page or
the JSON API (`score_proposal`), or the office stores a stage's score sheet
(`store_score_sheet`, from `gongyi selection scores` and the `select_projects` flow). Each door gets the same
checks, in this order:

1. the reviewer holds the seat (an abstention is not a seat to score from);
2. the stage is open: the proposal still waits in it (初审: eligible, 路演答辩: shortlisted
   until the office closes 路演答辩 with the proposed allocation);
3. the reviewer has declared no conflict of interest with the proposal's agency;
4. the scores fit the call: every criterion, none unknown, each 0–100.

A review is the reviewer's one review of that proposal in that stage: storing it
again replaces the scores (the API's PUT and a score sheet run again); the page's
form asks `replace=False`, so a second submission is refused instead. Storing
marks the seat scored and records the audit event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.call_rules import Criterion, read_call_rules
from models.grading import ScoringError, weighted_score
from models.panel import ASSIGNMENT_TRANSITIONS, AssignmentStatus, ReviewAssignment
from models.proposal import Proposal, Review
from models.rows import RowError, RowsRejected
from models.selection import ScoredReview, average_by_proposal, normalise_per_reviewer
from models.status import STAGE_LABELS, ProposalStatus, Role, Stage, apply_transition
from services import Actor, Forbidden, NotFound, Refused, audit
from store import calls, portal, proposals, selection, users
from store.database import unit_of_work

WAITING_IN_STAGE = {
    Stage.PRELIMINARY: ProposalStatus.ELIGIBLE,
    Stage.DEFENCE: ProposalStatus.SHORTLISTED,
}
"""A proposal is scored in a stage while it waits there (the statuses the panels are seated from)."""

SHEET_ROLES = frozenset({Role.STAFF, Role.ADMIN, Role.SYSTEM})


class NotSeated(NotFound):
    """The reviewer holds no seat on this proposal's panel in this stage."""


class AlreadyScored(Refused):
    """The seat is scored and the door asked not to replace the review."""


class ScoresRejected(Refused):
    """Scores that do not fit the call's criteria.

    `problems` maps each criterion at fault to what is wrong with it; the key ""
    is the scores as a whole (the call's weights themselves are wrong).
    """

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__(
            "评分有误：" + "；".join(f"「{k}」{v}" if k else v for k, v in self.problems.items())
        )


@dataclass(frozen=True)
class Scored:
    """A stored review: the seat, its proposal and the weighted score."""

    assignment_id: int
    proposal_id: int
    title: str
    stage: str
    scores: dict[str, int]
    weighted_score: float
    message: str


@dataclass(frozen=True)
class SheetScore:
    """One row of a stage's score sheet: a reviewer's scores for one proposal.

    `proposal` is the sheet's 项目名称 cell: the proposal's title, or its number.
    """

    file: str
    row: int
    reviewer: str
    proposal: str
    scores: dict[str, int]


def stage_label(stage: str) -> str:
    """The stage's Chinese name (初审, 路演答辩)."""
    return STAGE_LABELS[Stage(stage)]


def closed_message(title: str, stage: str) -> str:
    """What every door says when a proposal no longer takes scores in a stage."""
    return f"「{title}」的{stage_label(stage)}已不接受评分"


CLOSED_AFTER_DEFENCE = frozenset({Stage.FINAL, Stage.PUBLICITY})
"""A shortlisted proposal at one of these stages has left 路演答辩 (its stage was closed)."""


def is_waiting(proposal: Proposal, stage: str) -> bool:
    """Whether the proposal still waits in a scored stage (初审: eligible; 路演答辩: shortlisted
    and the stage not yet closed with the proposed allocation)."""
    if proposal.status != WAITING_IN_STAGE.get(Stage(stage)):
        return False
    return not (stage == Stage.DEFENCE and proposal.stage in CLOSED_AFTER_DEFENCE)


def is_open(assignment: ReviewAssignment, proposal: Proposal) -> bool:
    """Whether this seat can be scored now: not an abstention, and the proposal waits in the stage."""
    return assignment.status != AssignmentStatus.ABSTAINED and is_waiting(
        proposal, assignment.stage
    )


def seat_of(session: Session, *, actor: Actor, assignment_id: int) -> portal.Seat:
    """Return the actor's own seat (评审任务), or refuse: only the seated evaluator sees it."""
    if actor.role != Role.EVALUATOR:
        raise Forbidden("只有评审专家可以评分")
    try:
        seat = portal.get_reviewer_seat(session, assignment_id=assignment_id, reviewer_id=None)
    except LookupError:
        seat = None
    if seat is None or seat.assignment.reviewer_id != actor.user_id:
        raise NotSeated(f"{actor.label} 未被分配评审任务 #{assignment_id}")
    return seat


def open_seat(session: Session, *, actor: Actor, now: datetime, assignment_id: int) -> portal.Seat:
    """Open the actor's seat to read the proposal; the view of it is audited."""
    seat = seat_of(session, actor=actor, assignment_id=assignment_id)
    with unit_of_work(session):
        audit.record(
            session,
            actor=actor,
            now=now,
            action="view_proposal",
            subject_type="proposal",
            subject_id=seat.proposal.id,
        )
    return seat


def check_scores(criteria: Sequence[Criterion], scores: Mapping[str, int]) -> float:
    """Weigh the scores by the call's criteria, or raise `ScoresRejected` naming each problem."""
    names = {c.name for c in criteria}
    problems = {name: "不是本申报指南的评分指标" for name in scores if name not in names}
    problems |= {c.name: "缺少此项评分" for c in criteria if c.name not in scores}
    problems |= {
        name: f"得分应在 0–100 之间，收到 {value}"
        for name, value in scores.items()
        if name in names and not 0 <= value <= 100
    }
    if problems:
        raise ScoresRejected(problems)
    try:
        return weighted_score(scores, {c.name: c.weight for c in criteria})
    except ScoringError as error:
        raise ScoresRejected({"": str(error)}) from None


def _check_seat(
    session: Session,
    assignment: ReviewAssignment,
    proposal: Proposal,
    *,
    reviewer: str,
    conflicts: Mapping[tuple[int, int], str],
    replace: bool,
) -> None:
    """Refuse a seat that cannot be scored now: abstained, stage closed, conflicted, or scored."""
    if assignment.status == AssignmentStatus.ABSTAINED:
        raise Refused(f"{reviewer} 已回避「{proposal.title}」的{stage_label(assignment.stage)}")
    if not is_open(assignment, proposal):
        raise Refused(closed_message(proposal.title, assignment.stage))
    if (assignment.reviewer_id, proposal.agency_id) in conflicts:
        raise Forbidden(f"{reviewer} 已申报与「{proposal.title}」的申报机构有利益冲突，应回避评分")
    if not replace and assignment.status == AssignmentStatus.SCORED:
        raise AlreadyScored("这项评审已经评过分，不能重复提交。")


def _criteria(session: Session, call_id: int) -> list[Criterion]:
    return list(read_call_rules(calls.get_call(session, call_id).rules).review_criteria)


def _store(
    session: Session,
    assignment: ReviewAssignment,
    *,
    scores: Mapping[str, int],
    total: float,
    now: datetime,
    role: Role,
) -> Review:
    """Store the reviewer's review (replacing an earlier one) and mark the seat scored."""
    review = proposals.set_review(
        session,
        Review(
            proposal_id=assignment.proposal_id,
            reviewer_id=assignment.reviewer_id,
            stage=assignment.stage,
            scores=dict(scores),
            weighted_score=total,
            submitted_at=now,
        ),
    )
    if assignment.status == AssignmentStatus.ASSIGNED:
        assignment.status = apply_transition(
            ASSIGNMENT_TRANSITIONS, AssignmentStatus.ASSIGNED, AssignmentStatus.SCORED, role=role
        )
        proposals.set_assignment(session, assignment)
    return review


def score_proposal(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    assignment_id: int,
    scores: Mapping[str, int],
    replace: bool = True,
) -> Scored:
    """Score the proposal of the evaluator's seat: checked, weighted, stored and audited.

    `replace=False` refuses a seat already scored (`AlreadyScored`) instead of
    replacing its review.
    """
    for attempt in (1, 2):
        seat = seat_of(session, actor=actor, assignment_id=assignment_id)
        assignment, proposal = seat.assignment, seat.proposal
        _check_seat(
            session,
            assignment,
            proposal,
            reviewer=actor.label,
            conflicts=selection.list_conflicts(session),
            replace=replace,
        )
        total = check_scores(_criteria(session, proposal.call_id), scores)
        label = stage_label(assignment.stage)
        try:
            with unit_of_work(session):
                _store(
                    session, assignment, scores=scores, total=total, now=now, role=Role.EVALUATOR
                )
                audit.record(
                    session,
                    actor=actor,
                    now=now,
                    action="review_score",
                    subject_type="proposal",
                    subject_id=proposal.id,
                    detail=f"「{proposal.title}」{label} 加权得分 {total}",
                )
        except IntegrityError:
            # The same evaluator's other request stored the review first (a double click).
            if attempt == 2:
                raise Refused("评分正在被同时提交，请稍后重试") from None
            continue
        return Scored(
            assignment_id=assignment_id,
            proposal_id=proposal.id or 0,
            title=proposal.title,
            stage=assignment.stage,
            scores=dict(scores),
            weighted_score=total,
            message=f"评分已提交：{proposal.title}，加权得分 {total}",
        )
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class _Planned:
    assignment: ReviewAssignment
    scores: dict[str, int]
    total: float


def _proposal_named(text: str, found: Sequence[Proposal]) -> Proposal:
    """The call's proposal a sheet names by number or title; a title two share is refused."""
    if text.isdigit():
        by_id = [p for p in found if p.id == int(text)]
        if by_id:
            return by_id[0]
    named = [p for p in found if p.title == text]
    if not named:
        raise LookupError(f"没有这份申报书：{text!r}")
    if len(named) > 1:
        ids = "、".join(str(p.id) for p in sorted(named, key=lambda p: p.id or 0))
        raise LookupError(f"有 {len(named)} 份申报书名为「{text}」（编号 {ids}），请改填申报书编号")
    return named[0]


def _plan_sheet(
    session: Session, *, call_id: int, stage: str, rows: Sequence[SheetScore], skip_unseated: bool
) -> tuple[list[SheetScore], list[_Planned]]:
    criteria = _criteria(session, call_id)
    found = proposals.list_proposals(session, call_id=call_id)
    by_id = {p.id: p for p in found}
    names = {u.id: u.name for u in users.list_users(session)}
    seats = {
        (a.proposal_id, names[a.reviewer_id]): a
        for a in selection.list_assignments(session, call_id=call_id, stage=stage)
    }
    conflicts = selection.list_conflicts(session)
    given = {
        (r.proposal_id, r.reviewer_id): r.scores
        for r in proposals.list_reviews(session, call_id=call_id, stage=stage)
    }
    label = stage_label(stage)
    kept: list[SheetScore] = []
    planned: list[_Planned] = []
    errors: list[RowError] = []
    seen: set[tuple[str, int]] = set()
    for row in rows:
        try:
            proposal = _proposal_named(row.proposal, found)
        except LookupError as error:
            errors.append(RowError(row.file, row.row, "项目名称", str(error)))
            continue
        assignment = seats.get((proposal.id or 0, row.reviewer))
        if assignment is None or assignment.status == AssignmentStatus.ABSTAINED:
            if skip_unseated:
                continue
            message = f"{row.reviewer} 未被分配评审「{proposal.title}」（{label}）"
            errors.append(RowError(row.file, row.row, "评审专家", message))
            continue
        key = (row.reviewer, proposal.id or 0)
        if key in seen:
            message = f"{row.reviewer} 对「{proposal.title}」的{label}评分重复"
            errors.append(RowError(row.file, row.row, "评审专家", message))
            continue
        seen.add(key)
        proposal = by_id[assignment.proposal_id]
        if not is_open(assignment, proposal) and given.get(
            (proposal.id or 0, assignment.reviewer_id)
        ) == dict(row.scores):
            continue  # the scores already stored before the stage closed: nothing to do
        try:
            _check_seat(
                session,
                assignment,
                proposal,
                reviewer=row.reviewer,
                conflicts=conflicts,
                replace=True,
            )
            total = check_scores(criteria, row.scores)
        except ScoresRejected as rejected:
            errors += [
                RowError(row.file, row.row, name or "项目名称", message)
                for name, message in rejected.problems.items()
            ]
            continue
        except (Refused, Forbidden) as refused:
            errors.append(RowError(row.file, row.row, "项目名称", refused.message))
            continue
        kept.append(row)
        planned.append(_Planned(assignment, dict(row.scores), total))
    if errors:
        raise RowsRejected(sorted(errors, key=lambda e: e.row))
    return kept, planned


def check_score_sheet(
    session: Session,
    *,
    call_id: int,
    stage: str,
    rows: Sequence[SheetScore],
    skip_unseated: bool = False,
) -> list[SheetScore]:
    """Check a stage's score sheet as a whole, storing nothing; return the rows to store.

    Raises `RowsRejected` naming the row and column of each problem: a proposal
    the call does not have (or a title two proposals share), a reviewer not seated
    on it, the same reviewer twice, a closed stage, a conflict, bad scores. With
    `skip_unseated` (the demo's score book) rows of reviewers not seated are left out.
    A row of a closed stage that repeats the review already stored is left out too,
    so running a finished selection again changes nothing instead of failing.
    """
    kept, _ = _plan_sheet(
        session, call_id=call_id, stage=stage, rows=rows, skip_unseated=skip_unseated
    )
    return kept


def store_score_sheet(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    call_id: int,
    stage: str,
    rows: Sequence[SheetScore],
    skip_unseated: bool = False,
    on: date | None = None,
) -> dict[int, float]:
    """Store a stage's score sheet, all or nothing; return each proposal's normalised average.

    Every row passes the same checks as a score from the page or the API. The
    stage's reviews are then normalised per reviewer, and one audit event records
    the sheet, with `on`, the business date the office entered it for.
    """
    if actor.role not in SHEET_ROLES:
        raise Forbidden("评分表由街道工作人员录入")
    _, planned = _plan_sheet(
        session, call_id=call_id, stage=stage, rows=rows, skip_unseated=skip_unseated
    )
    with unit_of_work(session):
        for plan in planned:
            _store(
                session,
                plan.assignment,
                scores=plan.scores,
                total=plan.total,
                now=now,
                role=Role.SYSTEM,
            )
        stored = proposals.list_reviews(session, call_id=call_id, stage=stage)
        normalised = normalise_per_reviewer(
            ScoredReview(r.proposal_id, r.reviewer_id, r.weighted_score) for r in stored
        )
        for review in stored:
            review.normalised_score = normalised[(review.proposal_id, review.reviewer_id)]
            proposals.set_review_normalised(session, review)
        if not planned:
            return average_by_proposal(normalised)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="review_score_sheet",
            subject_type="call",
            subject_id=call_id,
            on=on,
            detail=(f"{on.isoformat()} " if on else "")
            + f"{stage_label(stage)}评分表：{len(planned)} 条评分",
        )
    return average_by_proposal(normalised)
