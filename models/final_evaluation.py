"""Final evaluation (结项评估) of a project: the whole period against its contract.

It combines four things, each a criterion of the call's `final_criteria`
(defaults below when the rules file names none):
- 月评估表现: the mean total of the project's published monthly evaluations;
- 绩效完成: whole-period outputs against the contract's KPIs to the period's end
  (the mean completion of the planned outputs, each capped at 100);
- 预算执行: spend against the budget planned to the period's end, 100 less the
  deviation in percent (floored at 0);
- 日报告合规: the on-time share of the daily reports due in the period;
and the evaluator scores the rest (by default 需求回应: outcomes against the
needs the proposal cited). The call's grade bands give the grade. Vetoes: money
misused in any month, or on the final sheet, sets the total to 0; a period
with reports due and none sent is the lowest band.

It is reviewed like a monthly evaluation (草稿 → 待审核 → 已审定 / 退回修改 →
已发布). Settlement at close: a passing grade releases the last tranche;
whatever was paid and not spent comes back as a refund; 不合格 withholds the
last tranche and the agency and officer are told.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from statistics import fmean
from typing import Any

from sqlmodel import Field, SQLModel

from models.base import JSON_VALUE, STATUS
from models.call_rules import CallRules, Criterion
from models.grading import GradeBands, ScoringError, grade_for, is_passing, weighted_score
from models.money import format_fen
from models.status import EvaluationStatus

MONTHLY = "月评估表现"
OUTPUTS = "绩效完成"
BUDGET = "预算执行"
COMPLIANCE = "日报告合规"
NEEDS = "需求回应"
FINAL_MEASURED = (MONTHLY, OUTPUTS, BUDGET, COMPLIANCE)
DEFAULT_FINAL_CRITERIA = (
    Criterion(MONTHLY, 30),
    Criterion(OUTPUTS, 25),
    Criterion(BUDGET, 15),
    Criterion(COMPLIANCE, 10),
    Criterion(NEEDS, 20),
)
VETO_MISUSE = "资金违规使用：总分计 0 分"
VETO_NO_REPORTS = "执行期日报告全部缺交：评为最低等级"
FINAL_FAIL_NOTICE = "final_fail"


class FinalEvaluation(SQLModel, table=True):
    """The final evaluation of one project: whole-period measures, scores, grade, review."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", unique=True)
    status: str = Field(default=EvaluationStatus.DRAFT, sa_type=STATUS)
    period_end: date
    months_evaluated: int = 0
    monthly_mean: float | None = None
    monthly_grades: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON_VALUE)
    reports_expected: int = 0
    reports_submitted: int = 0
    reports_late: int = 0
    people_served: int = 0
    activities: int = 0
    beneficiaries: int = 0
    volunteer_minutes: int = 0
    indicators: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON_VALUE)
    budget_fen: int = 0
    planned_to_date_fen: int = 0
    spent_fen: int = 0
    cited_needs: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON_VALUE)
    yellow_cards: int = 0
    vetoed_months: int = 0
    funds_misused: bool = False
    scores: dict[str, float] = Field(default_factory=dict, sa_type=JSON_VALUE)
    total_score: float | None = None
    grade: str = Field(default="", max_length=10)
    veto: str = Field(default="", max_length=200)
    evaluator_id: int | None = Field(default=None, foreign_key="user.id")
    comment: str = Field(default="", max_length=2000)
    scored_at: datetime | None = None
    reviewer_id: int | None = Field(default=None, foreign_key="user.id")
    review_comment: str = Field(default="", max_length=1000)
    reviewed_at: datetime | None = None
    # The business date of the review (--on); reviewed_at is the time of entry.
    reviewed_on: date | None = None
    published_on: date | None = None


@dataclass(frozen=True)
class FinalMeasures:
    """What the measured criteria read of a project's whole period."""

    monthly_totals: tuple[float, ...]
    output_completion: tuple[float, ...]
    planned_to_date_fen: int
    spent_fen: int
    compliance_percent: int
    reports_expected: int
    reports_submitted: int
    funds_misused: bool = False


@dataclass(frozen=True)
class FinalScore:
    """The scores, total, grade and any veto of a final evaluation."""

    scores: dict[str, float]
    total: float
    grade: str
    veto: str = ""


@dataclass(frozen=True)
class Settlement:
    """What closing does with a project's money: pay the last tranche, take back the rest."""

    pay_fen: int
    refund_fen: int
    withheld_fen: int


class RefundError(ValueError):
    """A refund the fund cannot book: more than the award was paid and kept."""


def final_criteria(rules: CallRules) -> tuple[Criterion, ...]:
    """Return the call's final criteria, or the defaults when its rules name none."""
    return rules.final_criteria or DEFAULT_FINAL_CRITERIA


