"""Consistency checks of a call's rules: the standards must not contradict each other.

Each check raises `RulesError` with the path of the key at fault, so the
rules file reader can name its line: weights and tranches that do not add up
to 100, a minimum above the cap or a cap above the total, an unknown stage or
tranche condition, grade bands out of order, a budget category or quota the
call does not have.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.award import TrancheCondition
from models.call_keys import Path, RulesError, say
from models.status import Stage

if TYPE_CHECKING:
    from models.call_rules import CallRules


def check_consistency(rules: CallRules) -> None:
    """Raise RulesError, naming the key, where the standards contradict each other."""
    for check in (
        _check_dates,
        _check_money,
        _check_content,
        _check_evaluation,
        _check_quotas,
        _check_applicants,
        _check_documents,
    ):
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
    for key in ("review_criteria", "monthly_criteria", "final_criteria"):
        criteria = getattr(rules, key)
        if not criteria and key == "final_criteria":
            continue
        if sum(c.weight for c in criteria) != 100:
            raise _refuse(("evaluation", key), "的权重之和应为 100")
        if len({c.name for c in criteria}) != len(criteria):
            raise _refuse(("evaluation", key), "有重名的指标")
    order: list[str] = list(Stage)
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


def _check_quotas(rules: CallRules) -> None:
    for key, quota in (
        ("domain_max_yuan", rules.domain_max_fen),
        ("domain_min_projects", rules.domain_min_projects),
    ):
        unknown = [domain for domain in quota if domain not in rules.domain_keys]
        if unknown:
            raise _refuse(
                ("evaluation", key), f"有资助内容 domains 之外的领域：{'、'.join(unknown)}"
            )
    above = [domain for domain, fen in rules.domain_max_fen.items() if fen > rules.total_fen]
    if above:
        raise _refuse(
            ("evaluation", "domain_max_yuan"),
            f"{'、'.join(above)} 的上限超过本轮资助总额 total_yuan",
        )


def _check_applicants(rules: CallRules) -> None:
    names = [name for _, name in rules.grade_bands]
    if rules.min_past_grade is not None and rules.min_past_grade not in names:
        raise _refuse(("applicants", "min_past_grade"), f"应为等级之一：{'、'.join(names)}")
    unknown = [grade for grade in rules.past_grade_bonus if grade not in names]
    if unknown:
        raise _refuse(
            ("evaluation", "past_grade_bonus"),
            f"有不是等级的键：{'、'.join(unknown)}（等级：{'、'.join(names)}）",
        )


def _check_documents(rules: CallRules) -> None:
    if "contract" in rules.raw and rules.contract.copies < 2:
        raise _refuse(
            ("contract", "copies"),
            f"协议份数至少 2 份（甲乙双方各执一份），实为 {rules.contract.copies}",
        )
    if "application" in rules.raw and not rules.application.materials:
        raise _refuse(("application", "materials"), "材料清单不能为空")
