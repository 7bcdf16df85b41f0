"""Validating a proposal (项目申报书) against the call's rules, every violation at once.

A proposal is checked as a plain `ProposalDraft`, so the same rules serve the
CLI, the spreadsheet import, the portal form and the eligibility screening.
Each finding names the screening rule it belongs to (`amount`, `budget`,
`matching`, `domain`, `plan`, `needs`), so screening can report pass or fail
per rule from the same checks. Citing no need is a warning, not a violation:
the call asks for it, but staff decide.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from models.call_rules import CallRules
from models.citation import unknown_need_message
from models.money import format_fen
from models.proposal import KPI_UNITS

PEOPLE_INDICATOR = "服务人次"


@dataclass(frozen=True)
class BudgetItem:
    """One budget line: a category and its amount in fen."""

    category: str
    amount_fen: int


@dataclass(frozen=True)
class KpiPlan:
    """A planned output for one month of the project (1 = its first month)."""

    month: int
    indicator: str
    planned: int


@dataclass(frozen=True)
class ScheduleItem:
    """What the project does in one month."""

    month: int
    activity: str


@dataclass(frozen=True)
class ProposalDraft:
    """What validation reads of a proposal."""

    title: str
    domain_key: str
    requested_fen: int
    matching_fen: int
    months: int
    planned_people: int
    budget: tuple[BudgetItem, ...] = ()
    kpis: tuple[KpiPlan, ...] = ()
    schedule: tuple[ScheduleItem, ...] = ()
    cited_need_ids: tuple[int, ...] = ()
    target_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One problem with a proposal, under the screening rule it belongs to."""

    rule: str
    message: str


@dataclass(frozen=True)
class ProposalCheck:
    """Every violation and warning of one proposal."""

    violations: tuple[Finding, ...]
    warnings: tuple[Finding, ...]

    @property
    def is_valid(self) -> bool:
        """Tell whether the proposal may be submitted."""
        return not self.violations


def validate_proposal(
    draft: ProposalDraft, rules: CallRules, *, known_need_ids: Collection[int] | None = None
) -> ProposalCheck:
    """List every way the proposal breaks the call's rules, and what deserves a warning."""
    violations = [
        *(Finding("domain", m) for m in _domain(draft, rules)),
        *(Finding("amount", m) for m in _amount(draft, rules)),
        *(Finding("budget", m) for m in _budget(draft, rules)),
        *(Finding("matching", m) for m in _matching(draft, rules)),
        *(Finding("plan", m) for m in (*_months(draft, rules), *_kpis(draft), *_schedule(draft))),
    ]
    warnings = []
    if not draft.cited_need_ids:
        warnings.append(Finding("needs", "未引用任何居民需求编号，请说明项目回应哪些需求"))
    elif known_need_ids is not None:
        unknown = sorted(set(draft.cited_need_ids) - set(known_need_ids))
        if unknown:
            violations.append(Finding("needs", unknown_need_message(unknown)))
    return ProposalCheck(tuple(violations), tuple(warnings))


def _domain(draft: ProposalDraft, rules: CallRules) -> list[str]:
    if draft.domain_key not in rules.domain_keys:
        return [f"服务领域「{draft.domain_key}」不在资助内容范围内"]
    return []


def _amount(draft: ProposalDraft, rules: CallRules) -> list[str]:
    fen = draft.requested_fen
    if fen <= 0:
        return [f"申请金额应大于 0，实为 {format_fen(fen)} 元"]
    if not rules.min_fen <= fen <= rules.max_fen:
        return [
            f"申请金额 {format_fen(fen)} 元不在 "
            f"{format_fen(rules.min_fen)}–{format_fen(rules.max_fen)} 元之间"
        ]
    return []


