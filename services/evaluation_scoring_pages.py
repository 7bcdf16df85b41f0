"""What the evaluator's scoring pages read: the evaluations to score, and one with its measures.

The list (`/evaluator/evaluations`) shows the drafts and sent-back evaluations
waiting for scores, and those in review that this evaluator scored (they may be
scored again until another evaluator reviews them). The form
(`/evaluator/evaluations/{id}/score`) shows each monthly criterion with its weight
beside what was measured for it, read as the review reads it
(`services.evaluation_view`), and the scores already given.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from models.status import EVALUATION_STATUS_LABELS, EvaluationStatus, Role
from services import Actor, Forbidden, evaluation_view
from services.evaluation_scoring import (
    COMMENT,
    MISUSE,
    SATISFACTION,
    SCOREABLE,
    evaluator_part,
    find_for_scoring,
    monthly_rules,
    scoring_criteria,
)
from services.evaluation_view import EvaluationReading
from store import evaluation_scoring, evaluations


@dataclass(frozen=True)
class ToScore:
    """One evaluation in the evaluator's list of evaluations to score."""

    id: int
    title: str
    month: str
    status: str
    total: float | None
    grade: str
    mine: bool  # in review with this evaluator's scores


@dataclass(frozen=True)
class ScoringSheet:
    """One evaluation as its scoring form shows it."""

    reading: EvaluationReading
    status: str
    scoreable: bool
    criteria: tuple[str, ...]  # the criteria the evaluator scores
    values: dict[str, str]  # the form's cells: each criterion, 评语, 满意度（%）, 资金违规
    scorer: str


def list_to_score(session: Session, *, actor: Actor) -> list[ToScore]:
    """List the evaluations this evaluator may score now, the latest month first."""
    if actor.role != Role.EVALUATOR or actor.user_id is None:
        raise Forbidden("只有评估专家可以为月评估评分")
    return [
        ToScore(
            id=e.id or 0,
            title=p.title,
            month=e.month,
            status=EVALUATION_STATUS_LABELS[EvaluationStatus(e.status)],
            total=e.total_score,
            grade=e.grade,
            mine=e.status == EvaluationStatus.IN_REVIEW,
        )
        for e, p in evaluation_scoring.list_evaluations_to_score(
            session, evaluator_id=actor.user_id
        )
    ]


def read_for_scoring(session: Session, *, actor: Actor, evaluation_id: int) -> ScoringSheet:
    """Read one evaluation for its scoring form: criteria, weights, measures, scores given."""
    evaluation, project = find_for_scoring(session, actor=actor, evaluation_id=evaluation_id)
    rules = monthly_rules(session, project)
    # The review page's reading, criterion by criterion, with its plausibility flags.
    reading = evaluation_view.read_evaluation(session, evaluation, project)
    given = evaluator_part(evaluation)
    values = {name: f"{value:g}" for name, value in given.items()}
    values[COMMENT] = evaluation.comment
    if evaluation.satisfaction_percent is not None:
        values[SATISFACTION] = str(evaluation.satisfaction_percent)
    values[MISUSE] = "是" if evaluation.funds_misused else ""
    scorer_id = evaluation.evaluator_id
    names = evaluations.list_user_names(session, user_ids={scorer_id} if scorer_id else set())
    return ScoringSheet(
        reading=reading,
        status=EVALUATION_STATUS_LABELS[EvaluationStatus(evaluation.status)],
        scoreable=evaluation.status in SCOREABLE,
        criteria=tuple(scoring_criteria(rules)),
        values=values,
        scorer=names.get(scorer_id or 0, ""),
    )
