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
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from models.call_checks import check_consistency
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
    blind_preliminary: bool
    publish_panel: bool
    holidays: tuple[date, ...]
    preliminary_pass_score: float
    domain_max_fen: Mapping[str, int]
    domain_min_projects: Mapping[str, int]
    raw: Mapping[str, Any]
    # Track record and close (optional keys; empty means not used).
    max_breaches: int | None = None
    past_grade_bonus: Mapping[str, int] = field(default_factory=dict)
    final_criteria: tuple[Criterion, ...] = ()

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
        blind_preliminary=evaluation.get("blind_preliminary", True),
        publish_panel=evaluation.get("publish_panel", True),
        holidays=evaluation.get("holidays", ()),
        preliminary_pass_score=evaluation.get("preliminary_pass_score", 60.0),
        domain_max_fen={k: v * FEN_PER_YUAN for k, v in evaluation.get("domain_max_yuan", ())},
        domain_min_projects=dict(evaluation.get("domain_min_projects", ())),
        raw=data,
        max_breaches=applicants.get("max_breaches"),
        past_grade_bonus=dict(evaluation.get("past_grade_bonus", ())),
        final_criteria=_criteria(evaluation.get("final_criteria", [])),
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


def _refuse(path: Path, reason: str) -> RulesError:
    return RulesError(say(path, reason), path=path)


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
