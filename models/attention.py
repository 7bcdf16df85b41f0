"""The 需要关注 list: projects that need the street's attention, most severe first.

Each reason has a severity:
- 严重 (1): daily reports missing or late (on-time share below 80 %, or the
  whole month missing) and yellow cards — the alarms that something is wrong
  with the project itself;
- 较重 (2): 超支 (spend above plan by more than the call's threshold), outputs
  marked 异常 (implausibly far above plan, to be checked), overdue action
  items, outputs well below plan and risks reported again and again;
- 一般 (3): 执行偏慢 (spend below plan by more than the call's threshold), the
  usual slow start of a project, listed last so it never buries the rest.

A project's level is that of its most severe reason. Projects are ranked by
level, then by the weight of all their reasons (a 严重 reason outweighs any
number of 较重 ones, and so on), then by on-time share (lowest first), then
by title. Every row says why, most severe reason first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from models.compliance import Compliance
from models.indicators import (
    LOW_COMPLIANCE_PERCENT,
    LOW_PROGRESS_PERCENT,
    OVERSPENT,
    REPEATED_RISKS,
    SLOW_SPENDING,
    Indicator,
    Plausibility,
    budget_state,
    deviation_percent,
    implausible_outputs,
    progress_percent,
)
from models.monitoring import MonthlyEvaluation

SEVERE, SERIOUS, MINOR = 1, 2, 3
LEVEL_LABELS = {SEVERE: "严重", SERIOUS: "较重", MINOR: "一般"}
# A reason of a level outweighs any number of reasons of the levels below it.
_WEIGHTS = {SEVERE: 10_000, SERIOUS: 100, MINOR: 1}


@dataclass(frozen=True)
class AttentionFacts:
    """What the 需要关注 rule reads of one project's month."""

    project_title: str
    agency_name: str = ""
    compliance_percent: int = 100
    reports_expected: int = 0
    reports_missing: int = 0
    progress: float = 100.0
    yellow_cards: int = 0
    overdue_items: int = 0
    risks_reported: int = 0
    budget_state: str = ""  # 超支, 执行偏慢 or ""
    budget_deviation: float | None = None  # spend to date against plan, percent of plan
    implausible: tuple[str, ...] = ()  # names of the outputs marked 异常


@dataclass(frozen=True)
class Reason:
    """One reason a project needs attention, with its severity (1 is the most severe)."""

    severity: int
    text: str


@dataclass(frozen=True)
class AttentionRow:
    """One project of the 需要关注 list: its level and why, most severe reason first."""

    project_title: str
    agency_name: str
    severity: int
    reasons: tuple[str, ...]

    @property
    def level(self) -> str:
        """The level's label: 严重, 较重 or 一般."""
        return LEVEL_LABELS[self.severity]


def attention_reasons(facts: AttentionFacts) -> tuple[Reason, ...]:
    """Say why a project needs attention, most severe first; empty when it does not."""
    reasons: list[Reason] = []
    if facts.reports_expected and facts.reports_missing >= facts.reports_expected:
        reasons.append(Reason(SEVERE, f"本月日报告全部缺交（应交 {facts.reports_expected} 份）"))
    elif facts.compliance_percent < LOW_COMPLIANCE_PERCENT:
        missing = f"，缺交 {facts.reports_missing} 份" if facts.reports_missing else ""
        reasons.append(
            Reason(
                SEVERE,
                f"日报告按时率 {facts.compliance_percent}%（低于 {LOW_COMPLIANCE_PERCENT}%）{missing}",
            )
        )
    if facts.yellow_cards:
        reasons.append(Reason(SEVERE, f"本月黄牌 {facts.yellow_cards} 张"))
    if facts.budget_state == OVERSPENT:
        reasons.append(Reason(SERIOUS, f"预算超支{_deviation(facts.budget_deviation)}"))
    if facts.implausible:
        names = "、".join(facts.implausible)
        reasons.append(Reason(SERIOUS, f"{names}远超计划，数据异常待核实"))
    if facts.overdue_items:
        reasons.append(Reason(SERIOUS, f"逾期待办 {facts.overdue_items} 项"))
    if facts.progress < LOW_PROGRESS_PERCENT:
        reasons.append(
            Reason(SERIOUS, f"产出完成 {facts.progress:.1f}%（低于计划的 {LOW_PROGRESS_PERCENT}%）")
        )
    if facts.risks_reported >= REPEATED_RISKS:
        reasons.append(Reason(SERIOUS, f"日报告多次报告风险（{facts.risks_reported} 次）"))
    if facts.budget_state == SLOW_SPENDING:
        reasons.append(Reason(MINOR, f"预算执行偏慢{_deviation(facts.budget_deviation)}"))
    return tuple(reasons)


