"""Batch review of evaluations (月评估, 结项评估): approve (or send back) a set in one action, all or none.

Twenty-two projects give twenty-two evaluations a month, and as many at the
close. A reviewer who has read them approves the set at once: the monthly ones
from the portal's list (`/evaluator/evaluations`) or `gongyi monitor review-batch`,
the final ones from the office's list (`/officer/finals`) or `gongyi cycle
review-batch`. Each evaluation is reviewed by the single review's own use case
(`services.evaluations.review_evaluation` / `review_final_evaluation`), so each is
checked by the same rule (an evaluator other than the scorer, the evaluation
waiting for review, a comment when sending back) and records the same audit
event. The set is one transaction: each review runs in a savepoint of it
(`store.savepoints`), and if any evaluation is refused, every one is rolled back
and the refusal names each refused evaluation (project title, and month) and why.
The two kinds differ only in a `BatchKind`: which review to call, what to name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from models.status import EvaluationStatus, Role
from services import Actor, Forbidden, Refused, ServiceError, audit
from services.evaluations import (
    Reviewed,
    review_day,
    review_evaluation,
    review_final_evaluation,
)
from store import closing, evaluations
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

    kind: str = "月度评估"

    def __str__(self) -> str:
        if not self.title:
            return f"{self.kind} #{self.evaluation_id}：{self.reason}"
        return f"「{self.title}」{self.month}：{self.reason}"


class BatchRefused(Refused):
    """A batch with evaluations the rules refuse; none of the batch was reviewed."""

    def __init__(self, problems: list[BatchProblem], *, noun: str = "月评估") -> None:
        listed = "；".join(str(p) for p in problems)
        super().__init__(f"{len(problems)} 份{noun}不能审核，本批均未办理：{listed}")
        self.problems = problems


Review = Callable[..., Reviewed]
"""A single review use case: (session, *, actor, now, <id>, approve, comment, on) -> Reviewed."""


@dataclass(frozen=True)
class BatchKind:
    """What differs between batches of monthly and of final evaluations."""

    noun: str  # 月评估 / 结项评估, in messages
    kind: str  # 月度评估 / 结项评估, naming one by number
    id_argument: str  # the single review's keyword for the evaluation's id
    review: Review
    describe: Callable[[Session, int], tuple[str, str] | None]  # (title, month) of an id
    action: str
    subject_type: str


def _describe_monthly(session: Session, evaluation_id: int) -> tuple[str, str] | None:
    found = evaluations.get_evaluation_by_id(session, evaluation_id)
    return None if found is None else (found[1].title, found[0].month)


def _describe_final(session: Session, final_id: int) -> tuple[str, str] | None:
    found = evaluations.get_final_by_id(session, final_id)
    return None if found is None else (found[1].title, "")


MONTHLY = BatchKind(
    "月评估",
    "月度评估",
    "evaluation_id",
    review_evaluation,
    _describe_monthly,
    "evaluation_batch_review",
    "monthlyevaluation",
)
FINAL = BatchKind(
    "结项评估",
    "结项评估",
    "final_evaluation_id",
    review_final_evaluation,
    _describe_final,
    "final_evaluation_batch_review",
    "finalevaluation",
)


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
    return review_batch(
        session,
        MONTHLY,
        actor=actor,
        now=now,
        ids=evaluation_ids,
        approve=approve,
        comment=comment,
        on=on,
    )


def review_final_evaluations(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    final_evaluation_ids: Iterable[int],
    approve: bool,
    comment: str,
    on: date | None = None,
    entered_by: Actor | None = None,
) -> list[Reviewed]:
    """Approve (已审定) or send back (退回修改) a set of final evaluations by id: all or none.

    `actor` is the reviewing evaluator; `entered_by`, the clerk who records the
    review for them (the batch's audit event names both).
    """
    return review_batch(
        session,
        FINAL,
        actor=actor,
        now=now,
        ids=final_evaluation_ids,
        approve=approve,
        comment=comment,
        on=on,
        entered_by=entered_by,
    )


def review_batch(
    session: Session,
    kind: BatchKind,
    *,
    actor: Actor,
    now: datetime,
    ids: Iterable[int],
    approve: bool,
    comment: str,
    on: date | None = None,
    entered_by: Actor | None = None,
) -> list[Reviewed]:
    """Review a set of evaluations of one kind by id, each by its single review: all or none."""
    chosen = list(dict.fromkeys(ids))
    if actor.role != Role.EVALUATOR:
        raise Forbidden(f"只有评估专家可以审核{kind.kind}")
    if not chosen:
        raise Refused(f"请至少选择一份{kind.noun}")
    if len(chosen) > MAX_BATCH:
        raise Refused(f"一次最多审核 {MAX_BATCH} 份{kind.noun}，本次选择了 {len(chosen)} 份")
    on = review_day(on, now)
    reviewed: list[Reviewed] = []
    problems: list[BatchProblem] = []
    with unit_of_work(session):
        connection = begin_batch(session)
        for evaluation_id in chosen:
            with savepoint_session(connection) as one:
                try:
                    reviewed.append(
                        kind.review(
                            one,
                            actor=actor,
                            now=now,
                            approve=approve,
                            comment=comment,
                            on=on,
                            **{kind.id_argument: evaluation_id},
                        )
                    )
                except ServiceError as error:
                    problems.append(_problem(one, kind, evaluation_id, error))
        if problems:
            raise BatchRefused(problems, noun=kind.noun)
        entered = f"（{entered_by.label} 代 {actor.label} 录入）" if entered_by else ""
        audit.record(
            session,
            actor=entered_by or actor,
            now=now,
            action=kind.action,
            subject_type=kind.subject_type,
            detail=f"批量{'审定' if approve else '退回修改'} {len(reviewed)} 份{kind.noun}{entered}："
            + "、".join(f"#{r.evaluation_id}" for r in reviewed),
            on=on,
        )
    return reviewed


def _problem(
    session: Session, kind: BatchKind, evaluation_id: int, error: ServiceError
) -> BatchProblem:
    title, month = kind.describe(session, evaluation_id) or ("", "")
    return BatchProblem(evaluation_id, title, month, error.message, kind.kind)


def list_month_in_review(session: Session, *, cycle_id: int, month: str) -> list[int]:
    """List the ids of a cycle's evaluations of `month` that wait for review (for `--all`)."""
    return [
        e.id or 0
        for e in evaluations.list_monthly_evaluations(
            session, cycle_id=cycle_id, month=month, status=EvaluationStatus.IN_REVIEW
        )
    ]


def list_finals_in_review(session: Session, *, cycle_id: int) -> list[int]:
    """List the ids of a cycle's final evaluations that wait for review (for `--all`)."""
    return [
        e.id or 0
        for e in closing.list_final_evaluations(session, cycle_id=cycle_id)
        if e.status == EvaluationStatus.IN_REVIEW
    ]
