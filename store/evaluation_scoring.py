"""Read queries for the evaluator's scoring list: the monthly evaluations waiting for scores.

An evaluation waits for an evaluator's scores while it is a draft (草稿) or sent back
(退回修改); one in review (待审核) may be scored again by the evaluator who scored
it. Whether this evaluator may score one is decided in `services.evaluation_scoring`.
"""

from __future__ import annotations

from sqlmodel import Session, and_, col, or_, select

from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.status import EvaluationStatus


def list_evaluations_to_score(
    session: Session, *, evaluator_id: int
) -> list[tuple[MonthlyEvaluation, Project]]:
    """List drafts and sent-back evaluations, and those in review this evaluator scored."""
    waiting = col(MonthlyEvaluation.status).in_(
        [EvaluationStatus.DRAFT, EvaluationStatus.NEEDS_REVISION]
    )
    mine = and_(
        MonthlyEvaluation.status == EvaluationStatus.IN_REVIEW,
        MonthlyEvaluation.evaluator_id == evaluator_id,
    )
    return list(
        session.exec(
            select(MonthlyEvaluation, Project)
            .join(Project, Project.id == MonthlyEvaluation.project_id)  # type: ignore[arg-type]
            .where(or_(waiting, mine))
            .order_by(col(MonthlyEvaluation.month).desc(), Project.title, col(Project.id))
        )
    )