def _deviation(percent: float | None) -> str:
    if percent is None:
        return ""
    word = "高于" if percent > 0 else "低于"
    return f"（累计支出{word}计划 {abs(percent):.1f}%）"


def rank_attention(projects: Iterable[AttentionFacts]) -> tuple[AttentionRow, ...]:
    """List the projects that need attention, most severe first, each with its reasons."""
    ranked = []
    for facts in projects:
        reasons = attention_reasons(facts)
        if not reasons:
            continue
        severity = min(r.severity for r in reasons)
        weight = sum(_WEIGHTS[r.severity] for r in reasons)
        row = AttentionRow(
            facts.project_title, facts.agency_name, severity, tuple(r.text for r in reasons)
        )
        ranked.append(((severity, -weight, facts.compliance_percent, facts.project_title), row))
    return tuple(row for _, row in sorted(ranked, key=lambda pair: pair[0]))


def facts_of_evaluation(
    evaluation: MonthlyEvaluation,
    *,
    project_title: str,
    agency_name: str = "",
    yellow_cards: int = 0,
    overdue_items: int = 0,
    limits: Plausibility = Plausibility(),
) -> AttentionFacts:
    """Read the 需要关注 facts of one project's month from its evaluation.

    `yellow_cards` and `overdue_items` are counted by the caller (they are not
    stored on the evaluation); `limits` are the call's `[plausibility]`
    thresholds (`models.indicators.read_plausibility(call.rules)`).
    """
    outputs = [
        Indicator(i["name"], i["unit"], i["planned"], i["actual"]) for i in evaluation.indicators
    ]
    compliance = Compliance(
        evaluation.reports_expected, evaluation.reports_submitted, evaluation.reports_late, ()
    )
    has_budget = bool(evaluation.budget_lines)
    spent, planned = evaluation.spent_to_date_fen, evaluation.planned_to_date_fen
    return AttentionFacts(
        project_title=project_title,
        agency_name=agency_name,
        compliance_percent=compliance.percent,
        reports_expected=evaluation.reports_expected,
        reports_missing=max(evaluation.reports_expected - evaluation.reports_submitted, 0),
        progress=progress_percent(outputs),
        yellow_cards=yellow_cards,
        overdue_items=overdue_items,
        risks_reported=evaluation.risks_reported,
        budget_state=budget_state(spent, planned, limits) if has_budget else "",
        budget_deviation=deviation_percent(spent, planned),
        implausible=tuple(i.name for i in implausible_outputs(outputs, limits)),
    )


def evaluation_flags(
    evaluation: MonthlyEvaluation, limits: Plausibility = Plausibility()
) -> tuple[str, ...]:
    """Say, for the evaluator reviewing a month, what in its measures needs checking.

    One sentence per output marked 异常 (actual, plan and the call's multiple)
    and one for a budget that is 超支 or 执行偏慢 (with the deviation). The
    portal's review page shows them; every other door should use this too.
    """
    outputs = [
        Indicator(i["name"], i["unit"], i["planned"], i["actual"]) for i in evaluation.indicators
    ]
    flags = [
        f"{o.name}：实际 {o.actual}{o.unit}，计划 {o.planned}{o.unit}"
        f"（超过计划的 {limits.indicator_max_ratio:g} 倍，标为异常，请核实；评分按计划的 100% 计）"
        for o in implausible_outputs(outputs, limits)
    ]
    spent, planned = evaluation.spent_to_date_fen, evaluation.planned_to_date_fen
    state = budget_state(spent, planned, limits) if evaluation.budget_lines else ""
    if state:
        deviation = deviation_percent(spent, planned)
        shown = f"（累计支出偏离计划 {deviation:+.1f}%）" if deviation is not None else ""
        flags.append(f"预算{state}{shown}")
    return tuple(flags)
