"""The call's six unified standards, read from a TOML rules file and checked key by key."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from models.call_rules import (
    STANDARD_LABELS,
    Criterion,
    RulesError,
    TrancheShare,
    read_call_rules,
)

CALL_TOML = Path(__file__).resolve().parents[2] / "demo" / "call.toml"
DEMO: dict[str, Any] = tomllib.loads(CALL_TOML.read_text(encoding="utf-8"))


def changed(section: str, key: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(DEMO)
    data[section][key] = value
    return data


def test_the_demo_call_is_a_valid_rules_file():
    rules = read_call_rules(DEMO)
    assert rules.org_types == ("社会服务机构", "社会团体", "基金会")
    assert rules.min_years_registered == 1
    assert rules.annual_inspection_ok == ("合格", "基本合格")
    assert rules.max_proposals_per_agency == 6
    assert rules.funding_mode == "full" and rules.matching_percent == 0
    assert rules.tranches == (
        TrancheShare(50, "on_signing"),
        TrancheShare(30, "midterm_pass"),
        TrancheShare(20, "final_pass"),
    )
    assert rules.domain_keys == ("elderly", "youth", "special", "community")
    assert (rules.min_fen, rules.max_fen, rules.total_fen) == (500_000, 1_500_000, 26_000_000)
    assert rules.fund_name == "淮河路街道专项公益基金"
    assert rules.review_criteria[0] == Criterion("需求契合度", 30)
    assert sum(c.weight for c in rules.review_criteria) == 100
    assert [c.name for c in rules.monthly_criteria] == ["日报告合规", "服务进度", "服务质量"]
    assert rules.grade_bands == ((90.0, "优秀"), (80.0, "良好"), (60.0, "合格"), (0.0, "不合格"))
    assert rules.min_award_score == 60.0
    assert rules.raw is DEMO


def test_the_six_standards_have_their_chinese_names():
    assert list(STANDARD_LABELS.values()) == [
        "资助主体",
        "资助方式",
        "资助内容",
        "资助金额",
        "资金来源",
        "项目评估",
    ]


@pytest.mark.parametrize(("section", "label"), list(STANDARD_LABELS.items()))
def test_missing_section_is_named_in_chinese(section, label):
    data = copy.deepcopy(DEMO)
    del data[section]
    with pytest.raises(RulesError) as refused:
        read_call_rules(data)
    assert str(refused.value) == f"申报指南缺少：[{section}]（{label}）"


def test_every_missing_section_is_named_at_once():
    data = {key: value for key, value in DEMO.items() if key not in ("amount", "source")}
    with pytest.raises(RulesError) as refused:
        read_call_rules(data)
    assert str(refused.value) == "申报指南缺少：[amount]（资助金额）、[source]（资金来源）"


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ("applicants", "org_types"),
        ("applicants", "min_years_registered"),
        ("applicants", "annual_inspection_ok"),
        ("applicants", "max_proposals_per_agency"),
        ("funding_mode", "matching_percent"),
        ("funding_mode", "tranches"),
        ("content", "domains"),
        ("amount", "min_yuan"),
        ("amount", "max_yuan"),
        ("amount", "total_yuan"),
        ("source", "fund"),
        ("evaluation", "review_criteria"),
        ("evaluation", "monthly_criteria"),
        ("evaluation", "grade_bands"),
    ],
)
def test_missing_key_is_named_with_its_section(section, key):
    data = copy.deepcopy(DEMO)
    del data[section][key]
    with pytest.raises(RulesError) as refused:
        read_call_rules(data)
    assert str(refused.value) == f"申报指南 [{section}]（{STANDARD_LABELS[section]}）缺少 {key}"
    assert refused.value.path == (section,)


def test_award_line_is_optional_and_defaults_to_zero():
    data = copy.deepcopy(DEMO)
    del data["evaluation"]["min_award_score"]
    assert read_call_rules(data).min_award_score == 0.0


@pytest.mark.parametrize("key", ["review_criteria", "monthly_criteria"])
@pytest.mark.parametrize("weights", [(30, 30, 30), (50, 30, 30)])
def test_criteria_weights_not_summing_to_100_are_rejected(key, weights):
    criteria = [{"name": f"指标{i}", "weight": w} for i, w in enumerate(weights)]
    with pytest.raises(RulesError) as refused:
        read_call_rules(changed("evaluation", key, criteria))
    assert str(refused.value) == f"申报指南 [evaluation]（项目评估）{key} 的权重之和应为 100"


@pytest.mark.parametrize("percents", [(50, 30), (50, 30, 30), (100, 1)])
def test_tranche_percentages_not_summing_to_100_are_rejected(percents):
    tranches = [{"percent": p, "condition": "on_signing"} for p in percents]
    with pytest.raises(
        RulesError, match=r"\[funding_mode\]（资助方式）tranches 的比例之和应为 100"
    ):
        read_call_rules(changed("funding_mode", "tranches", tranches))


@pytest.mark.parametrize(
    ("min_yuan", "max_yuan", "total_yuan"),
    [(0, 15000, 260000), (20000, 15000, 260000), (5000, 300000, 260000)],
)
def test_amounts_must_rise_from_minimum_to_cap_to_total(min_yuan, max_yuan, total_yuan):
    data = copy.deepcopy(DEMO)
    data["amount"] |= {"min_yuan": min_yuan, "max_yuan": max_yuan, "total_yuan": total_yuan}
    with pytest.raises(RulesError, match="（0 < min_yuan ≤ max_yuan ≤ total_yuan）"):
        read_call_rules(data)


def test_a_negative_amount_is_refused_naming_its_key():
    with pytest.raises(RulesError, match="min_yuan 应为非负整数"):
        read_call_rules(changed("amount", "min_yuan", -1))


def test_minimum_cap_and_total_may_be_equal():
    data = copy.deepcopy(DEMO)
    data["amount"] |= {"min_yuan": 10000, "max_yuan": 10000, "total_yuan": 10000}
    rules = read_call_rules(data)
    assert rules.min_fen == rules.max_fen == rules.total_fen == 1_000_000


def test_rules_error_is_a_value_error():
    assert issubclass(RulesError, ValueError)


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        pytest.param(
            "amount",
            "min_yuan",
            "五千",
            id="text-amount",
        ),
        pytest.param(
            "amount",
            "min_yuan",
            5000.5,
            id="fractional-amount",
        ),
        pytest.param(
            "applicants",
            "org_types",
            "社会服务机构",
            id="string-for-list",
        ),
        pytest.param(
            "funding_mode",
            "tranches",
            [{"condition": "on_signing"}],
            id="tranche-without-percent",
        ),
        pytest.param(
            "evaluation",
            "review_criteria",
            [{"name": "需求契合度", "weight": 120}, {"name": "创新性", "weight": -20}],
            id="negative-weight",
        ),
    ],
)
def test_a_wrongly_typed_value_is_refused_naming_its_key(section, key, value):
    with pytest.raises(RulesError, match=key):
        read_call_rules(changed(section, key, value))
