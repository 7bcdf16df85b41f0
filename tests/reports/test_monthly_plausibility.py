"""The 项目月度评估报告 shows an implausible output as 异常 and tells 超支 from 执行偏慢."""

from __future__ import annotations

import re
from dataclasses import replace

from reports.contexts import BudgetRow, OutputRow
from reports.render import MONTHLY_ASSESSMENT_TEMPLATE, render_html
from reports.samples import build_sample_monthly_assessment


def _text(html: str) -> str:
    return "".join(re.sub(r"<[^>]+>", "", html).split())


def test_an_output_far_above_plan_is_shown_as_abnormal_not_as_a_percentage(env):
    ctx = replace(
        build_sample_monthly_assessment(),
        outputs=(
            OutputRow("服务人次", "人次", 600, 642),
            OutputRow("活动场次", "场", 6, 41, flag="异常"),
        ),
    )
    text = _text(render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx))
    assert "683.3%" not in text
    assert "活动场次完成41场，远超计划的6场，标为异常，待评估人员核实" in text
    assert "活动场次场641异常" in text
    assert "服务人次完成642人次，为计划的107.0%" in text
    assert "标为“异常”，不显示完成率" in text


def test_an_output_the_measures_did_not_flag_shows_its_completion(env):
    # The multiple is the call's: the measures flag (or not) with it; the template never guesses.
    ctx = replace(build_sample_monthly_assessment(), outputs=(OutputRow("活动场次", "场", 6, 21),))
    text = _text(render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx))
    assert "为计划的350.0%" in text and "异常" not in text


def test_budget_lines_say_over_or_slow_never_over_the_limit(env):
    ctx = replace(
        build_sample_monthly_assessment(),
        budget_rows=(
            BudgetRow("活动费", 2_800_000, 933_333, 1_150_050, 610_000, 23.2, True, "超支"),
            BudgetRow("宣传费", 600_000, 200_000, 120_000, 60_000, -40.0, True, "执行偏慢"),
            BudgetRow("物资费", 1_600_000, 533_333, 498_000, 201_500, -6.6, False),
        ),
        budget_flagged=True,
    )
    text = _text(render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx))
    assert "+23.2%（超支）" in text and "-40.0%（执行偏慢）" in text and "-6.6%（" not in text
    assert "超限" not in text
    # 17,680.50 spent against 16,666.66 planned in all: over plan, so the summary says 超支.
    assert "累计支出17,680.50元，截至本月计划16,666.66元，超支，需关注。" in text


def test_a_flagged_line_stored_without_its_state_is_told_by_its_sign(env):
    ctx = replace(
        build_sample_monthly_assessment(),
        budget_rows=(
            BudgetRow("活动费", 2_800_000, 933_333, 1_150_050, 610_000, 23.2, True),
            BudgetRow("宣传费", 600_000, 200_000, 120_000, 60_000, -40.0, True),
        ),
    )
    text = _text(render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx))
    assert "+23.2%（超支）" in text and "-40.0%（执行偏慢）" in text


def test_spending_below_plan_overall_is_called_slow(env):
    ctx = replace(
        build_sample_monthly_assessment(),
        budget_rows=(BudgetRow("宣传费", 600_000, 200_000, 100_000, 0, -50.0, True),),
        budget_flagged=True,
    )
    text = _text(render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx))
    assert "执行偏慢，需关注。" in text and "超支" not in text.replace("“超支”", "")


def test_the_note_on_an_implausible_figure_is_not_printed_as_a_veto(env):
    ctx = replace(
        build_sample_monthly_assessment(),
        grade="良好",
        veto="活动场次远超计划，数据异常待核实：本月不评为优秀",
    )
    text = _text(render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx))
    assert "等级说明：活动场次远超计划，数据异常待核实：本月不评为优秀" in text
    assert "否决项" not in text
