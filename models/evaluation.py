"""Monthly evaluation (月评估): scores against plan, vetoes, the grade, and who may review.

Two criteria are measured from the records: daily-report compliance
(日报告合规, the on-time share of due reports) and service progress (服务进度,
the mean completion of the month's planned outputs). The evaluator scores the
rest of the call's monthly criteria, each 0–100. The call's weights give the
total and its grade bands the grade. Two vetoes override the total:
- money misused: the total is 0;
- not one report in a month with reports due: the grade is the lowest band.
An evaluation is reviewed by someone other than the evaluator who scored it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models.call_rules import Criterion
from models.grading import GradeBands, ScoringError, grade_for, weighted_score

COMPLIANCE = "日报告合规"
PROGRESS = "服务进度"
MEASURED = (COMPLIANCE, PROGRESS)
VETO_MISUSE = "资金违规使用：总分计 0 分"
VETO_MISSING_MONTH = "本月日报告全部缺交：评为最低等级"


class ReviewError(ValueError):
    """A review the rules do not allow."""


@dataclass(frozen=True)
class MonthlyScore:
    """The scores, total, grade and any veto of one project's month."""

    scores: dict[str, float]
    total: float
    grade: str
    veto: str = ""


def monthly_plan(people_planned: int, months: int) -> int:
    """Return one month's share of a project's planned people, rounded up."""
    return -(-people_planned // max(months, 1))


def is_month_missing(*, expected: int, submitted: int) -> bool:
    """Tell whether a month with reports due has none at all."""
    return expected > 0 and submitted == 0


def evaluator_criteria(criteria: Sequence[Criterion]) -> list[str]:
    """Name the criteria the evaluator scores (all but the measured ones)."""
    return [c.name for c in criteria if c.name not in MEASURED]


def score_month(
    *,
    compliance_percent: int,
    progress_percent: float,
    evaluator_scores: Mapping[str, float],
    criteria: Sequence[Criterion],
    bands: GradeBands,
    funds_misused: bool = False,
    month_missing: bool = False,
) -> MonthlyScore:
    """Combine measured and evaluator scores into a weighted total and grade, then apply vetoes."""
    known = {c.name for c in criteria}
    for name in evaluator_scores:
        if name in MEASURED:
            raise ScoringError(f"「{name}」由日报告记录计算，不能由评估专家填写")
        if name not in known:
            raise ScoringError(f"申报指南的月评估指标中没有「{name}」")
    scores = {
        COMPLIANCE: float(compliance_percent),
        PROGRESS: float(progress_percent),
        **{name: float(value) for name, value in evaluator_scores.items()},
    }
    weights = {c.name: c.weight for c in criteria}
    total = weighted_score(scores, weights)
    ordered = {name: scores[name] for name in weights}
    lowest = min(bands, key=lambda band: band[0])[1]
    if funds_misused:
        return MonthlyScore(ordered, 0.0, lowest, VETO_MISUSE)
    if month_missing:
        return MonthlyScore(ordered, total, lowest, VETO_MISSING_MONTH)
    return MonthlyScore(ordered, total, grade_for(total, bands))


def check_reviewer(*, scorer: str, reviewer: str) -> None:
    """Refuse a review by the evaluator who gave the scores."""
    if not reviewer.strip():
        raise ReviewError("请写明审核人")
    if scorer.strip() == reviewer.strip():
        raise ReviewError(f"审核人不能是评分的评估专家本人（{scorer}）")
