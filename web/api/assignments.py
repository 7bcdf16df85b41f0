"""Review assignments (评审任务) over the API: an evaluator's seats, and scoring a proposal.

An evaluator sees only the seats they were given (another's seat is 404). In
初审 the agency's name is withheld when the call says the stage is blind. A
score needs every criterion of the call, each 0–100; it is weighted by the
call's weights (`models.grading`) and stored as the reviewer's one review for
that proposal and stage, so sending it again replaces it. Scores are taken only
while the proposal is still in that stage and the seat is not an abstention.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Path, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.call_rules import read_call_rules
from models.grading import ScoringError, weighted_score
from models.panel import ASSIGNMENT_TRANSITIONS, AssignmentStatus
from models.proposal import Review
from models.selection_rules import read_selection_rules
from models.status import STAGE_LABELS, ProposalStatus, Role, Stage, apply_transition
from store import calls, portal, proposals
from store.accounts import SignedIn
from store.portal import Seat
from web.api.auth import ApiUser, audit, require
from web.api.errors import REFUSALS, ApiError, ApiRoute, field_error, not_found, refuse_fields
from web.api.fields import Text
from web.deps import SessionDep, get_now

router = APIRouter(tags=["评审"], route_class=ApiRoute)

# A proposal is scored in a stage while it waits there (the same statuses the selection flow seats).
OPEN_FOR_SCORING = {
    Stage.PRELIMINARY: ProposalStatus.ELIGIBLE,
    Stage.DEFENCE: ProposalStatus.SHORTLISTED,
}
Score = Annotated[int, Field(ge=0, le=100)]


class CriterionOut(BaseModel):
    """A scoring criterion and its weight out of 100."""

    name: str
    weight: int


class AssignmentOut(BaseModel):
    """One seat on a proposal's panel, with what the evaluator needs to score it."""

    id: int
    proposal_id: int
    title: str
    summary: str
    agency: str | None = Field(description="申报机构；盲审时为 null")
    stage: str
    stage_label: str
    status: str
    open: bool = Field(description="现在能否评分")
    criteria: list[CriterionOut]
    scores: dict[str, int] | None = Field(description="已提交的评分（如有）")
    weighted_score: float | None


class ScoreBody(BaseModel):
    """The evaluator's 0–100 score for every criterion of the call."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scores": {
                        "需求契合度": 85,
                        "服务设计": 78,
                        "机构能力": 80,
                        "预算合理性": 90,
                        "创新性": 70,
                    }
                }
            ]
        },
    )

    scores: dict[Text, Score] = Field(max_length=50, description="{评分指标: 0–100 的整数}")


def _seat(session: Session, user: SignedIn, assignment_id: int) -> Seat:
    require(user, Role.EVALUATOR)
    try:
        return portal.get_reviewer_seat(
            session, assignment_id=assignment_id, reviewer_id=user.user_id
        )
    except LookupError:
        raise not_found(f"评审任务 #{assignment_id}") from None


def _is_open(seat: Seat) -> bool:
    waiting = OPEN_FOR_SCORING.get(Stage(seat.assignment.stage))
    return seat.assignment.status != AssignmentStatus.ABSTAINED and seat.proposal.status == waiting


def _describe(session: Session, seat: Seat, *, reviewer_id: int) -> AssignmentOut:
    call = calls.get_call(session, seat.proposal.call_id)
    blind = (
        read_selection_rules(call.rules).blind_preliminary
        and seat.assignment.stage == Stage.PRELIMINARY
    )
    review = portal.get_review(
        session,
        proposal_id=seat.proposal.id or 0,
        stage=seat.assignment.stage,
        reviewer_id=reviewer_id,
    )
    return AssignmentOut(
        id=seat.assignment.id or 0,
        proposal_id=seat.proposal.id or 0,
        title=seat.proposal.title,
        summary=seat.proposal.summary,
        agency=None if blind else seat.agency_name,
        stage=seat.assignment.stage,
        stage_label=STAGE_LABELS[Stage(seat.assignment.stage)],
        status=seat.assignment.status,
        open=_is_open(seat),
        criteria=[
            CriterionOut(name=c.name, weight=c.weight)
            for c in read_call_rules(call.rules).review_criteria
        ],
        scores=dict(review.scores) if review else None,
        weighted_score=review.weighted_score if review else None,
    )


@router.get(
    "/assignments", response_model=list[AssignmentOut], summary="我的评审任务", responses=REFUSALS
)
def list_assignments(session: SessionDep, user: ApiUser) -> list[AssignmentOut]:
    """List the evaluator's seats, open ones first."""
    require(user, Role.EVALUATOR)
    seats = portal.list_reviewer_seats(session, reviewer_id=user.user_id)
    return [_describe(session, s, reviewer_id=user.user_id) for s in seats]


