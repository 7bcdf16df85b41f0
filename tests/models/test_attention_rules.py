"""The 需要关注 list: ranked by severity, every row saying why."""

from __future__ import annotations

from models.attention import (
    MINOR,
    SERIOUS,
    SEVERE,
    AttentionFacts,
    attention_reasons,
    evaluation_flags,
    facts_of_evaluation,
    rank_attention,
)
from models.indicators import OVERSPENT, SLOW_SPENDING, Plausibility
from models.monitoring import MonthlyEvaluation


def test_a_project_on_track_needs_no_attention():
    assert rank_attention([AttentionFacts("按计划项目")]) == ()


def test_missing_reports_and_yellow_cards_come_before_overspend_before_underspend():
    slow = [
        AttentionFacts(f"偏慢{n}", budget_state=SLOW_SPENDING, budget_deviation=-40.0)
        for n in range(12)
    ]
    over = AttentionFacts("超支项目", budget_state=OVERSPENT, budget_deviation=25.0)
    alarm = AttentionFacts(
        "黄牌项目",
        agency_name="启航社工",
        compliance_percent=55,
        reports_expected=20,
        reports_missing=6,
        yellow_cards=1,
    )
    rows = rank_attention([*slow, over, alarm])
    assert [r.project_title for r in rows[:2]] == ["黄牌项目", "超支项目"]
    assert [r.level for r in rows[:3]] == ["严重", "较重", "一般"]
    assert rows[0].reasons == ("日报告按时率 55%（低于 80%），缺交 6 份", "本月黄牌 1 张")
    assert rows[0].agency_name == "启航社工"
    assert rows[1].reasons == ("预算超支（累计支出高于计划 25.0%）",)
    assert rows[2].reasons == ("预算执行偏慢（累计支出低于计划 40.0%）",)


def test_a_yellow_card_alone_outranks_overspend_with_other_troubles():
    card = AttentionFacts("黄牌", yellow_cards=1)
    busy = AttentionFacts(
        "多事", budget_state=OVERSPENT, overdue_items=3, risks_reported=4, progress=50.0
    )
    assert [r.project_title for r in rank_attention([busy, card])] == ["黄牌", "多事"]


def test_within_a_level_more_reasons_and_lower_compliance_rank_first():
    one = AttentionFacts("甲", yellow_cards=1)
    two = AttentionFacts(
        "乙", yellow_cards=1, compliance_percent=60, reports_expected=20, reports_missing=8
    )
    low = AttentionFacts("丙", compliance_percent=40, reports_expected=20)
    lower = AttentionFacts("丁", compliance_percent=30, reports_expected=20)
    assert [r.project_title for r in rank_attention([one, low, lower, two])] == [
        "乙",
        "丁",
        "丙",
        "甲",
    ]


def test_a_whole_month_missing_is_said_so():
    facts = AttentionFacts("缺交", compliance_percent=0, reports_expected=21, reports_missing=21)
    assert [(r.severity, r.text) for r in attention_reasons(facts)] == [
        (SEVERE, "本月日报告全部缺交（应交 21 份）")
    ]


def test_implausible_outputs_are_a_serious_reason_to_check():
    facts = AttentionFacts("异常项目", implausible=("活动场次",), budget_state=SLOW_SPENDING)
    assert [(r.severity, r.text) for r in attention_reasons(facts)] == [
        (SERIOUS, "活动场次远超计划，数据异常待核实"),
        (MINOR, "预算执行偏慢"),
    ]


def evaluation(**fields) -> MonthlyEvaluation:
    base = {
        "project_id": 1,
        "month": "2026-06",
        "reports_expected": 20,
        "reports_submitted": 20,
        "reports_late": 0,
        "indicators": [
            {"name": "服务人次", "unit": "人次", "planned": 100, "actual": 100},
            {"name": "活动场次", "unit": "场", "planned": 6, "actual": 41},
        ],
        "budget_lines": [{"category": "活动费"}],
        "spent_to_date_fen": 50_000,
        "planned_to_date_fen": 100_000,
    }
    return MonthlyEvaluation(**(base | fields))


def test_facts_are_read_from_the_months_evaluation():
    facts = facts_of_evaluation(
        evaluation(reports_submitted=15, reports_late=4),
        project_title="护航花蕾",
        agency_name="启航社工",
        yellow_cards=1,
        overdue_items=2,
    )
    assert facts == AttentionFacts(
        project_title="护航花蕾",
        agency_name="启航社工",
        compliance_percent=55,
        reports_expected=20,
        reports_missing=5,
        progress=100.0,
        yellow_cards=1,
        overdue_items=2,
        risks_reported=0,
        budget_state=SLOW_SPENDING,
        budget_deviation=-50.0,
        implausible=("活动场次",),
    )


def test_the_calls_thresholds_decide_what_is_flagged():
    lenient = Plausibility(indicator_max_ratio=10, underspend_pct=60)
    facts = facts_of_evaluation(evaluation(), project_title="x", limits=lenient)
    assert (facts.budget_state, facts.implausible) == ("", ())
    assert rank_attention([facts]) == ()


def test_without_budget_lines_there_is_no_budget_state():
    facts = facts_of_evaluation(evaluation(budget_lines=[]), project_title="x")
    assert facts.budget_state == ""


def test_the_reviewer_is_told_what_to_check_in_a_months_measures():
    assert evaluation_flags(evaluation()) == (
        "活动场次：实际 41场，计划 6场（超过计划的 3 倍，标为异常，请核实；评分按计划的 100% 计）",
        "预算执行偏慢（累计支出偏离计划 -50.0%）",
    )
    assert evaluation_flags(evaluation(), Plausibility(indicator_max_ratio=7.5)) == (
        "预算执行偏慢（累计支出偏离计划 -50.0%）",
    )
    on_plan = evaluation(indicators=[], spent_to_date_fen=100_000)
    assert evaluation_flags(on_plan) == ()
