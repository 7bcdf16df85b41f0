"""Indicators against plan: outputs, new beneficiaries, budget execution and projects at risk."""

from __future__ import annotations

from datetime import date

import pytest

from models.indicators import (
    Indicator,
    ReportFacts,
    count_new_beneficiaries,
    deviation_percent,
    is_deviation_flagged,
    measure_budget,
    measure_outputs,
    month_index,
    progress_percent,
    risk_reasons,
    sum_spend,
)

DAY = date(2026, 6, 3)


@pytest.mark.parametrize(
    ("month", "index"),
    [("2026-06", 1), ("2026-08", 3), ("2026-12", 7), ("2027-01", 8), ("2026-05", 0)],
)
def test_the_month_a_project_starts_in_is_its_first(month, index):
    assert month_index(date(2026, 6, 15), month) == index


def test_a_beneficiary_counts_once_however_often_served():
    reports = [
        ReportFacts(DAY, beneficiary_refs=("A", "B")),
        ReportFacts(DAY, beneficiary_refs=("B", "C")),
    ]
    assert count_new_beneficiaries(reports, seen_before={"A"}) == 2


def test_outputs_are_counted_against_the_months_targets():
    reports = [
        ReportFacts(
            DAY, people_served=30, activities=2, beneficiary_refs=("A",), volunteer_minutes=150
        ),
        ReportFacts(
            DAY, people_served=20, activities=1, beneficiary_refs=("B",), volunteer_minutes=100
        ),
    ]
    outputs = measure_outputs(reports, targets={"服务人次": 100, "活动场次": 3}, seen_before=set())
    assert outputs == (
        Indicator("服务人次", "人次", 100, 50),
        Indicator("活动场次", "场", 3, 3),
        Indicator("受益人数", "人", None, 2),
        Indicator("志愿服务时长", "小时", None, 4),
    )
    assert [o.completion for o in outputs] == [50.0, 100.0, None, None]


def test_progress_is_the_mean_completion_of_planned_outputs_each_capped_at_100():
    outputs = [
        Indicator("服务人次", "人次", 100, 150),
        Indicator("活动场次", "场", 10, 5),
        Indicator("受益人数", "人", None, 9),
    ]
    assert progress_percent(outputs) == 75.0


def test_volunteer_hours_do_not_count_towards_progress():
    assert progress_percent([Indicator("志愿服务时长", "小时", 10, 0)]) == 100.0


def test_with_nothing_planned_progress_is_full():
    assert progress_percent([]) == 100.0


def test_budget_is_planned_evenly_over_the_projects_months():
    use = measure_budget(
        {"活动费": 60_000, "物资费": 30_001},
        spent_to_date={"活动费": 20_000},
        spent_month={"活动费": 5_000},
        elapsed_months=2,
        months=6,
    )
    assert [(line.planned_to_date_fen, line.spent_to_date_fen) for line in use.lines] == [
        (20_000, 20_000),
        (10_000, 0),
    ]
    assert (
        use.budget_fen,
        use.planned_to_date_fen,
        use.spent_to_date_fen,
        use.spent_month_fen,
    ) == (90_001, 30_000, 20_000, 5_000)
    assert [line.is_flagged for line in use.lines] == [False, True]
    assert use.is_flagged


@pytest.mark.parametrize(
    ("spent", "planned", "flagged"),
    [
        (110, 100, False),
        (111, 100, True),
        (70, 100, False),
        (69, 100, True),
        (0, 0, False),
        (1, 0, True),
    ],
)
def test_by_default_overspending_by_10_and_underspending_by_30_percent_is_flagged(
    spent, planned, flagged
):
    assert is_deviation_flagged(spent, planned) is flagged


def test_deviation_is_a_percent_of_plan():
    assert (deviation_percent(123, 100), deviation_percent(1, 0)) == (23.0, None)


def test_spend_adds_up_by_category():
    reports = [
        ReportFacts(DAY, spend_fen={"活动费": 10}),
        ReportFacts(DAY, spend_fen={"活动费": 5, "物资费": 1}),
    ]
    assert sum_spend(reports) == {"活动费": 15, "物资费": 1}


def test_a_single_risk_is_an_issue_to_discuss_not_a_mark_against_the_project():
    assert (
        risk_reasons(
            compliance_percent=95,
            progress=90.0,
            budget_flagged=False,
            yellow_cards=0,
            overdue_items=0,
            risks_reported=1,
        )
        == ()
    )


def test_a_project_on_track_is_not_at_risk():
    assert (
        risk_reasons(
            compliance_percent=95,
            progress=90.0,
            budget_flagged=False,
            yellow_cards=0,
            overdue_items=0,
            risks_reported=0,
        )
        == ()
    )


def test_every_reason_for_risk_is_named():
    reasons = risk_reasons(
        compliance_percent=79,
        progress=69.9,
        budget_flagged=True,
        yellow_cards=1,
        overdue_items=2,
        risks_reported=2,
    )
    assert reasons == (
        "日报告按时率 79%（低于 80%）",
        "产出完成 69.9%（低于计划的 70%）",
        "预算执行偏差超过 10%",
        "本月黄牌 1 张",
        "逾期待办 2 项",
        "日报告多次报告风险（2 次）",
    )