@router.get(
    "/assignments/{assignment_id}",
    response_model=AssignmentOut,
    summary="评审任务",
    responses=REFUSALS,
)
def get_assignment(
    session: SessionDep, user: ApiUser, assignment_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> AssignmentOut:
    """Return one of the evaluator's seats."""
    return _describe(session, _seat(session, user, assignment_id), reviewer_id=user.user_id)


def _weighted(session: Session, seat: Seat, scores: dict[str, int]) -> float:
    criteria = read_call_rules(calls.get_call(session, seat.proposal.call_id).rules).review_criteria
    names = {c.name for c in criteria}
    errors = [
        field_error(["body", "scores", name], "不是本申报指南的评分指标")
        for name in scores
        if name not in names
    ] + [
        field_error(["body", "scores", c.name], "缺少此项评分")
        for c in criteria
        if c.name not in scores
    ]
    if errors:
        raise refuse_fields(errors)
    try:
        return weighted_score(scores, {c.name: c.weight for c in criteria})
    except ScoringError as error:
        raise refuse_fields([field_error(["body", "scores"], str(error))]) from None


def _store_review(
    session: Session, seat: Seat, *, scores: dict[str, int], total: float, now: datetime
) -> None:
    """Store the reviewer's review and mark the seat scored."""
    proposals.set_review(
        session,
        Review(
            proposal_id=seat.proposal.id or 0,
            reviewer_id=seat.assignment.reviewer_id,
            stage=seat.assignment.stage,
            scores=scores,
            weighted_score=total,
            submitted_at=now,
        ),
    )
    if seat.assignment.status == AssignmentStatus.ASSIGNED:
        seat.assignment.status = apply_transition(
            ASSIGNMENT_TRANSITIONS,
            AssignmentStatus.ASSIGNED,
            AssignmentStatus.SCORED,
            role=Role.EVALUATOR,
        )
        session.add(seat.assignment)
        session.flush()


@router.put(
    "/assignments/{assignment_id}/review",
    response_model=AssignmentOut,
    summary="提交评分",
    responses={409: {"description": "评审环节已结束，或已回避"}, **REFUSALS},
)
def score_proposal(
    request: Request,
    session: SessionDep,
    user: ApiUser,
    assignment_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: Annotated[ScoreBody, Body()],
) -> AssignmentOut:
    """Score the seat's proposal (sending the same scores again changes nothing)."""
    seat = _seat(session, user, assignment_id)
    if not _is_open(seat):
        raise ApiError(
            409,
            f"「{seat.proposal.title}」的{STAGE_LABELS[Stage(seat.assignment.stage)]}已不接受评分",
        )
    total = _weighted(session, seat, body.scores)
    for attempt in (1, 2):
        try:
            _store_review(session, seat, scores=body.scores, total=total, now=get_now(request))
            break
        except IntegrityError:
            # The same evaluator's other request stored the review first (a double click).
            session.rollback()
            if attempt == 2:
                raise ApiError(409, "评分正在被同时提交，请稍后重试") from None
            seat = _seat(session, user, assignment_id)
    audit(
        session,
        request,
        user,
        action="review_score",
        subject_type="proposal",
        subject_id=seat.proposal.id,
        detail=f"「{seat.proposal.title}」{STAGE_LABELS[Stage(seat.assignment.stage)]} 加权得分 {total}",
    )
    session.commit()
    return _describe(session, seat, reviewer_id=user.user_id)
