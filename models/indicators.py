"""Indicators against plan: outputs, budget execution, volunteer input, and projects at risk.

Outputs are counted from the current versions of the daily reports:
服务人次 is the sum of each activity's attendance, 活动场次 the number of
activities, 受益人数 the beneficiaries (by pseudonymous id) served for the
first time in the project, and 志愿服务时长 the volunteers' whole hours. The
plan is the proposal's KPI target for the project's month (month 1 is the
month the project starts in).

Budget execution compares spend to date with the plan to date, which is each
budget line spread evenly over the project's months. Spending more than plan
by more than `overspend_pct` percent of plan is 超支; spending less than plan
by more than `underspend_pct` percent is 执行偏慢 (a slow start, a milder
signal). The arithmetic is in integer fen.

Plausibility: an output achieved above `indicator_max_ratio` times its plan
(default 3, i.e. 300 %) is 异常 — most likely a typing or counting error — and
is shown as such rather than as a percentage. The three thresholds come from
the call rules' optional `[plausibility]` section (`read_plausibility`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.calendar import month_bounds

SERVICE_VISITS = "服务人次"
ACTIVITY_COUNT = "活动场次"
BENEFICIARIES = "受益人数"
VOLUNTEER_HOURS = "志愿服务时长"
OUTPUTS = (SERVICE_VISITS, ACTIVITY_COUNT, BENEFICIARIES)
UNITS = {SERVICE_VISITS: "人次", ACTIVITY_COUNT: "场", BENEFICIARIES: "人", VOLUNTEER_HOURS: "小时"}
DEVIATION_LIMIT_PERCENT = 10  # the default 超支 threshold
LOW_COMPLIANCE_PERCENT = 80
LOW_PROGRESS_PERCENT = 70
REPEATED_RISKS = 2

PLAUSIBILITY_SECTION = "plausibility"
DEFAULT_INDICATOR_MAX_RATIO = 3.0
DEFAULT_OVERSPEND_PCT = 10.0
DEFAULT_UNDERSPEND_PCT = 30.0
IMPLAUSIBLE = "异常"
OVERSPENT = "超支"
SLOW_SPENDING = "执行偏慢"


class PlausibilityError(ValueError):
    """A `[plausibility]` threshold in the call rules that cannot be used."""


@dataclass(frozen=True)
class Plausibility:
    """Thresholds for implausible outputs and for budget deviation.

    `indicator_max_ratio`: an output above this multiple of its plan is 异常.
    `overspend_pct`: spend above plan by more than this percent of plan is 超支.
    `underspend_pct`: spend below plan by more than this percent of plan is 执行偏慢.
    """

    indicator_max_ratio: float = DEFAULT_INDICATOR_MAX_RATIO
    overspend_pct: float = DEFAULT_OVERSPEND_PCT
    underspend_pct: float = DEFAULT_UNDERSPEND_PCT


def read_plausibility(rules: Mapping[str, Any] | None) -> Plausibility:
    """Read the `[plausibility]` thresholds from a parsed rules file, each key optional.

    Keys: `indicator_max_ratio` (number > 1, default 3.0), `overspend_pct` and
    `underspend_pct` (numbers from 0 to 100, defaults 10 and 30). A call without
    the section uses the defaults.
    """
    section = (rules or {}).get(PLAUSIBILITY_SECTION) or {}
    if not isinstance(section, Mapping):
        raise PlausibilityError(f"[{PLAUSIBILITY_SECTION}] 应为一节")
    ratio = _number(section, "indicator_max_ratio", DEFAULT_INDICATOR_MAX_RATIO)
    if ratio <= 1:
        raise PlausibilityError(
            f"{PLAUSIBILITY_SECTION}.indicator_max_ratio 应大于 1，实为 {ratio}"
        )
    limits = {}
    for key, default in (
        ("overspend_pct", DEFAULT_OVERSPEND_PCT),
        ("underspend_pct", DEFAULT_UNDERSPEND_PCT),
    ):
        limits[key] = _number(section, key, default)
        if not 0 <= limits[key] <= 100:
            raise PlausibilityError(
                f"{PLAUSIBILITY_SECTION}.{key} 应在 0–100 之间，实为 {limits[key]}"
            )
    return Plausibility(ratio, limits["overspend_pct"], limits["underspend_pct"])


def _number(section: Mapping[str, Any], key: str, default: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PlausibilityError(f"{PLAUSIBILITY_SECTION}.{key} 应为数字，收到 {value!r}")
    return float(value)


@dataclass(frozen=True)
class ReportFacts:
    """What the indicators read of one current daily report."""

    day: date
    people_served: int = 0
    activities: int = 0
    beneficiary_refs: tuple[str, ...] = ()
    service_minutes: int = 0
    volunteers: int = 0
    volunteer_minutes: int = 0
    spend_fen: Mapping[str, int] = field(default_factory=dict)
    issues: str = ""
    risks: str = ""


@dataclass(frozen=True)
class Indicator:
    """One indicator for the month: planned (None when the plan has none) against actual."""

    name: str
    unit: str
    planned: int | None
    actual: int

    @property
    def completion(self) -> float | None:
        """Actual as a percent of plan, one decimal, not capped; None without a plan."""
        if not self.planned:
            return None
        return round(100 * self.actual / self.planned, 1)

    def is_implausible(self, limits: Plausibility = Plausibility()) -> bool:
        """Tell whether the actual is above `indicator_max_ratio` times a positive plan."""
        if self.planned is None or self.planned <= 0:
            return False
        return self.actual > self.planned * limits.indicator_max_ratio


def is_implausible(planned: int | None, actual: int, limits: Plausibility = Plausibility()) -> bool:
    """Tell whether `actual` is above `indicator_max_ratio` times a positive `planned`."""
    return Indicator("", "", planned, actual).is_implausible(limits)


def implausible_outputs(
    indicators: Iterable[Indicator], limits: Plausibility = Plausibility()
) -> tuple[Indicator, ...]:
    """Return the outputs achieved implausibly far above plan (异常)."""
    return tuple(i for i in indicators if i.is_implausible(limits))


def month_index(starts_on: date, month: str) -> int:
    """Number a month of a project's run: the month it starts in is 1."""
    first, _ = month_bounds(month)
    return (first.year - starts_on.year) * 12 + first.month - starts_on.month + 1


