"""A proposal is validated against the call's rules, with every violation listed at once."""

from __future__ import annotations

import copy
import dataclasses
import tomllib
from pathlib import Path

import pytest

from models.call_rules import read_call_rules
from models.proposal_rules import (
    BudgetItem,
    KpiPlan,
    ProposalDraft,
    ScheduleItem,
    required_matching_fen,
    validate_proposal,
)

DEMO = tomllib.loads(
    (Path(__file__).resolve().parents[2] / "demo" / "call.toml").read_text(encoding="utf-8")
)
RULES = read_call_rules(DEMO)


def rules_with(section: str, key: str, value):  # type: ignore[no-untyped-def]
    data = copy.deepcopy(DEMO)
    data[section][key] = value
    return read_call_rules(data)


GOOD = ProposalDraft(
    title="四点半课堂",
    domain_key="youth",
    requested_fen=1_200_000,
    matching_fen=0,
    months=3,
    planned_people=300,
    budget=(
        BudgetItem("人员费", 480_000),
        BudgetItem("活动费", 500_000),
        BudgetItem("物资费", 100_000),
        BudgetItem("管理费", 120_000),
    ),
    kpis=(
        KpiPlan(1, "服务人次", 80),
        KpiPlan(2, "服务人次", 100),
        KpiPlan(3, "服务人次", 120),
        KpiPlan(2, "活动场次", 8),
    ),
    schedule=(ScheduleItem(1, "招募与建档"), ScheduleItem(3, "结项")),
    cited_need_ids=(21, 27),
)


def messages(draft: ProposalDraft, rules=RULES, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.message for f in validate_proposal(draft, rules, **kwargs).violations]


def test_a_proposal_within_every_rule_is_valid_with_no_warning():
    check = validate_proposal(GOOD, RULES, known_need_ids={21, 27, 30})
    assert check.is_valid and check.violations == () and check.warnings == ()


def test_the_limits_themselves_are_allowed():
    # 人员费 exactly 40% and 管理费 exactly 10% of the request.
    assert messages(GOOD) == []


@pytest.mark.parametrize(
    ("change", "rule", "message"),
    [
        ({"requested_fen": -100}, "amount", "申请金额应大于 0，实为 -1.00 元"),
        ({"requested_fen": 0}, "amount", "申请金额应大于 0，实为 0.00 元"),
        ({"domain_key": "health"}, "domain", "服务领域「health」不在资助内容范围内"),
        ({"months": 7}, "plan", "项目周期 7 个月超过 6 个月"),
        ({"matching_fen": -1}, "matching", "配套资金不能为负"),
        ({"budget": ()}, "budget", "没有预算明细"),
    ],
)
def test_each_broken_rule_is_named_under_its_screening_rule(change, rule, message):
    check = validate_proposal(dataclasses.replace(GOOD, **change), RULES)
    assert message in [f.message for f in check.violations]
    assert rule in {f.rule for f in check.violations if f.message == message}


def test_a_request_above_the_cap_is_refused():
    draft = dataclasses.replace(
        GOOD, requested_fen=1_600_000, budget=(*GOOD.budget, BudgetItem("宣传费", 400_000))
    )
    assert messages(draft) == ["申请金额 16,000.00 元不在 5,000.00–15,000.00 元之间"]


def test_budget_lines_that_do_not_sum_to_the_request_are_refused():
    draft = dataclasses.replace(GOOD, requested_fen=1_200_100)
    assert messages(draft) == ["预算合计 12,000.00 元与申请金额 12,001.00 元不符"]


def test_personnel_and_admin_shares_above_their_caps_are_refused():
    draft = dataclasses.replace(
        GOOD,
        budget=(
            BudgetItem("人员费", 480_100),
            BudgetItem("活动费", 499_800),
            BudgetItem("物资费", 100_000),
            BudgetItem("管理费", 120_100),
        ),
    )
    assert messages(draft) == [
        "人员费 4,801.00 元超过申请金额的 40%（上限 4,800.00 元）",
        "管理费 1,201.00 元超过申请金额的 10%（上限 1,200.00 元）",
    ]


def test_unknown_repeated_and_empty_budget_lines_are_refused():
    draft = dataclasses.replace(
        GOOD,
        budget=(
            BudgetItem("人员费", 400_000),
            BudgetItem("人员费", 80_000),
            BudgetItem("餐费", 720_000),
            BudgetItem("宣传费", 0),
        ),
    )
    assert messages(draft) == [
        "预算类别「餐费」不在允许范围内（人员费、活动费、物资费、宣传费、管理费）",
        "预算「宣传费」金额应大于 0",
        "预算类别重复：人员费",
    ]


def test_matching_money_below_the_ratio_is_refused():
    rules = rules_with("funding_mode", "matching_percent", 20)
    assert messages(dataclasses.replace(GOOD, matching_fen=239_999), rules) == [
        "配套资金 2,399.99 元低于申请金额的 20%（至少 2,400.00 元）"
    ]
    assert messages(dataclasses.replace(GOOD, matching_fen=240_000), rules) == []


def test_the_least_matching_money_is_rounded_up_to_the_fen():
    rules = rules_with("funding_mode", "matching_percent", 15)
    assert required_matching_fen(1_000_001, rules) == 150_001
    assert required_matching_fen(1_000_000, RULES) == 0


def test_kpis_must_plan_people_served_for_every_month_and_add_up():
    draft = dataclasses.replace(
        GOOD, kpis=(KpiPlan(1, "服务人次", 80), KpiPlan(3, "服务人次", 220))
    )
    assert messages(draft) == ["缺少这些月份的「服务人次」计划：2"]
    draft = dataclasses.replace(GOOD, planned_people=301)
    assert messages(draft) == ["各月「服务人次」合计 300 与计划服务人次 301 不符"]


def test_kpis_outside_the_project_or_of_unknown_indicators_are_refused():
    draft = dataclasses.replace(
        GOOD,
        kpis=(
            *GOOD.kpis,
            KpiPlan(4, "活动场次", 3),
            KpiPlan(2, "满意度", 90),
            KpiPlan(1, "活动场次", -1),
            KpiPlan(2, "活动场次", 5),
        ),
    )
    assert messages(draft) == [
        "绩效指标「活动场次」的月份 4 不在项目周期内",
        "绩效指标「满意度」不认识（可用：服务人次、活动场次、受益人数、志愿服务时长）",
        "绩效指标「活动场次」第 1 月计划值不能为负",
        "第 2 月「活动场次」重复填写",
    ]


def test_a_schedule_outside_the_project_is_refused():
    draft = dataclasses.replace(GOOD, schedule=(ScheduleItem(0, "筹备"), ScheduleItem(2, " ")))
    assert messages(draft) == ["进度安排的月份 0 不在项目周期内", "进度安排第 2 月没有写工作内容"]


def test_citing_no_need_is_a_warning_not_a_violation():
    check = validate_proposal(dataclasses.replace(GOOD, cited_need_ids=()), RULES)
    assert check.is_valid
    assert [w.message for w in check.warnings] == ["未引用任何居民需求编号，请说明项目回应哪些需求"]


def test_citing_a_need_the_cycle_does_not_have_is_a_violation():
    assert messages(GOOD, known_need_ids={21}) == ["引用的需求编号不存在于本周期：27"]


def test_every_violation_is_listed_at_once():
    draft = dataclasses.replace(
        GOOD, domain_key="health", requested_fen=2_000_000, months=9, matching_fen=-5
    )
    rules = {f.rule for f in validate_proposal(draft, RULES).violations}
    assert rules == {"domain", "amount", "budget", "matching", "plan"}
