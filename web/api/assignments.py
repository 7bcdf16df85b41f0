"""Review assignments (评审任务) over the API: an evaluator's seats, and scoring a proposal.

An evaluator sees only the seats they were given (another's seat is 404). In
初审 the agency's name is withheld when the call says the stage is blind. A
score needs every criterion of the call, each 0–100; it is weighted by the
call's weights (`models.grading`) and stored as the reviewer's one review for
that proposal and stage, so sending it again replaces it. One assignment lists the
proposal's attachments (id, name, size, type; blind at 初审), never their bytes. Scores are taken only
while the proposal is still in that stage and the seat is not an abstention.
The checks are `services.reviews.score_proposal`'s, the same as the portal's
scoring page and the stage's score sheet.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from models.call_rules import read_call_rules
from models.status import STAGE_LABELS, Role, Stage
from services import proposal_view, reviews
from store import calls, portal
from store.accounts import SignedIn
from store.portal import Seat
from web.api.auth import ApiUser, require
from web.api.errors import REFUSALS, ApiRoute, field_error, refuse_fields
from web.api.fields import Text
from web.deps import NowDep, SessionDep, actor_of

router = APIRouter(tags=["评审"], route_class=ApiRoute)

Score = Annotated[int, Field(ge=0, le=100)]


class CriterionOut(BaseModel):
    """A scoring criterion and its weight out of 100."""

    name: str
    weight: int


class BudgetItemOut(BaseModel):
    """One budget line: category, amount in fen, share of the whole budget (percent)."""

    category: str
    amount_fen: int
    share: float


class KpiOut(BaseModel):
    """One indicator: unit, total over the run and the target of each month (1..N)."""

    indicator: str
    unit: str = Field(description="人次 / 人 / 场 / 小时")
    total: int
    by_month: list[int | None]


class CitedNeedOut(BaseModel):
    """A resident's need the proposal answers (text masked)."""

    id: int
    text: str
    community: str
    domain: str
    target_group: str


class ScheduleOut(BaseModel):
    """What the project does in one month."""

    month: int
    activity: str


class AttachmentOut(BaseModel):
    """One attachment of the proposal (no bytes); neutral name at a blind 初审."""

    id: int
    name: str = Field(description="文件名；匿名初审时为 附件1.pdf 等")
    size: int = Field(description="字节数")
    type: str = Field(description="MIME 类型，如 application/pdf")


class ProposalOut(BaseModel):
    """The whole proposal as the evaluator reads it (`services.proposal_view`)."""

    domain: str
    community: str
    requested_fen: int
    matching_fen: int
    budget_total_fen: int
    planned_visits: int = Field(description="计划服务人次")
    months: int
    target_groups: list[str]
    budget: list[BudgetItemOut]
    kpis: list[KpiOut]
    needs: list[CitedNeedOut]
    schedule: list[ScheduleOut]
    attachments: list[AttachmentOut] = Field(
        default_factory=list,
        description="附件（门户 /evaluator/assignments/{id}/attachments/{附件id} 下载）",
    )


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
    proposal: ProposalOut | None = Field(
        default=None, description="申报书全文（预算、指标、需求、计划）；仅单个任务返回"
    )


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


def _seat(request: Request, session: Session, user: SignedIn, assignment_id: int) -> Seat:
    require(user, Role.EVALUATOR)
    return reviews.seat_of(session, actor=actor_of(request, user), assignment_id=assignment_id)


def _whole(view: proposal_view.ProposalView) -> ProposalOut:
    return ProposalOut(
        domain=view.domain,
        community=view.community,
        requested_fen=view.requested_fen,
        matching_fen=view.matching_fen,
        budget_total_fen=view.budget_total_fen,
        planned_visits=view.planned_visits,
        months=view.months,
        target_groups=list(view.target_groups),
        budget=[BudgetItemOut(**vars(b)) for b in view.budget],
        kpis=[
            KpiOut(indicator=k.indicator, unit=k.unit, total=k.total, by_month=list(k.by_month))
            for k in view.kpis
        ],
        needs=[CitedNeedOut(**vars(n)) for n in view.needs],
        schedule=[ScheduleOut(**vars(s)) for s in view.schedule],
        attachments=[
            AttachmentOut(id=a.id, name=a.name, size=a.size_bytes, type=a.content_type)
            for a in view.attachments
        ],
    )


def _describe(
    session: Session, seat: Seat, *, reviewer_id: int, whole: bool = False
) -> AssignmentOut:
    call = calls.get_call(session, seat.proposal.call_id)
    blind = proposal_view.is_blind(session, seat)
    view = proposal_view.read_seat(session, seat=seat) if whole else None
    review = portal.get_review(
        session,
        proposal_id=seat.proposal.id or 0,
        stage=seat.assignment.stage,
        reviewer_id=reviewer_id,
    )
    return AssignmentOut(
        id=seat.assignment.id or 0,
        proposal_id=seat.proposal.id or 0,
        title=view.title if view else seat.proposal.title,
        summary=view.summary if view else seat.proposal.summary,
        agency=None if blind else seat.agency_name,
        stage=seat.assignment.stage,
        stage_label=STAGE_LABELS[Stage(seat.assignment.stage)],
        status=seat.assignment.status,
        open=reviews.is_open(seat.assignment, seat.proposal),
        criteria=[
            CriterionOut(name=c.name, weight=c.weight)
            for c in read_call_rules(call.rules).review_criteria
        ],
        scores=dict(review.scores) if review else None,
        weighted_score=review.weighted_score if review else None,
        proposal=_whole(view) if view else None,
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
    request: Request,
    session: SessionDep,
    user: ApiUser,
    assignment_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> AssignmentOut:
    """Return one of the evaluator's seats, with the whole proposal to score from."""
    return _describe(
        session,
        _seat(request, session, user, assignment_id),
        reviewer_id=user.user_id,
        whole=True,
    )


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
    now: NowDep,
    assignment_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: Annotated[ScoreBody, Body()],
) -> AssignmentOut:
    """Score the seat's proposal (sending the same scores again changes nothing)."""
    require(user, Role.EVALUATOR)
    try:
        reviews.score_proposal(
            session,
            actor=actor_of(request, user),
            now=now,
            assignment_id=assignment_id,
            scores=body.scores,
        )
    except reviews.ScoresRejected as rejected:
        raise refuse_fields(
            [
                field_error(["body", "scores", *([name] if name else [])], message)
                for name, message in rejected.problems.items()
            ]
        ) from None
    return _describe(
        session, _seat(request, session, user, assignment_id), reviewer_id=user.user_id
    )