def _budget(draft: ProposalDraft, rules: CallRules) -> list[str]:
    if not draft.budget:
        return ["没有预算明细"]
    problems = []
    allowed = set(rules.budget_categories)
    for item in draft.budget:
        if item.category not in allowed:
            problems.append(
                f"预算类别「{item.category}」不在允许范围内（{'、'.join(rules.budget_categories)}）"
            )
        if item.amount_fen <= 0:
            problems.append(f"预算「{item.category}」金额应大于 0")
    twice = [c for c, n in Counter(i.category for i in draft.budget).items() if n > 1]
    if twice:
        problems.append(f"预算类别重复：{'、'.join(twice)}")
    total = sum(i.amount_fen for i in draft.budget)
    if total != draft.requested_fen:
        problems.append(
            f"预算合计 {format_fen(total)} 元与申请金额 {format_fen(draft.requested_fen)} 元不符"
        )
    problems += _share(draft, rules.personnel_category, rules.personnel_share_max)
    problems += _share(draft, rules.admin_category, rules.admin_share_max)
    return problems


def _share(draft: ProposalDraft, category: str, cap: int) -> list[str]:
    spent = sum(i.amount_fen for i in draft.budget if i.category == category)
    # Compared in integers: spent / requested > cap / 100.
    if draft.requested_fen > 0 and spent * 100 > cap * draft.requested_fen:
        return [
            f"{category} {format_fen(spent)} 元超过申请金额的 {cap}%"
            f"（上限 {format_fen(draft.requested_fen * cap // 100)} 元）"
        ]
    return []


def _matching(draft: ProposalDraft, rules: CallRules) -> list[str]:
    if draft.matching_fen < 0:
        return ["配套资金不能为负"]
    needed = required_matching_fen(draft.requested_fen, rules)
    if draft.matching_fen < needed:
        return [
            f"配套资金 {format_fen(draft.matching_fen)} 元低于申请金额的 "
            f"{rules.matching_percent}%（至少 {format_fen(needed)} 元）"
        ]
    return []


def required_matching_fen(requested_fen: int, rules: CallRules) -> int:
    """Return the least own money the call asks for a request, rounded up to the fen."""
    return -(-max(requested_fen, 0) * rules.matching_percent // 100)


def _months(draft: ProposalDraft, rules: CallRules) -> list[str]:
    if draft.months < 1:
        return ["项目周期至少 1 个月"]
    if rules.max_months is not None and draft.months > rules.max_months:
        return [f"项目周期 {draft.months} 个月超过 {rules.max_months} 个月"]
    return []


def _kpis(draft: ProposalDraft) -> list[str]:
    problems = []
    for kpi in draft.kpis:
        if kpi.indicator not in KPI_UNITS:
            problems.append(f"绩效指标「{kpi.indicator}」不认识（可用：{'、'.join(KPI_UNITS)}）")
        if not 1 <= kpi.month <= max(draft.months, 1):
            problems.append(f"绩效指标「{kpi.indicator}」的月份 {kpi.month} 不在项目周期内")
        if kpi.planned < 0:
            problems.append(f"绩效指标「{kpi.indicator}」第 {kpi.month} 月计划值不能为负")
    keys = Counter((k.month, k.indicator) for k in draft.kpis)
    problems += [f"第 {m} 月「{i}」重复填写" for (m, i), n in keys.items() if n > 1]
    people = {k.month: k.planned for k in draft.kpis if k.indicator == PEOPLE_INDICATOR}
    missing = [m for m in range(1, draft.months + 1) if m not in people]
    if missing:
        problems.append(f"缺少这些月份的「服务人次」计划：{'、'.join(str(m) for m in missing)}")
    elif sum(people.values()) != draft.planned_people:
        problems.append(
            f"各月「服务人次」合计 {sum(people.values())} 与计划服务人次 "
            f"{draft.planned_people} 不符"
        )
    return problems


def _schedule(draft: ProposalDraft) -> list[str]:
    problems = []
    for item in draft.schedule:
        if not 1 <= item.month <= max(draft.months, 1):
            problems.append(f"进度安排的月份 {item.month} 不在项目周期内")
        if not item.activity.strip():
            problems.append(f"进度安排第 {item.month} 月没有写工作内容")
    return problems
