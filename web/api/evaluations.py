"""Monthly evaluations (月度评估) over the API: those waiting for my review, and reviewing one.

An evaluator reviews the evaluations in 待审核 that another evaluator scored:
the list holds only those, an evaluation that does not exist is 404, and one the
caller scored is 403 (nobody reviews their own scores). A review approves the
evaluation or sends it back with a comment for revision; it is the same
`services.evaluations.review_evaluation` as the portal's page, the flow and
`gongyi monitor review`, found by the evaluation's id, so the same rules hold, and
one that is no longer in review is refused with 409 naming its status (a second
click, or another reviewer first).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.status import EVALUATION_STATUS_LABELS, EvaluationStatus, Role
from services import evaluations
from store import evaluations as store_evaluations
from store import portal
from web.api.auth import ApiUser, require
from web.api.errors import REFUSALS, ApiRoute
from web.api.fields import Text, text
from web.deps import NowDep, SessionDep, actor_of

router = APIRouter(tags=["月度评估"], route_class=ApiRoute)


class EvaluationOut(BaseModel):
    """A project's monthly evaluation as the reviewer sees it: figures, score and grade."""

    id: int
    project_id: int
    title: str
    month: str
    status: str
    status_label: str
    total_score: float | None
    grade: str | None
    comment: str = Field(description="评分专家的评语")
    review_comment: str = Field(description="审核意见（退回修改时填写）")
    reports_submitted: int
    reports_expected: int
    people_served: int
    people_planned: int


class ReviewBody(BaseModel):
    """Approve the evaluation, or send it back with a comment saying what to revise."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"decision": "approve", "comment": ""},
                {"decision": "revise", "comment": "服务人次与台账不符，请核对后重新评分"},
            ]
        },
    )

    decision: Literal["approve", "revise"] = Field(description="approve 审定；revise 退回修改")
    comment: Text = text(1000, description="审核意见；退回修改时必填", example="请核对服务人次")

    @model_validator(mode="after")
    def _revise_says_why(self) -> ReviewBody:
        if self.decision == "revise" and not self.comment.strip():
            raise ValueError("退回修改时请填写审核意见（comment），说明需要修改什么")
        return self


def evaluation_out(evaluation: MonthlyEvaluation, project: Project) -> EvaluationOut:
    """Describe an evaluation for the API."""
    return EvaluationOut(
        id=evaluation.id or 0,
        project_id=project.id or 0,
        title=project.title,
        month=evaluation.month,
        status=evaluation.status,
        status_label=EVALUATION_STATUS_LABELS[EvaluationStatus(evaluation.status)],
        total_score=evaluation.total_score,
        grade=evaluation.grade,
        comment=evaluation.comment,
        review_comment=evaluation.review_comment,
        reports_submitted=evaluation.reports_submitted,
        reports_expected=evaluation.reports_expected,
        people_served=evaluation.people_served,
        people_planned=evaluation.people_planned,
    )


@router.get(
    "/evaluations",
    response_model=list[EvaluationOut],
    summary="待我审核的月度评估",
    responses=REFUSALS,
)
def list_evaluations_to_review(session: SessionDep, user: ApiUser) -> list[EvaluationOut]:
    """List the monthly evaluations in review that another evaluator scored."""
    require(user, Role.EVALUATOR)
    rows = portal.list_evaluations_to_review(
        session, reviewer_id=user.user_id, status=EvaluationStatus.IN_REVIEW
    )
    return [evaluation_out(evaluation, project) for evaluation, project in rows]


@router.post(
    "/evaluations/{evaluation_id}/review",
    response_model=EvaluationOut,
    summary="审核月度评估",
    responses={409: {"description": "该评估已不在待审核状态"}, **REFUSALS},
)
def review_evaluation(
    request: Request,
    session: SessionDep,
    user: ApiUser,
    now: NowDep,
    evaluation_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: Annotated[ReviewBody, Body()],
) -> EvaluationOut:
    """Approve an evaluation (已审定), or send it back to its evaluator (需修改)."""
    require(user, Role.EVALUATOR)
    evaluations.review_evaluation(
        session,
        actor=actor_of(request, user),
        now=now,
        evaluation_id=evaluation_id,
        approve=body.decision == "approve",
        comment=body.comment,
    )
    found = store_evaluations.get_evaluation_by_id(session, evaluation_id)
    assert found is not None  # just reviewed
    return evaluation_out(*found)
