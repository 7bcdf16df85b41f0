"""Indicators against plan: outputs, budget execution, volunteer input, and projects at risk.

Outputs are counted from the current versions of the daily reports:
服务人次 is the sum of each activity's attendance, 活动场次 the number of
activities, 受益人数 the beneficiaries (by pseudonymous id) served for the
first time in the project, and 志愿服务时长 the volunteers' whole hours. The
plan is the proposal's KPI target for the project's month (month 1 is the
month the project starts in).

Budget execution compares spend to date with the plan to date, which is each
budget line spread evenly over the project's months; a deviation of more
than 10% either way is flagged. The arithmetic is in integer fen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from models.calendar import month_bounds

SERVICE_VISITS = "服务人次"
ACTIVITY_COUNT = "活动场次"
BENEFICIARIES = "受益人数"
VOLUNTEER_HOURS = "志愿服务时长"
OUTPUTS = (SERVICE_VISITS, ACTIVITY_COUNT, BENEFICIARIES)
UNITS = {SERVICE_VISITS: "人次", ACTIVITY_COUNT: "场", BENEFICIARIES: "人", VOLUNTEER_HOURS: "小时"}
DEVIATION_LIMIT_PERCENT = 10
LOW_COMPLIANCE_PERCENT = 80
LOW_PROGRESS_PERCENT = 70
REPEATED_RISKS = 2


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
    """Score progress as the mean completion of the planned outputs, each capped at 100."""
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
        """Tell whether spend to date is more than 10% off the plan to date."""
        return is_deviation_flagged(self.spent_to_date_fen, self.planned_to_date_fen)


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
        """Tell whether the total is more than 10% off the plan to date."""
        return is_deviation_flagged(self.spent_to_date_fen, self.planned_to_date_fen)


def is_deviation_flagged(spent_fen: int, planned_fen: int) -> bool:
    """Tell whether spend differs from plan by more than 10% of plan."""
    return abs(spent_fen - planned_fen) * 100 > planned_fen * DEVIATION_LIMIT_PERCENT


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
) -> tuple[str, ...]:
    """Say why a project is at risk; an empty answer means it is not."""
    reasons = []
    if compliance_percent < LOW_COMPLIANCE_PERCENT:
        reasons.append(f"日报告按时率 {compliance_percent}%（低于 {LOW_COMPLIANCE_PERCENT}%）")
    if progress < LOW_PROGRESS_PERCENT:
        reasons.append(f"产出完成 {progress:.1f}%（低于计划的 {LOW_PROGRESS_PERCENT}%）")
    if budget_flagged:
        reasons.append(f"预算执行偏差超过 {DEVIATION_LIMIT_PERCENT}%")
    if yellow_cards:
        reasons.append(f"本月黄牌 {yellow_cards} 张")
    if overdue_items:
        reasons.append(f"逾期待办 {overdue_items} 项")
    if risks_reported >= REPEATED_RISKS:
        # One risk is discussed as an issue; risks raised again and again mark the project.
        reasons.append(f"日报告多次报告风险（{risks_reported} 次）")
    return tuple(reasons)
