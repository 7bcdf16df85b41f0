"""Flow `review_evaluation`: an evaluator other than the scorer approves or sends back a 月评估.

Approving moves 待审核 → 已审定, and the next monthly run publishes it and
writes its PDF. Sending back (退回修改) needs a comment saying what to fix; the
evaluator then scores again. The scorer may not review their own scores. The
rules are `services.evaluations.review_evaluation`'s, which finds the evaluation
by its id (never by the project's title, which two projects may share); the
portal, the API and the CLI call that service directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from prefect import flow
from sqlmodel import Session

from flows.runtime import get_now, io_task, session_scope
from models.final_evaluation import FinalEvaluation
from models.monitoring import MonthlyEvaluation
from models.status import EVALUATION_TRANSITIONS, EvaluationStatus, Role, apply_transition
from services import ServiceError, evaluations


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
    """Approve or send back one evaluation in the name of `reviewer` (the demo's driver)."""
    evaluations.review_evaluation(
        session,
        actor=evaluations.reviewer_actor(reviewer),
        now=now,
        evaluation_id=evaluation.id or 0,
        approve=approve,
        comment=comment,
    )


def mark_published(evaluation: MonthlyEvaluation | FinalEvaluation, today: date) -> None:
    """Move an approved monthly or final evaluation to published on `today`; the caller saves it."""
    evaluation.status = apply_transition(
        EVALUATION_TRANSITIONS,
        EvaluationStatus.APPROVED,
        EvaluationStatus.PUBLISHED,
        role=Role.SYSTEM,
    )
    evaluation.published_on = today


@io_task
def review_project(evaluation_id: int, reviewer: str, approve: bool, comment: str) -> str:
    """Review one monthly evaluation, by its id, in the name of `reviewer`; return what happened."""
    with session_scope() as session:
        return evaluations.review_evaluation(
            session,
            actor=evaluations.reviewer_actor(reviewer),
            now=get_now(),
            evaluation_id=evaluation_id,
            approve=approve,
            comment=comment,
        ).message


@flow(name="review_evaluation", log_prints=True)
def review_evaluation(
    evaluation_id: int, reviewer: str, approve: bool = True, comment: str = ""
) -> ReviewOutcome:
    """Approve (or send back) one monthly evaluation, found by its id."""
    try:
        outcome = ReviewOutcome(True, review_project(evaluation_id, reviewer, approve, comment))
    except ServiceError as error:
        outcome = ReviewOutcome(False, error.message)
    print(outcome.message)
    return outcome