def count_new_beneficiaries(reports: Iterable[ReportFacts], *, seen_before: set[str]) -> int:
    """Count the ids first served in `reports`, not counting those in `seen_before`."""
    seen = set(seen_before)
    new = 0
    for report in reports:
        for ref in report.beneficiary_refs:
            if ref not in seen:
                seen.add(ref)
                new += 1
    return new


def measure_outputs(
    reports: Sequence[ReportFacts], *, targets: Mapping[str, int], seen_before: set[str]
) -> tuple[Indicator, ...]:
    """Count the month's outputs and volunteer hours against the month's targets."""
    actual = {
        SERVICE_VISITS: sum(r.people_served for r in reports),
        ACTIVITY_COUNT: sum(r.activities for r in reports),
        BENEFICIARIES: count_new_beneficiaries(reports, seen_before=seen_before),
        VOLUNTEER_HOURS: sum(r.volunteer_minutes for r in reports) // 60,
    }
    return tuple(
        Indicator(name, UNITS[name], targets.get(name), actual[name])
        for name in (*OUTPUTS, VOLUNTEER_HOURS)
    )


def progress_percent(indicators: Iterable[Indicator]) -> float:
    """Score progress as the mean completion of the planned outputs, each capped at 100.

    An 异常 output (above the plausible multiple of plan) is therefore counted
    at 100 % of plan, never more: the cap at 100 % is what the score uses for
    every output, so an implausible figure earns no more than meeting the plan.
    (The grade is kept below the top band separately: `models.evaluation`.)
    """
    shares = [
        min(100.0, 100 * i.actual / i.planned)
        for i in indicators
        if i.name in OUTPUTS and i.planned and i.planned > 0
    ]
    if not shares:
        return 100.0
    return round(sum(shares) / len(shares), 1)


@dataclass(frozen=True)
class BudgetUse:
    """One budget line: its amount, the plan to date, and what was spent."""

    category: str
    budget_fen: int
    planned_to_date_fen: int
    spent_to_date_fen: int
    spent_month_fen: int

    @property
    def is_flagged(self) -> bool:
        """Tell whether spend to date is off the plan to date by the default thresholds."""
        return bool(self.state())

    def state(self, limits: Plausibility = Plausibility()) -> str:
        """Say 超支, 执行偏慢 or "" for spend to date against the plan to date."""
        return budget_state(self.spent_to_date_fen, self.planned_to_date_fen, limits)


