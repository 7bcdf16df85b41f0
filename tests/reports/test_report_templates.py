"""What the report templates print, checked on the HTML text."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from jinja2 import Environment, UndefinedError

from reports.contexts import ActionRow, DailyNote, IssueRow, OutputRow, ProjectRow
from reports.environment import build_environment
from reports.render import (
    MONTHLY_ASSESSMENT_TEMPLATE,
    STREET_SUMMARY_TEMPLATE,
    WEEKLY_MINUTES_TEMPLATE,
    render_html,
)
from reports.samples import (
    build_sample_monthly_assessment,
    build_sample_street_summary,
    build_sample_weekly_minutes,
)

NOTE_DAY = date(2026, 5, 8)
REPORTS = [
    (MONTHLY_ASSESSMENT_TEMPLATE, build_sample_monthly_assessment),
    (STREET_SUMMARY_TEMPLATE, build_sample_street_summary),
    (WEEKLY_MINUTES_TEMPLATE, build_sample_weekly_minutes),
]


@pytest.mark.parametrize(("template", "build"), REPORTS)
def test_report_declares_simplified_chinese(env, template, build):
    html = render_html(env, template, build())
    assert '<html lang="zh-CN">' in html


@pytest.mark.parametrize(("template", "build"), REPORTS)
def test_report_links_the_print_stylesheet_instead_of_inline_styles(env, template, build):
    html = render_html(env, template, build())
    assert '<link rel="stylesheet" href="print.css">' in html
    assert "<style" not in html
    assert "style=" not in html


@pytest.mark.parametrize(("template", "build"), REPORTS)
def test_every_page_header_names_office_cycle_and_title(env, template, build):
    ctx = build()
    html = render_html(env, template, ctx)
    assert ctx.header.street_office in html
    assert ctx.header.cycle_name in html
    assert f'<span class="document-title">{ctx.header.title}</span>' in html
    assert f"生成日期：{ctx.header.generated_on.year}年" in html


def test_comment_is_escaped_not_run(env):
    ctx = replace(build_sample_monthly_assessment(), comment='<script>alert("x")</script>好')
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;好" in html


def test_note_summary_issues_and_action_items_are_escaped(env):
    ctx = replace(
        build_sample_monthly_assessment(),
        notes=(DailyNote(NOTE_DAY, 3, "<b>加粗</b>"),),
        issues=(IssueRow("x", NOTE_DAY, "问题", "<i>斜</i>"),),
        action_items=(ActionRow(1, "x", "<img src=x>", "机构", NOTE_DAY, "未完成", None),),
    )
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx)
    assert "&lt;b&gt;加粗&lt;/b&gt;" in html
    assert "&lt;i&gt;斜&lt;/i&gt;" in html
    assert "&lt;img src=x&gt;" in html


def test_phone_number_in_a_service_note_is_masked(env):
    ctx = replace(
        build_sample_monthly_assessment(),
        notes=(DailyNote(NOTE_DAY, 5, "李奶奶家属电话13912345678，已回访"),),
    )
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx)
    assert "13912345678" not in html
    assert "李奶奶家属电话139****5678，已回访" in html


def test_id_number_and_phone_in_the_comment_are_masked(env):
    ctx = replace(
        build_sample_monthly_assessment(),
        comment="低保户身份证34030219900101123X，电话13812341234",
    )
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx)
    assert "34030219900101123X" not in html
    assert "13812341234" not in html
    assert "340302********123X" in html
    assert "138****1234" in html


def test_comment_lines_become_indented_paragraphs(env):
    ctx = replace(build_sample_monthly_assessment(), comment="第一段。\n\n  第二段。\n")
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx)
    assert '<p class="prose">第一段。</p>' in html
    assert '<p class="prose">第二段。</p>' in html


def test_monthly_assessment_shows_money_in_yuan(env):
    ctx = replace(build_sample_monthly_assessment(), award_fen=1_234_567, paid_fen=617_284)
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx)
    assert "12,345.67 元" in html
    assert "6,172.84 元（50.0%）" in html


def test_compliance_counts_only_reports_on_time_and_completion_is_actual_of_planned(env):
    ctx = replace(
        build_sample_monthly_assessment(),
        reports_expected=20,
        reports_submitted=19,
        reports_late=3,
        outputs=(OutputRow("服务人次", "人次", 400, 300),),
    )
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx)
    assert "16 份" in html and "3 份" in html and "1 份" in html
    assert "80.0%" in html  # on time: 19 submitted - 3 late, of 20 due
    assert "75.0%" in html  # 300 of 400 people


def test_an_output_without_a_plan_shows_no_completion(env):
    ctx = replace(
        build_sample_monthly_assessment(), outputs=(OutputRow("受益人数", "人", None, 12),)
    )
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx)
    row = html[
        html.index("<td>受益人数</td>") : html.index("</tr>", html.index("<td>受益人数</td>"))
    ]
    assert '<td class="number">—</td>' in row and "%" not in row


def test_a_draft_evaluation_is_marked_as_not_yet_published(env):
    ctx = replace(build_sample_monthly_assessment(), is_final=False, status_label="待审核")
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx)
    assert "待审核：本报告尚未审定发布" in html
    final = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, build_sample_monthly_assessment())
    assert "尚未审定发布" not in final


def test_a_veto_is_printed_beside_the_grade(env):
    ctx = replace(build_sample_monthly_assessment(), veto="资金违规使用：总分计 0 分")
    assert "否决项：资金违规使用：总分计 0 分" in render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx)


def test_flagged_budget_lines_are_marked(env):
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, build_sample_monthly_assessment())
    assert '<tr class="flagged">' in html
    assert "+23.2%（超支）" in html


def test_the_monthly_report_carries_both_charts_with_a_font_on_the_svg(env):
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, build_sample_monthly_assessment())
    assert html.count("<svg ") == 2
    assert html.count('font-family="Noto Sans CJK SC') == 2
    assert "图1　每日服务人次" in html and "图2　预算与支出" in html


def test_without_budget_lines_the_report_says_why_there_is_no_budget_chart(env):
    ctx = replace(build_sample_monthly_assessment(), budget_rows=())
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx)
    assert html.count("<svg ") == 1
    assert "没有预算明细" in html


def test_beneficiaries_appear_as_counts_only(env):
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, build_sample_monthly_assessment())
    assert "新增受益48人，累计受益131人" in html
    assert "化名编号去重统计" in html


def test_monthly_assessment_shows_total_score_and_grade_badge(env):
    ctx = replace(build_sample_monthly_assessment(), total_score=91.25, grade="优秀")
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx)
    assert '<span class="total">91.3</span>' in html
    assert '<span class="grade-badge large">优秀</span>' in html


def test_monthly_assessment_ends_with_the_evaluator_signature_line(env):
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, build_sample_monthly_assessment())
    assert "评估人：王立新" in html and "审核人：陈慧敏" in html
    assert "签字：" in html and "日期：" in html
    assert "（盖章）" in html


def test_monthly_assessment_says_so_when_there_are_no_notes_or_action_items(env):
    ctx = replace(
        build_sample_monthly_assessment(), notes=(), action_items=(), issues=(), comment=""
    )
    html = render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, ctx)
    assert "本月无日报告摘录。" in html
    assert "本月无周例会待办事项。" in html
    assert "本月日报告未反映问题或风险。" in html
    assert "评估人未填写意见。" in html


def test_street_summary_headline_counts_domains_projects_and_people(env):
    ctx = replace(build_sample_street_summary(), domains=3, projects=9, people_reached=1234)
    html = render_html(env, STREET_SUMMARY_TEMPLATE, ctx)
    assert "3大领域9个服务项目，本月服务1234人次" in html


def test_street_summary_shows_the_fund_in_yuan(env):
    ctx = replace(
        build_sample_street_summary(),
        fund_raised_fen=100_000_00,
        committed_fen=80_000_01,
        paid_fen=30_000_00,
        balance_fen=70_000_00,
        in_kind_gifts=5,
    )
    html = render_html(env, STREET_SUMMARY_TEMPLATE, ctx)
    for amount in ("100,000.00 元", "80,000.01 元", "30,000.00 元", "70,000.00 元"):
        assert amount in html
    assert "实物捐赠（人力、技能、信息等）5笔" in html


def test_street_summary_lists_projects_in_the_order_given(env):
    rows = tuple(
        ProjectRow(f"项目{name}", "机构", "情暖夕阳", "已发布", 80.0, "良好", 90, 10, 0, False)
        for name in "丙甲乙"
    )
    ctx = replace(build_sample_street_summary(), project_rows=rows)
    html = render_html(env, STREET_SUMMARY_TEMPLATE, ctx)
    assert html.index("项目丙") < html.index("项目甲") < html.index("项目乙")


def test_street_summary_shows_grade_shares_of_all_projects(env):
    html = render_html(env, STREET_SUMMARY_TEMPLATE, build_sample_street_summary())
    assert "27.3%" in html  # 6 of 22 projects are 优秀


def test_template_refuses_a_context_that_lacks_its_fields(env):
    with pytest.raises(UndefinedError):
        render_html(env, MONTHLY_ASSESSMENT_TEMPLATE, build_sample_street_summary())


def test_undefined_names_raise_instead_of_printing_nothing(env: Environment):
    template = env.from_string("{{ ctx.no_such_field }}")
    with pytest.raises(UndefinedError):
        template.render(ctx=build_sample_monthly_assessment())


def test_template_receives_the_context_as_ctx_and_nothing_else(tmp_path):
    (tmp_path / "probe.html").write_text("{{ ctx.month }}|{{ month }}", encoding="utf-8")
    env = build_environment(tmp_path)
    with pytest.raises(UndefinedError, match="month"):
        render_html(env, "probe.html", build_sample_monthly_assessment())


def test_street_summary_shows_grades_by_domain_and_the_projects_at_risk(env):
    html = render_html(env, STREET_SUMMARY_TEMPLATE, build_sample_street_summary())
    assert "优秀 1，良好 1，合格 1，不合格 1" in html
    assert "日报告按时率 62%（低于 80%）；本月黄牌 1 张" in html


def test_a_project_not_yet_published_shows_its_status_instead_of_a_grade(env):
    row = ProjectRow("项目甲", "机构", "情暖夕阳", "待审核", None, "", 90, 10, 0, False)
    ctx = replace(build_sample_street_summary(), project_rows=(row,))
    html = render_html(env, STREET_SUMMARY_TEMPLATE, ctx)
    assert '<td class="center">待审核</td>' in html


def test_weekly_minutes_list_progress_issues_overdue_items_and_decisions(env):
    html = render_html(env, WEEKLY_MINUTES_TEMPLATE, build_sample_weekly_minutes())
    assert "本周日报告应交 110 份" in html
    assert "补交5月11日日报告" in html  # overdue from an earlier meeting
    assert "各机构核对受益人编号台账" in html  # decided at this one
    assert "139****5678" in html and "13912345678" not in html
    assert "记录人：李晓雯" in html


def test_weekly_minutes_before_the_meeting_leave_room_to_write(env):
    ctx = replace(build_sample_weekly_minutes(), minutes="", action_items=())
    html = render_html(env, WEEKLY_MINUTES_TEMPLATE, ctx)
    assert "会议记录待会后录入" in html
    assert '<div class="writing-space"></div>' in html
