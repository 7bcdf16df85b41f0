"""Batch review of monthly evaluations: approve (or send back) a set in one action, all or none.

Twenty-two projects give twenty-two evaluations a month. A reviewer who has read
them approves the set at once, from the portal's list (`/evaluator/evaluations`)
or the CLI. Each evaluation is reviewed by the single review's own use case,
`services.evaluations.review_evaluation`, so each is checked by the same rule (an
evaluator other than the scorer, the evaluation waiting for review, a comment when
sending back) and records the same audit event. The set is one transaction: each
review runs in a savepoint of it (`store.savepoints`), and if any evaluation is
refused, every one is rolled back and the refusal names each refused evaluation
(project title and month) and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from models.status import EvaluationStatus, Role
from services import Actor, Forbidden, Refused, ServiceError, audit
from services.evaluations import Reviewed, review_day, review_evaluation
from store import evaluations
from store.database import unit_of_work
from store.savepoints import begin_batch, savepoint_session

MAX_BATCH = 500


@dataclass(frozen=True)
class BatchProblem:
    """One evaluation of a batch that its review refused, and why."""

    evaluation_id: int
    title: str
    month: str
    reason: str

    def __str__(self) -> str:
        if not self.title:
            return f"月度评估 #{self.evaluation_id}：{self.reason}"
        return f"「{self.title}」{self.month}：{self.reason}"


class BatchRefused(Refused):
    """A batch with evaluations the rules refuse; none of the batch was reviewed."""

    def __init__(self, problems: list[BatchProblem]) -> None:
        listed = "；".join(str(p) for p in problems)
        super().__init__(f"{len(problems)} 份月评估不能审核，本批均未办理：{listed}")
        self.problems = problems


def review_evaluations(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    evaluation_ids: Iterable[int],
    approve: bool,
    comment: str,
    on: date | None = None,
) -> list[Reviewed]:
    """Approve (已审定) or send back (退回修改) a set of monthly evaluations by id: all or none.

    `on` is the reviews' business date (default today); a date after today is refused.
    """
    ids = list(dict.fromkeys(evaluation_ids))
    if actor.role != Role.EVALUATOR:
        raise Forbidden("只有评估专家可以审核月度评估")
    if not ids:
        raise Refused("请至少选择一份月评估")
    if len(ids) > MAX_BATCH:
        raise Refused(f"一次最多审核 {MAX_BATCH} 份月评估，本次选择了 {len(ids)} 份")
    on = review_day(on, now)
    reviewed: list[Reviewed] = []
    problems: list[BatchProblem] = []
    with unit_of_work(session):
        connection = begin_batch(session)
        for evaluation_id in ids:
            with savepoint_session(connection) as one:
                try:
                    reviewed.append(
                        review_evaluation(
                            one,
                            actor=actor,
                            now=now,
                            evaluation_id=evaluation_id,
                            approve=approve,
                            comment=comment,
                            on=on,
                        )
                    )
                except ServiceError as error:
                    problems.append(_problem(one, evaluation_id, error))
        if problems:
            raise BatchRefused(problems)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="evaluation_batch_review",
            subject_type="monthlyevaluation",
            detail=f"批量{'审定' if approve else '退回修改'} {len(reviewed)} 份月评估："
            + "、".join(f"#{r.evaluation_id}" for r in reviewed),
        )
    return reviewed


def _problem(session: Session, evaluation_id: int, error: ServiceError) -> BatchProblem:
    found = evaluations.get_evaluation_by_id(session, evaluation_id)
    if found is None:
        return BatchProblem(evaluation_id, "", "", error.message)
    evaluation, project = found
    return BatchProblem(evaluation_id, project.title, evaluation.month, error.message)


def list_month_in_review(session: Session, *, cycle_id: int, month: str) -> list[int]:
    """List the ids of a cycle's evaluations of `month` that wait for review (for `--all`)."""
    return [
        e.id or 0
        for e in evaluations.list_monthly_evaluations(
            session, cycle_id=cycle_id, month=month, status=EvaluationStatus.IN_REVIEW
        )
    ]
