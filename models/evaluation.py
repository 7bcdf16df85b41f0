"""Monthly evaluation (月评估): indicator scores against plan, the total and the grade.

Two criteria are measured from the records — daily-report compliance and
service progress (people served against the month's share of the plan) —
and the rest come from the evaluator. The call's monthly criteria name the
weights; a criterion the rules do not know is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models.call_rules import Criterion
from models.grading import GradeBands, ScoringError, grade_for, weighted_score

COMPLIANCE = "日报告合规"
PROGRESS = "服务进度"


@dataclass(frozen=True)
class MonthlyScore:
    """The scores, total and grade of one project's month."""

    scores: dict[str, float]
    total: float
    grade: str


def progress_percent(people_served: int, people_planned: int) -> float:
    """Score progress as the served share of plan, capped at 100."""
    if people_planned <= 0:
        return 100.0
    return round(min(100.0, 100 * people_served / people_planned), 1)


def monthly_plan(people_planned: int, months: int) -> int:
    """Return one month's share of a project's planned people, rounded up."""
    return -(-people_planned // max(months, 1))


def score_month(
    *,
    compliance_percent: int,
    people_served: int,
    people_planned: int,
    evaluator_scores: Mapping[str, float],
    criteria: Sequence[Criterion],
    bands: GradeBands,
) -> MonthlyScore:
    """Combine measured and evaluator scores into a weighted total and grade."""
    known = {c.name for c in criteria}
    for name in evaluator_scores:
        if name in (COMPLIANCE, PROGRESS):
            raise ScoringError(f"「{name}」由日报告记录计算，不能由评估专家填写")
        if name not in known:
            raise ScoringError(f"申报指南的月评估指标中没有「{name}」")
    scores = {
        COMPLIANCE: float(compliance_percent),
        PROGRESS: progress_percent(people_served, people_planned),
        **{name: float(value) for name, value in evaluator_scores.items()},
    }
    weights = {c.name: c.weight for c in criteria}
    total = weighted_score(scores, weights)
    return MonthlyScore({name: scores[name] for name in weights}, total, grade_for(total, bands))