@dataclass(frozen=True)
class BudgetExecution:
    """Budget execution of a project to the end of one month."""

    lines: tuple[BudgetUse, ...]

    @property
    def budget_fen(self) -> int:
        return sum(line.budget_fen for line in self.lines)

    @property
    def planned_to_date_fen(self) -> int:
        return sum(line.planned_to_date_fen for line in self.lines)

    @property
    def spent_to_date_fen(self) -> int:
        return sum(line.spent_to_date_fen for line in self.lines)

    @property
    def spent_month_fen(self) -> int:
        return sum(line.spent_month_fen for line in self.lines)

    @property
    def is_flagged(self) -> bool:
        """Tell whether the total is off the plan to date by the default thresholds."""
        return bool(self.state())

    def state(self, limits: Plausibility = Plausibility()) -> str:
        """Say 超支, 执行偏慢 or "" for the total spend to date against the plan to date."""
        return budget_state(self.spent_to_date_fen, self.planned_to_date_fen, limits)


def budget_state(spent_fen: int, planned_fen: int, limits: Plausibility = Plausibility()) -> str:
    """Say 超支 when spend is above plan by more than `overspend_pct` of plan,
    执行偏慢 when it is below plan by more than `underspend_pct`, else "".

    With nothing planned yet, any spend is 超支.
    """
    if planned_fen <= 0:
        return OVERSPENT if spent_fen > 0 else ""
    if (spent_fen - planned_fen) * 100 > planned_fen * limits.overspend_pct:
        return OVERSPENT
    if (planned_fen - spent_fen) * 100 > planned_fen * limits.underspend_pct:
        return SLOW_SPENDING
    return ""


def is_deviation_flagged(
    spent_fen: int, planned_fen: int, limits: Plausibility = Plausibility()
) -> bool:
    """Tell whether spend is 超支 or 执行偏慢 against plan."""
    return bool(budget_state(spent_fen, planned_fen, limits))


def deviation_percent(spent_fen: int, planned_fen: int) -> float | None:
    """Return spend's deviation from plan as a percent of plan, one decimal."""
    if planned_fen <= 0:
        return None
    return round(100 * (spent_fen - planned_fen) / planned_fen, 1)


def measure_budget(
    budget: Mapping[str, int],
    *,
    spent_to_date: Mapping[str, int],
    spent_month: Mapping[str, int],
    elapsed_months: int,
    months: int,
) -> BudgetExecution:
    """Compare spend with each budget line spread evenly over the project's months."""
    elapsed = min(max(elapsed_months, 0), max(months, 1))
    return BudgetExecution(
        tuple(
            BudgetUse(
                category,
                amount,
                amount * elapsed // max(months, 1),
                spent_to_date.get(category, 0),
                spent_month.get(category, 0),
            )
            for category, amount in budget.items()
        )
    )


def sum_spend(reports: Iterable[ReportFacts]) -> dict[str, int]:
    """Add up spend by budget category."""
    totals: dict[str, int] = {}
    for report in reports:
        for category, amount in report.spend_fen.items():
            totals[category] = totals.get(category, 0) + amount
    return totals


def risk_reasons(
    *,
    compliance_percent: int,
    progress: float,
    budget_flagged: bool,
    yellow_cards: int,
    overdue_items: int,
    risks_reported: int,
    budget_state: str = "",
) -> tuple[str, ...]:
    """Say why a project is at risk; an empty answer means it is not.

    `budget_state` (超支 / 执行偏慢) names the budget deviation when known;
    otherwise `budget_flagged` gives the older, unnamed deviation reason.
    For the street's 需要关注 list ranked by severity see `models.attention`.
    """
    reasons = []
    if compliance_percent < LOW_COMPLIANCE_PERCENT:
        reasons.append(f"日报告按时率 {compliance_percent}%（低于 {LOW_COMPLIANCE_PERCENT}%）")
    if progress < LOW_PROGRESS_PERCENT:
        reasons.append(f"产出完成 {progress:.1f}%（低于计划的 {LOW_PROGRESS_PERCENT}%）")
    if budget_state == OVERSPENT:
        reasons.append("预算超支")
    elif budget_state == SLOW_SPENDING:
        reasons.append("预算执行偏慢")
    elif budget_flagged:
        reasons.append(f"预算执行偏差超过 {DEVIATION_LIMIT_PERCENT}%")
    if yellow_cards:
        reasons.append(f"本月黄牌 {yellow_cards} 张")
    if overdue_items:
        reasons.append(f"逾期待办 {overdue_items} 项")
    if risks_reported >= REPEATED_RISKS:
        # One risk is discussed as an issue; risks raised again and again mark the project.
        reasons.append(f"日报告多次报告风险（{risks_reported} 次）")
    return tuple(reasons)
