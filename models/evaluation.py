"""Monthly evaluation (月评估): scores against plan, vetoes, the grade, and who may review.

Two criteria are measured from the records: daily-report compliance
(日报告合规, the on-time share of due reports) and service progress (服务进度,
the mean completion of the month's planned outputs). The evaluator scores the
rest of the call's monthly criteria, each 0–100. The call's weights give the
total and its grade bands the grade. Two vetoes override the total:
- money misused: the total is 0;
- not one report in a month with reports due: the grade is the lowest band.
An implausible output (异常: above the call's plausible multiple of plan, see
`models.indicators.Plausibility`) is counted at 100 % of plan in 服务进度, as
every output is, so it earns no more than meeting the plan; and while any
output is 异常 the grade is at most the second band (良好), never the top one:
a figure nobody has checked must not make a month 优秀.
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


IMPLAUSIBLE_MARK = "数据异常待核实"


def implausible_note(names: Sequence[str], top_grade: str) -> str:
    """Say why a month with 异常 outputs is not given the top grade (kept in `veto`)."""
    return f"{'、'.join(names)}远超计划，{IMPLAUSIBLE_MARK}：本月不评为{top_grade}"


def is_veto(note: str) -> bool:
    """Tell whether a month's `veto` text is a real veto, not the note on 异常 outputs.

    Only a real veto (money misused, every report missing) counts against the
    agency at closing; the 异常 note merely holds the grade below the top band.
    """
    return bool(note) and IMPLAUSIBLE_MARK not in note


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
    implausible: Sequence[str] = (),
) -> MonthlyScore:
    """Combine measured and evaluator scores into a weighted total and grade, then apply vetoes.

    `implausible` names the outputs marked 异常: with any, a total in the top
    band is graded one band lower and the reason is given as the veto.
    """
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
    grade = grade_for(total, bands)
    ordered_bands = sorted(bands, key=lambda band: band[0], reverse=True)
    if implausible and len(ordered_bands) > 1 and grade == ordered_bands[0][1]:
        note = implausible_note(implausible, grade)
        return MonthlyScore(ordered, total, ordered_bands[1][1], note)
    return MonthlyScore(ordered, total, grade)


def check_reviewer(*, scorer: str, reviewer: str) -> None:
    """Refuse a review by the evaluator who gave the scores."""
    if not reviewer.strip():
        raise ReviewError("请写明审核人")
    if scorer.strip() == reviewer.strip():
        raise ReviewError(f"审核人不能是评分的评估专家本人（{scorer}）")
