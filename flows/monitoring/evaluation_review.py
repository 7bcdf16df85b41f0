"""Flow `review_evaluation`: an evaluator other than the scorer approves or sends back a 月评估.

Approving moves 待审核 → 已审定, and the next monthly run publishes it and
writes its PDF. Sending back (退回修改) needs a comment saying what to fix; the
evaluator then scores again. The scorer may not review their own scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from prefect import flow
from sqlmodel import Session

from flows.runtime import get_now, io_task, resolve_cycle, session_scope
from models.evaluation import ReviewError, check_reviewer
from models.final_evaluation import FinalEvaluation
from models.monitoring import MonthlyEvaluation
from models.status import (
    EVALUATION_TRANSITIONS,
    EvaluationStatus,
    Role,
    TransitionError,
    apply_transition,
)
from store import awards, evaluations, users


@dataclass(frozen=True)
class ReviewOutcome:
    """Whether the review was recorded, and what to tell the reviewer."""

    ok: bool
    message: str


def review(
    session: Session,
    evaluation: MonthlyEvaluation,
    *,
    reviewer: str,
    approve: bool,
    comment: str,
    now: datetime,
) -> None:
    """Approve or send back one evaluation, checking who reviews and that the move is allowed."""
    apply_review(session, evaluation, reviewer=reviewer, approve=approve, comment=comment, now=now)
    evaluations.set_evaluation(session, evaluation)


def mark_published(evaluation: MonthlyEvaluation | FinalEvaluation, today: date) -> None:
    """Move an approved monthly or final evaluation to published on `today`; the caller saves it."""
    evaluation.status = apply_transition(
        EVALUATION_TRANSITIONS,
        EvaluationStatus.APPROVED,
        EvaluationStatus.PUBLISHED,
        role=Role.SYSTEM,
    )
    evaluation.published_on = today


def apply_review(
    session: Session,
    evaluation: MonthlyEvaluation | FinalEvaluation,
    *,
    reviewer: str,
    approve: bool,
    comment: str,
    now: datetime,
) -> None:
    """Move a monthly or final evaluation to approved or sent back; the caller saves it.

    The scorer may not review their own scores, and a send-back needs a comment.
    """
    scorer = evaluations.list_user_names(session, user_ids={evaluation.evaluator_id or 0})
    check_reviewer(scorer=scorer.get(evaluation.evaluator_id or 0, ""), reviewer=reviewer)
    if not approve and not comment.strip():
        raise ReviewError("退回修改时请写明需要修改的内容")
    target = EvaluationStatus.APPROVED if approve else EvaluationStatus.NEEDS_REVISION
    evaluation.status = apply_transition(
        EVALUATION_TRANSITIONS, EvaluationStatus(evaluation.status), target, role=Role.EVALUATOR
    )
    person = users.add_user(session, name=reviewer.strip(), role=Role.EVALUATOR)
    evaluation.reviewer_id, evaluation.reviewed_at = person.id, now
    evaluation.review_comment = comment.strip()


@io_task
def review_project(
    cycle_id: int, project: str, month: str, reviewer: str, approve: bool, comment: str
) -> str:
    """Review one project's evaluation for a month; return what happened."""
    with session_scope() as session:
        found = awards.get_project_by_title(session, cycle_id=cycle_id, title=project)
        evaluation = evaluations.get_evaluation(session, project_id=found.id, month=month)  # type: ignore[arg-type]
        if evaluation is None:
            raise LookupError(f"「{found.title}」还没有 {month} 的月评估")
        review(
            session, evaluation, reviewer=reviewer, approve=approve, comment=comment, now=get_now()
        )
        return f"「{found.title}」{month} 月评估已{'审定' if approve else '退回修改'}"


@flow(name="review_evaluation", log_prints=True)
def review_evaluation(
    project: str,
    month: str,
    reviewer: str,
    approve: bool = True,
    comment: str = "",
    cycle_id: int | None = None,
) -> ReviewOutcome:
    """Approve (or send back) a project's monthly evaluation."""
    try:
        outcome = ReviewOutcome(
            True,
            review_project(resolve_cycle(cycle_id), project, month, reviewer, approve, comment),
        )
    except (LookupError, ReviewError, TransitionError) as error:
        outcome = ReviewOutcome(False, str(error))
    print(outcome.message)
    return outcome
