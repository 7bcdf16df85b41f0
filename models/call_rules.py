"""The call's six unified standards as a typed value, read from the rules file.

One rules file per cycle and version (TOML) drives proposal validation,
eligibility screening, the published call (申报指南) and the contract terms.
Reading it refuses unknown keys, checks every value's type and then checks
that the standards agree with each other: weights and tranches that add up to
100, a minimum below the cap below the total, known stages and conditions.
The keys are listed in `models.call_keys`; the README explains each one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from models.award import TrancheCondition
from models.call_keys import (
    SECTION_KEYS,
    STANDARD_LABELS,
    TOP_KEYS,
    Path,
    RulesError,
    read_value,
    refuse_unknown,
    say,
)
from models.grading import GradeBands
from models.money import FEN_PER_YUAN, format_fen
from models.status import Stage

__all__ = ["STANDARD_LABELS", "CallRules", "Criterion", "RulesError", "TrancheShare"]


@dataclass(frozen=True)
class Criterion:
    """A scoring criterion (评分指标) and its weight out of 100."""

    name: str
    weight: int


@dataclass(frozen=True)
class TrancheShare:
    """One step of the tranche plan: a percentage and its release condition."""

    percent: int
    condition: str


@dataclass(frozen=True)
class CallRules:
    """The six standards of one call, with its title, version and dates."""

    title: str
    version: int
    opens_on: date
    deadline: datetime  # wall-clock time in the office's zone
    # 资助主体
    org_types: tuple[str, ...]
    min_years_registered: int
    annual_inspection_ok: tuple[str, ...]
    exclude_abnormal_list: bool
    exclude_serious_violation_list: bool
    max_proposals_per_agency: int
    min_past_grade: str | None
    max_yellow_cards: int | None
    # 资助方式
    matching_percent: int
    tranches: tuple[TrancheShare, ...]
    # 资助内容
    domain_keys: tuple[str, ...]
    budget_categories: tuple[str, ...]
    personnel_category: str
    admin_category: str
    personnel_share_max: int
    admin_share_max: int
    max_months: int | None
    # 资助金额
    min_fen: int
    max_fen: int
    total_fen: int
    # 资金来源
    fund_name: str
    restricted_parts: bool
    # 项目评估
    stages: tuple[str, ...]
    objection_days: int
    review_criteria: tuple[Criterion, ...]
    monthly_criteria: tuple[Criterion, ...]
    grade_bands: GradeBands
    min_award_score: float
    calendar: tuple[tuple[str, str], ...]
    reviewers_per_proposal: int | None
    blind_review: bool
    publish_panel: bool
    raw: Mapping[str, Any]

    @property
    def funding_mode(self) -> str:
        """Return "full" (全额资助) or "matching" (配套资助)."""
        return "matching" if self.matching_percent else "full"


def read_call_rules(data: Mapping[str, Any]) -> CallRules:
    """Check a parsed rules file and return its standards."""
    values = _read_all(data)
    top, sections = values[""], values
    applicants, mode, content = (
        sections["applicants"],
        sections["funding_mode"],
        sections["content"],
    )
    amount, source, evaluation = sections["amount"], sections["source"], sections["evaluation"]
    rules = CallRules(
        title=top["title"],
        version=top["version"],
        opens_on=top["opens_on"],
        deadline=top["deadline"],
        org_types=applicants["org_types"],
        min_years_registered=applicants["min_years_registered"],
        annual_inspection_ok=applicants["annual_inspection_ok"],
        exclude_abnormal_list=applicants.get("exclude_abnormal_list", True),
        exclude_serious_violation_list=applicants.get("exclude_serious_violation_list", True),
        max_proposals_per_agency=applicants["max_proposals_per_agency"],
        min_past_grade=applicants.get("min_past_grade"),
        max_yellow_cards=applicants.get("max_yellow_cards"),
        matching_percent=mode["matching_percent"],
        tranches=tuple(TrancheShare(t["percent"], t["condition"]) for t in mode["tranches"]),
        domain_keys=content["domains"],
        budget_categories=content["budget_categories"],
        personnel_category=content["personnel_category"],
        admin_category=content["admin_category"],
        personnel_share_max=content["personnel_share_max"],
        admin_share_max=content["admin_share_max"],
        max_months=content.get("max_months"),
        min_fen=amount["min_yuan"] * FEN_PER_YUAN,
        max_fen=amount["max_yuan"] * FEN_PER_YUAN,
        total_fen=amount["total_yuan"] * FEN_PER_YUAN,
        fund_name=source["fund"],
        restricted_parts=source.get("restricted_parts", True),
        stages=evaluation["stages"],
        objection_days=evaluation["objection_days"],
        review_criteria=_criteria(evaluation["review_criteria"]),
        monthly_criteria=_criteria(evaluation["monthly_criteria"]),
        grade_bands=evaluation["grade_bands"],
        min_award_score=evaluation.get("min_award_score", 0.0),
        calendar=evaluation["calendar"],
        reviewers_per_proposal=evaluation.get("reviewers_per_proposal"),
        blind_review=evaluation.get("blind_review", False),
        publish_panel=evaluation.get("publish_panel", False),
        raw=data,
    )
    check_consistency(rules)
    return rules


def _read_all(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    missing = [key for key in STANDARD_LABELS if key not in data]
    if missing:
        labels = "、".join(f"[{k}]（{STANDARD_LABELS[k]}）" for k in missing)
        raise RulesError(f"申报指南缺少：{labels}", path=(missing[0],))
    values = {"": _read_section(data, TOP_KEYS, ())}
    for name, keys in SECTION_KEYS.items():
        section = data[name]
        if not isinstance(section, Mapping):
            raise RulesError(say((name,), f"应为一节 [{name}]"), path=(name,))
        values[name] = _read_section(section, keys, (name,))
    return values


def _read_section(
    section: Mapping[str, Any], keys: Mapping[str, tuple[str, bool]], path: Path
) -> dict[str, Any]:
    refuse_unknown(section, {**keys, **({} if path else STANDARD_LABELS)}, path)
    values = {}
    for key, (kind, required) in keys.items():
        if key in section:
            values[key] = read_value(section[key], kind, (*path, key))
        elif required:
            raise RulesError(say(path, f"缺少 {key}"), path=path or (key,))
    return values


def _criteria(items: list[dict[str, Any]]) -> tuple[Criterion, ...]:
    return tuple(Criterion(c["name"], c["weight"]) for c in items)


def check_consistency(rules: CallRules) -> None:
    """Raise RulesError, naming the key, where the standards contradict each other."""
    for check in (_check_dates, _check_money, _check_content, _check_evaluation, _check_applicants):
        check(rules)


def _refuse(path: Path, reason: str) -> RulesError:
    return RulesError(say(path, reason), path=path)


def _check_dates(rules: CallRules) -> None:
    if rules.deadline.date() < rules.opens_on:
        raise _refuse(("deadline",), f"{rules.deadline:%Y-%m-%d %H:%M} 早于开始日期 opens_on")
    if rules.version < 1:
        raise _refuse(("version",), "应从 1 开始")


def _check_money(rules: CallRules) -> None:
    if rules.min_fen == 0:
        raise _refuse(("amount", "min_yuan"), "应大于 0（0 < min_yuan ≤ max_yuan ≤ total_yuan）")
    if rules.max_fen < rules.min_fen:
        raise _refuse(
            ("amount", "max_yuan"), "低于 min_yuan（0 < min_yuan ≤ max_yuan ≤ total_yuan）"
        )
    if rules.total_fen < rules.max_fen:
        raise _refuse(
            ("amount", "total_yuan"), "低于 max_yuan（0 < min_yuan ≤ max_yuan ≤ total_yuan）"
        )
    if rules.matching_percent > 100:
        raise _refuse(("funding_mode", "matching_percent"), "应在 0–100 之间（0 = 全额资助）")
    percents = [t.percent for t in rules.tranches]
    if sum(percents) != 100 or 0 in percents:
        raise _refuse(("funding_mode", "tranches"), "的比例之和应为 100，且每期大于 0")
    for index, tranche in enumerate(rules.tranches):
        if tranche.condition not in set(TrancheCondition):
            known = "、".join(TrancheCondition)
            raise _refuse(
                ("funding_mode", "tranches", index, "condition"),
                f"第 {index + 1} 期的条件「{tranche.condition}」不认识（可用：{known}）",
            )


def _check_content(rules: CallRules) -> None:
    for key in ("personnel_category", "admin_category"):
        if getattr(rules, key) not in rules.budget_categories:
            raise _refuse(("content", key), "应是 budget_categories 中的一项")
    for key in ("personnel_share_max", "admin_share_max"):
        if getattr(rules, key) > 100:
            raise _refuse(("content", key), "是占申请金额的百分比，应在 0–100 之间")
    if rules.max_months == 0:
        raise _refuse(("content", "max_months"), "应大于 0")


def _check_evaluation(rules: CallRules) -> None:
    for key in ("review_criteria", "monthly_criteria"):
        criteria = getattr(rules, key)
        if sum(c.weight for c in criteria) != 100:
            raise _refuse(("evaluation", key), "的权重之和应为 100")
        if len({c.name for c in criteria}) != len(criteria):
            raise _refuse(("evaluation", key), "有重名的指标")
    order = list(Stage)
    unknown = [s for s in rules.stages if s not in order]
    if unknown or not rules.stages or rules.stages[0] != Stage.ELIGIBILITY:
        raise _refuse(
            ("evaluation", "stages"),
            f"应以 eligibility 开始，按 {' → '.join(order)} 的顺序取用",
        )
    if [order.index(s) for s in rules.stages] != sorted(order.index(s) for s in rules.stages):
        raise _refuse(("evaluation", "stages"), f"应按 {' → '.join(order)} 的顺序")
    floors = [floor for floor, _ in rules.grade_bands]
    names = [name for _, name in rules.grade_bands]
    if floors != sorted(set(floors), reverse=True) or floors[-1] != 0 or floors[0] > 100:
        raise _refuse(
            ("evaluation", "grade_bands"), "的分数下限应从高到低排列、互不相同，最后一档为 0"
        )
    if len(set(names)) != len(names):
        raise _refuse(("evaluation", "grade_bands"), "有重名的等级")


def _check_applicants(rules: CallRules) -> None:
    names = [name for _, name in rules.grade_bands]
    if rules.min_past_grade is not None and rules.min_past_grade not in names:
        raise _refuse(("applicants", "min_past_grade"), f"应为等级之一：{'、'.join(names)}")


def check_rules_fit_fund(rules: CallRules, *, fund_name: str, raised_fen: int) -> None:
    """Raise RulesError if the call promises more than the fund holds, or names another fund."""
    if rules.fund_name != fund_name:
        raise _refuse(
            ("source", "fund"), f"「{rules.fund_name}」不是本周期的公益基金「{fund_name}」"
        )
    if rules.total_fen > raised_fen:
        raise _refuse(
            ("amount", "total_yuan"),
            f"{format_fen(rules.total_fen)} 元超过基金已募集的 {format_fen(raised_fen)} 元",
        )


def check_domains_known(rules: CallRules, domain_keys: set[str]) -> None:
    """Raise RulesError if the call names a domain the cycle does not have."""
    unknown = [key for key in rules.domain_keys if key not in domain_keys]
    if unknown:
        raise _refuse(
            ("content", "domains"),
            f"有本周期没有的服务领域：{'、'.join(unknown)}（本周期：{'、'.join(sorted(domain_keys))}）",
        )
