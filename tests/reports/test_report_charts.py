"""SVG charts: shapes computed from the context, labels as text, escaped when drawn."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from reports.charts import MISSING_FILL, STATE_FILLS, budget_chart, daily_trend_chart, nice_ceiling
from reports.contexts import BudgetRow, DayPoint

FIRST = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (42, 50), (180, 200), (1001, 2000)]
)
def test_the_axis_top_is_a_round_number(value, ceiling):
    assert nice_ceiling(value) == ceiling


def test_each_reported_day_is_a_bar_as_tall_as_its_visits_and_missing_days_are_marked():
    points = [
        DayPoint(FIRST, 50, "on_time"),
        DayPoint(FIRST + timedelta(1), 25, "late"),
        DayPoint(FIRST + timedelta(2), 0, "missing"),
        DayPoint(FIRST + timedelta(5), 0, "not_due"),
    ]
    chart = daily_trend_chart(points, month_plan=None)
    bars = [r for r in chart.rects if r.fill in STATE_FILLS.values() and r.height > 8]
    assert [b.fill for b in bars] == [STATE_FILLS["on_time"], STATE_FILLS["late"]]
    assert bars[0].height == pytest.approx(2 * bars[1].height)
    assert sum(1 for r in chart.rects if r.fill == MISSING_FILL and r.height == 4) == 1


def test_the_daily_plan_is_the_months_plan_over_the_due_days():
    points = [DayPoint(FIRST + timedelta(n), 10, "on_time") for n in range(4)] + [
        DayPoint(FIRST + timedelta(5), 0, "not_due")
    ]
    chart = daily_trend_chart(points, month_plan=100)
    assert any(label.text == "虚线：日均计划 25 人次" for label in chart.labels)
    assert any(line.dashed for line in chart.lines)


def test_the_trend_chart_labels_days_and_explains_its_colours():
    points = [DayPoint(FIRST + timedelta(n), 5, "on_time") for n in range(30)]
    texts = {label.text for label in daily_trend_chart(points, month_plan=None).labels}
    assert {"1日", "6日", "30日", "按时提交", "迟交", "缺交", "当日无活动"} <= texts


def test_the_budget_chart_draws_budget_and_spend_to_scale_with_the_plan_as_a_tick():
    rows = [
        BudgetRow("活动费", 100_000, 50_000, 60_000, 10_000, 20.0, True),
        BudgetRow("物资费", 50_000, 25_000, 25_000, 0, 0.0, False),
    ]
    chart = budget_chart(rows)
    budget_bar, spent_bar = chart.rects[0], chart.rects[1]
    assert spent_bar.width == pytest.approx(0.6 * budget_bar.width)
    assert chart.lines[0].x1 == pytest.approx(budget_bar.x + budget_bar.width / 2)
    texts = [label.text for label in chart.labels]
    assert "活动费" in texts and "预算 1,000.00" in texts and "支出 600.00" in texts


def test_a_label_with_markup_is_escaped_in_the_svg(env):
    rows = [BudgetRow("<b>费</b>", 100, 50, 50, 0, 0.0, False)]
    html = env.from_string(
        '{% from "reports/charts.html" import svg_chart %}{{ svg_chart(budget_chart(rows)) }}'
    ).render(rows=rows)
    assert "&lt;b&gt;费&lt;/b&gt;" in html and "<b>" not in html
    assert 'font-family="Noto Sans CJK SC' in html
