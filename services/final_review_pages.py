"""The office's list of a cycle's final evaluations (结项评估), where a clerk records a batch review.

Evaluators review the final evaluations on paper at the close; the office
records each review in the name of the evaluator who signed it, with the
review's business date, as `gongyi cycle review-batch` does. The page lists
the cycle's final evaluations (the newest cycle by default), each with its
status, score, grade, scorer and review, and offers those waiting for review
for one batch (`services.evaluation_batch.review_final_evaluations`: all or
none, each by the single review's rules). Only the office's staff see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from models.status import EVALUATION_STATUS_LABELS, EvaluationStatus, Role
from services import Actor, Forbidden, NotFound, Refused, evaluation_batch
from services.evaluations import Reviewed, reviewer_actor
from services.project_pages import Choice, check_office
from store import closing, evaluations
from store import project_pages as pages


@dataclass(frozen=True)
class FinalLine:
    """One final evaluation as the list shows it."""

    id: int
    project_id: int
    title: str
    status: str
    status_label: str
    total_score: float | None
    grade: str
    scorer: str
    reviewer: str
    reviewed_on: date | None

    @property
    def in_review(self) -> bool:
        """Tell whether it waits for review (it can be chosen for a batch)."""
        return self.status == EvaluationStatus.IN_REVIEW


@dataclass(frozen=True)
class FinalList:
    """A cycle's final evaluations, with the cycles to choose from."""

    cycle_id: int
    cycles: list[Choice]
    finals: list[FinalLine]

    @property
    def in_review(self) -> list[FinalLine]:
        """The final evaluations waiting for review."""
        return [f for f in self.finals if f.in_review]


def list_cycle_finals(session: Session, *, actor: Actor, cycle_id: int | None = None) -> FinalList:
    """List a cycle's final evaluations (the newest cycle by default) for the office."""
    check_office(actor)
    cycles = pages.list_cycles(session)
    cycle = next((c for c in cycles if cycle_id is None or c.id == cycle_id), None)
    if cycle is None:
        raise NotFound(
            "还没有创投周期" if cycle_id is None else f"没有编号为 {cycle_id} 的创投周期"
        )
    found = closing.list_final_evaluations(session, cycle_id=cycle.id or 0)
    titles = pages.list_project_titles(session, project_ids=[f.project_id for f in found])
    people = {f.evaluator_id for f in found} | {f.reviewer_id for f in found}
    names = evaluations.list_user_names(session, user_ids={i for i in people if i})
    return FinalList(
        cycle_id=cycle.id or 0,
        cycles=[Choice(c.id or 0, c.name) for c in cycles],
        finals=[
            FinalLine(
                id=f.id or 0,
                project_id=f.project_id,
                title=titles.get(f.project_id, ""),
                status=f.status,
                status_label=EVALUATION_STATUS_LABELS[EvaluationStatus(f.status)],
                total_score=f.total_score,
                grade=f.grade,
                scorer=names.get(f.evaluator_id or 0, ""),
                reviewer=names.get(f.reviewer_id or 0, ""),
                reviewed_on=f.reviewed_on,
            )
            for f in found
        ],
    )


def record_batch_review(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    reviewer: str,
    final_evaluation_ids: Iterable[int],
    approve: bool,
    comment: str,
    on: date | None,
) -> list[Reviewed]:
    """Record, as the office, one evaluator's review of a set of final evaluations: all or none."""
    if actor.role != Role.STAFF:
        raise Forbidden("只有街道工作人员可以录入结项评估的审核")
    if not reviewer.strip():
        raise Refused("请写明审核人（签字的评估专家）")
    return evaluation_batch.review_final_evaluations(
        session,
        actor=reviewer_actor(reviewer),
        now=now,
        final_evaluation_ids=final_evaluation_ids,
        approve=approve,
        comment=comment,
        on=on,
        entered_by=actor,
    )
