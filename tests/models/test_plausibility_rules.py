"""Plausibility: outputs implausibly far above plan (异常), and 超支 told apart from 执行偏慢."""

from __future__ import annotations

import pytest

from models.call_rules import Criterion
from models.evaluation import (
    COMPLIANCE,
    PROGRESS,
    VETO_MISSING_MONTH,
    VETO_MISUSE,
    implausible_note,
    is_veto,
    score_month,
)
from models.grading import DEFAULT_GRADE_BANDS
from models.indicators import (
    OVERSPENT,
    SLOW_SPENDING,
    Indicator,
    Plausibility,
    PlausibilityError,
    budget_state,
    implausible_outputs,
    is_implausible,
    measure_budget,
    progress_percent,
    read_plausibility,
    risk_reasons,
)

CRITERIA = (Criterion(COMPLIANCE, 30), Criterion(PROGRESS, 30), Criterion("服务质量", 40))


def test_a_call_without_the_section_uses_the_defaults():
    assert read_plausibility({}) == Plausibility(3.0, 10.0, 30.0)
    assert read_plausibility(None) == Plausibility()
    assert read_plausibility({"title": "x"}).indicator_max_ratio == 3.0


def test_the_calls_plausibility_section_sets_each_threshold():
    rules = {"plausibility": {"indicator_max_ratio": 2, "overspend_pct": 5, "underspend_pct": 50}}
    assert read_plausibility(rules) == Plausibility(2.0, 5.0, 50.0)
    assert read_plausibility({"plausibility": {"overspend_pct": 15}}) == Plausibility(
        3.0, 15.0, 30.0
    )


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"indicator_max_ratio": "3"}, "plausibility.indicator_max_ratio 应为数字"),
        ({"indicator_max_ratio": 1}, "plausibility.indicator_max_ratio 应大于 1"),
        ({"overspend_pct": -1}, "plausibility.overspend_pct 应在 0–100 之间"),
        ({"underspend_pct": 101}, "plausibility.underspend_pct 应在 0–100 之间"),
        ({"underspend_pct": True}, "plausibility.underspend_pct 应为数字"),
    ],
)
def test_a_bad_threshold_is_refused_naming_its_key(section, message):
    with pytest.raises(PlausibilityError, match=message):
        read_plausibility({"plausibility": section})


@pytest.mark.parametrize(
    ("planned", "actual", "implausible"),
    [(6, 18, False), (6, 19, True), (6, 41, True), (None, 500, False), (0, 5, False)],
)
def test_an_output_above_three_times_its_plan_is_implausible(planned, actual, implausible):
    assert is_implausible(planned, actual) is implausible


def test_the_multiple_comes_from_the_call():
    assert is_implausible(6, 13, Plausibility(indicator_max_ratio=2))
    assert not is_implausible(6, 19, Plausibility(indicator_max_ratio=4))


def test_implausible_outputs_are_named_and_counted_at_100_percent_of_plan():
    outputs = [Indicator("服务人次", "人次", 100, 80), Indicator("活动场次", "场", 6, 41)]
    assert [i.name for i in implausible_outputs(outputs)] == ["活动场次"]
    assert progress_percent(outputs) == 90.0  # (80 + 100) / 2: 683.3 % counts as 100 %


def test_an_implausible_figure_does_not_make_a_month_excellent():
    result = score_month(
        compliance_percent=100,
        progress_percent=100.0,
        evaluator_scores={"服务质量": 95},
        criteria=CRITERIA,
        bands=DEFAULT_GRADE_BANDS,
        implausible=["活动场次"],
    )
    assert result.total == 98.0
    assert result.grade == "良好"
    assert result.veto == "活动场次远超计划，数据异常待核实：本月不评为优秀"


def test_an_implausible_figure_leaves_a_lower_grade_alone():
    result = score_month(
        compliance_percent=70,
        progress_percent=100.0,
        evaluator_scores={"服务质量": 70},
        criteria=CRITERIA,
        bands=DEFAULT_GRADE_BANDS,
        implausible=["活动场次"],
    )
    assert (result.grade, result.veto) == ("合格", "")


@pytest.mark.parametrize(
    ("spent", "planned", "state"),
    [
        (110, 100, ""),
        (111, 100, OVERSPENT),
        (70, 100, ""),
        (69, 100, SLOW_SPENDING),
        (0, 100, SLOW_SPENDING),
        (0, 0, ""),
        (1, 0, OVERSPENT),
    ],
)
def test_overspending_and_slow_spending_are_told_apart(spent, planned, state):
    assert budget_state(spent, planned) == state


def test_the_budget_thresholds_come_from_the_call():
    strict = Plausibility(overspend_pct=5, underspend_pct=5)
    assert (budget_state(106, 100, strict), budget_state(94, 100, strict)) == (
        OVERSPENT,
        SLOW_SPENDING,
    )


def test_a_budget_says_which_way_it_deviates():
    use = measure_budget(
        {"活动费": 60_000, "物资费": 30_000},
        spent_to_date={"活动费": 30_000},
        spent_month={},
        elapsed_months=2,
        months=6,
    )
    assert [line.state() for line in use.lines] == [OVERSPENT, SLOW_SPENDING]
    assert use.state() == ""  # 30,000 spent of 30,000 planned in all


def test_risk_reasons_name_the_budget_state():
    common = {
        "compliance_percent": 100,
        "progress": 100.0,
        "budget_flagged": True,
        "yellow_cards": 0,
        "overdue_items": 0,
        "risks_reported": 0,
    }
    assert risk_reasons(**common, budget_state=OVERSPENT) == ("预算超支",)
    assert risk_reasons(**common, budget_state=SLOW_SPENDING) == ("预算执行偏慢",)


def test_the_note_on_implausible_outputs_is_not_a_veto():
    assert is_veto(VETO_MISUSE) and is_veto(VETO_MISSING_MONTH)
    assert not is_veto(implausible_note(["活动场次"], "优秀")) and not is_veto("")
