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
    exclude_abnormal_list: bool
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
    missing = [key for key in STANDARD_LABELS if not isinstance(data.get(key), Mapping)]
    if missing:
        labels = "、".join(f"[{k}]（{STANDARD_LABELS[k]}）" for k in missing)
        raise RulesError(f"申报指南缺少：{labels}")
    applicants, mode, content = data["applicants"], data["funding_mode"], data["content"]
    amount, evaluation = data["amount"], data["evaluation"]
    rules = CallRules(
        org_types=_texts(applicants, "applicants", "org_types"),
        min_years_registered=_whole(applicants, "applicants", "min_years_registered"),
        annual_inspection_ok=_texts(applicants, "applicants", "annual_inspection_ok"),
        exclude_abnormal_list=bool(applicants.get("exclude_abnormal_list", True)),
        max_proposals_per_agency=_whole(applicants, "applicants", "max_proposals_per_agency"),
        funding_mode=_text(mode, "funding_mode", "mode"),
        tranches=_tranches(mode),
        domain_keys=_texts(content, "content", "domains"),
        min_fen=_whole(amount, "amount", "min_yuan") * FEN_PER_YUAN,
        max_fen=_whole(amount, "amount", "max_yuan") * FEN_PER_YUAN,
        total_fen=_whole(amount, "amount", "total_yuan") * FEN_PER_YUAN,
        fund_name=_text(data["source"], "source", "fund"),
        review_criteria=_criteria(evaluation, "review_criteria"),
        monthly_criteria=_criteria(evaluation, "monthly_criteria"),
        grade_bands=_bands(evaluation),
        min_award_score=float(evaluation.get("min_award_score", 0)),
        raw=data,
    )
    _check(rules)
    return rules


def _where(name: str, key: str) -> str:
    return f"申报指南 [{name}]（{STANDARD_LABELS[name]}）{key}"


def _get(section: Mapping[str, Any], name: str, key: str) -> Any:
    field = key.rsplit(".", 1)[-1]
    if field not in section:
        raise RulesError(f"申报指南 [{name}]（{STANDARD_LABELS[name]}）缺少 {key}")
    return section[field]


def _whole(section: Mapping[str, Any], name: str, key: str) -> int:
    value = _get(section, name, key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RulesError(f"{_where(name, key)} 应为非负整数，实为 {value!r}")
    return value


def _text(section: Mapping[str, Any], name: str, key: str) -> str:
    value = _get(section, name, key)
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{_where(name, key)} 应为文字，实为 {value!r}")
    return value


def _texts(section: Mapping[str, Any], name: str, key: str) -> tuple[str, ...]:
    value = _get(section, name, key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{_where(name, key)} 应为文字列表，实为 {value!r}")
    return tuple(value)


def _tables(
    section: Mapping[str, Any], name: str, key: str, fields: tuple[str, ...]
) -> list[Mapping[str, Any]]:
    value = _get(section, name, key)
    if not isinstance(value, list) or not all(
        isinstance(item, Mapping) and all(f in item for f in fields) for item in value
    ):
        raise RulesError(f"{_where(name, key)} 的每一项都应有 {'、'.join(fields)}")
    return value


def _tranches(section: Mapping[str, Any]) -> tuple[TrancheShare, ...]:
    items = _tables(section, "funding_mode", "tranches", ("percent", "condition"))
    return tuple(
        TrancheShare(
            _whole(t, "funding_mode", "tranches.percent"),
            _text(t, "funding_mode", "tranches.condition"),
        )
        for t in items
    )


def _criteria(section: Mapping[str, Any], key: str) -> tuple[Criterion, ...]:
    items = tuple(
        Criterion(_text(c, "evaluation", f"{key}.name"), _whole(c, "evaluation", f"{key}.weight"))
        for c in _tables(section, "evaluation", key, ("name", "weight"))
    )
    if sum(c.weight for c in items) != 100:
        raise RulesError(f"{_where('evaluation', key)} 的权重之和应为 100")
    return items


def _bands(section: Mapping[str, Any]) -> GradeBands:
    value = _get(section, "evaluation", "grade_bands")
    if not isinstance(value, list) or not all(
        isinstance(b, list)
        and len(b) == 2
        and isinstance(b[0], int | float)
        and isinstance(b[1], str)
        for b in value
    ):
        raise RulesError(f"{_where('evaluation', 'grade_bands')} 应为 [[分数下限, 等级名], …]")
    return tuple((float(floor), grade) for floor, grade in value)


def _check(rules: CallRules) -> None:
    if sum(t.percent for t in rules.tranches) != 100:
        raise RulesError("申报指南 [funding_mode] tranches 的比例之和应为 100")
    if not 0 < rules.min_fen <= rules.max_fen <= rules.total_fen:
        raise RulesError("申报指南 [amount] 应满足 0 < min_yuan ≤ max_yuan ≤ total_yuan")