def evaluator_final_criteria(criteria: Sequence[Criterion]) -> list[str]:
    """Name the final criteria the evaluator scores (all but the measured ones)."""
    return [c.name for c in criteria if c.name not in FINAL_MEASURED]


def budget_score(*, spent_fen: int, planned_fen: int) -> float:
    """Score budget execution: 100 less the deviation from plan in percent, at least 0."""
    if planned_fen <= 0:
        return 100.0 if spent_fen == 0 else 0.0
    deviation = abs(spent_fen - planned_fen) * 100 / planned_fen
    return round(max(0.0, 100 - deviation), 1)


def measured_scores(measures: FinalMeasures) -> dict[str, float]:
    """Score the four measured criteria from the whole period's records."""
    monthly = round(fmean(measures.monthly_totals), 2) if measures.monthly_totals else 0.0
    outputs = (
        round(fmean(min(100.0, c) for c in measures.output_completion), 1)
        if measures.output_completion
        else 100.0
    )
    return {
        MONTHLY: monthly,
        OUTPUTS: outputs,
        BUDGET: budget_score(
            spent_fen=measures.spent_fen, planned_fen=measures.planned_to_date_fen
        ),
        COMPLIANCE: float(measures.compliance_percent),
    }


def score_final(
    measures: FinalMeasures,
    *,
    evaluator_scores: Mapping[str, float],
    criteria: Sequence[Criterion],
    bands: GradeBands,
) -> FinalScore:
    """Combine measured and evaluator scores with the call's weights, then apply the vetoes."""
    known = {c.name for c in criteria}
    for name in evaluator_scores:
        if name in FINAL_MEASURED:
            raise ScoringError(f"「{name}」由执行期记录计算，不能由评估专家填写")
        if name not in known:
            raise ScoringError(f"申报指南的结项评估指标中没有「{name}」")
    scores = {
        **{k: v for k, v in measured_scores(measures).items() if k in known},
        **{name: float(value) for name, value in evaluator_scores.items()},
    }
    weights = {c.name: c.weight for c in criteria}
    total = weighted_score(scores, weights)
    ordered = {name: scores[name] for name in weights}
    lowest = min(bands, key=lambda band: band[0])[1]
    if measures.funds_misused:
        return FinalScore(ordered, 0.0, lowest, VETO_MISUSE)
    if measures.reports_expected > 0 and measures.reports_submitted == 0:
        return FinalScore(ordered, total, lowest, VETO_NO_REPORTS)
    return FinalScore(ordered, total, grade_for(total, bands))


def settle(
    *,
    passed: bool,
    last_tranche_fen: int,
    last_tranche_paid: bool,
    paid_fen: int,
    refunded_fen: int,
    spent_fen: int,
) -> Settlement:
    """Decide the last payment and the refund of a project whose final grade is known.

    A passing project is paid its last tranche; a failing one is not. Whatever
    the agency then holds beyond what it reported spending comes back.
    """
    pay = last_tranche_fen if passed and not last_tranche_paid else 0
    withheld = 0 if passed or last_tranche_paid else last_tranche_fen
    kept = paid_fen + pay - refunded_fen
    return Settlement(pay, max(kept - max(spent_fen, 0), 0), withheld)


def check_refund(amount_fen: int, *, paid_fen: int, refunded_fen: int) -> None:
    """Refuse a refund that is not positive or exceeds what was paid and not yet returned."""
    if amount_fen <= 0:
        raise RefundError("退回金额必须大于 0")
    kept = paid_fen - refunded_fen
    if amount_fen > kept:
        raise RefundError(
            f"退回 {format_fen(amount_fen)} 元超过已拨付未退回的 {format_fen(kept)} 元"
            f"（已拨付 {format_fen(paid_fen)} 元，已退回 {format_fen(refunded_fen)} 元）"
        )


def is_final_passing(grade: str, bands: GradeBands) -> bool:
    """Tell whether a final grade releases the last tranche."""
    return is_passing(grade, bands)


def compose_final_fail(
    *, project_title: str, agency_name: str, grade: str, withheld: str, refund: str
) -> tuple[str, str]:
    """Write the e-mail telling agency and officer a project failed its final evaluation."""
    title = " ".join(project_title.split())
    subject = f"【结项评估】「{title}」评为{grade}，末期资金不予拨付"
    lines = [
        f"{agency_name}、街道项目负责人：",
        "",
        f"服务项目「{title}」结项评估等级为「{grade}」，未达到合格，",
        f"末期资金 {withheld} 元不予拨付。",
    ]
    if refund != "0.00":
        lines.append(f"已拨付未使用的结余 {refund} 元应退回公益基金。")
    lines += ["该结果记入机构往期表现，影响下一周期的申报资格。", "", "（公益创投系统自动发送）"]
    return subject, "\n".join(lines)
