"""The call's six unified standards as a typed value, read from the rules file.

One rules file per cycle (TOML) drives proposal validation, eligibility
screening, the published call and the contract terms. Reading it checks
every key and names the one that is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from models.grading import GradeBands
from models.money import FEN_PER_YUAN

STANDARD_LABELS = {
    "applicants": "资助主体",
    "funding_mode": "资助方式",
    "content": "资助内容",
    "amount": "资助金额",
    "source": "资金来源",
    "evaluation": "项目评估",
}


class RulesError(ValueError):
    """A rules file with a missing or wrong key."""


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
    """The six standards of one call."""

    org_types: tuple[str, ...]
    min_years_registered: int
    annual_inspection_ok: tuple[str, ...]
    max_proposals_per_agency: int
    funding_mode: str
    tranches: tuple[TrancheShare, ...]
    domain_keys: tuple[str, ...]
    min_fen: int
    max_fen: int
    total_fen: int
    fund_name: str
    review_criteria: tuple[Criterion, ...]
    monthly_criteria: tuple[Criterion, ...]
    grade_bands: GradeBands
    min_award_score: float
    raw: Mapping[str, Any]


def read_call_rules(data: Mapping[str, Any]) -> CallRules:
    """Check a parsed rules file and return its standards."""
    missing = [key for key in STANDARD_LABELS if key not in data]
    if missing:
        labels = "、".join(f"[{k}]（{STANDARD_LABELS[k]}）" for k in missing)
        raise RulesError(f"申报指南缺少：{labels}")
    applicants, mode, content = data["applicants"], data["funding_mode"], data["content"]
    amount, evaluation = data["amount"], data["evaluation"]
    rules = CallRules(
        org_types=tuple(_get(applicants, "applicants", "org_types")),
        min_years_registered=int(_get(applicants, "applicants", "min_years_registered")),
        annual_inspection_ok=tuple(_get(applicants, "applicants", "annual_inspection_ok")),
        max_proposals_per_agency=int(_get(applicants, "applicants", "max_proposals_per_agency")),
        funding_mode=str(_get(mode, "funding_mode", "mode")),
        tranches=tuple(
            TrancheShare(int(t["percent"]), str(t["condition"]))
            for t in _get(mode, "funding_mode", "tranches")
        ),
        domain_keys=tuple(_get(content, "content", "domains")),
        min_fen=int(_get(amount, "amount", "min_yuan")) * FEN_PER_YUAN,
        max_fen=int(_get(amount, "amount", "max_yuan")) * FEN_PER_YUAN,
        total_fen=int(_get(amount, "amount", "total_yuan")) * FEN_PER_YUAN,
        fund_name=str(_get(data["source"], "source", "fund")),
        review_criteria=_criteria(evaluation, "review_criteria"),
        monthly_criteria=_criteria(evaluation, "monthly_criteria"),
        grade_bands=tuple(
            (float(floor), str(name))
            for floor, name in _get(evaluation, "evaluation", "grade_bands")
        ),
        min_award_score=float(evaluation.get("min_award_score", 0)),
        raw=data,
    )
    _check(rules)
    return rules


def _get(section: Mapping[str, Any], name: str, key: str) -> Any:
    if key not in section:
        raise RulesError(f"申报指南 [{name}]（{STANDARD_LABELS[name]}）缺少 {key}")
    return section[key]


def _criteria(section: Mapping[str, Any], key: str) -> tuple[Criterion, ...]:
    items = tuple(
        Criterion(str(c["name"]), int(c["weight"])) for c in _get(section, "evaluation", key)
    )
    if sum(c.weight for c in items) != 100:
        raise RulesError(f"申报指南 [evaluation] {key} 的权重之和应为 100")
    return items


def _check(rules: CallRules) -> None:
    if sum(t.percent for t in rules.tranches) != 100:
        raise RulesError("申报指南 [funding_mode] tranches 的比例之和应为 100")
    if not 0 < rules.min_fen <= rules.max_fen <= rules.total_fen:
        raise RulesError("申报指南 [amount] 应满足 0 < min_yuan ≤ max_yuan ≤ total_yuan")
