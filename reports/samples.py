"""Sample report contexts, built by hand, for previews, tests and benchmarks.

The figures follow the documented Huaihe Road (淮河路街道) case: four domains,
a first fund round of 260,000 yuan, five agencies and twenty-two projects.
They are fixed values, so two renders of a sample give the same PDF text, and
a template can be previewed without a database.
"""

from __future__ import annotations

from datetime import date, timedelta

from reports.contexts import (
    ActionRow,
    BudgetRow,
    CriterionScore,
    DailyNote,
    DayPoint,
    DocumentHeader,
    DomainRow,
    DonorTypeRow,
    GradeCount,
    IssueRow,
    MonthlyAssessmentContext,
    OutputRow,
    ProjectRow,
    RiskRow,
    StreetSummaryContext,
    WeeklyMinutesContext,
    WeeklyProgressRow,
)

STREET_OFFICE = "淮河路街道办事处"
CYCLE_NAME = "2026年度公益创投"
GENERATED_ON = date(2026, 6, 1)
PROJECT = "银龄互助·长者食堂陪伴计划"


def _sample_days() -> tuple[DayPoint, ...]:
    points = []
    for offset in range(31):
        day = date(2026, 5, 1) + timedelta(days=offset)
        if day.weekday() >= 5:
            points.append(DayPoint(day, 0, "not_due"))
        elif day.day in (12, 26):
            points.append(DayPoint(day, 0, "missing"))
        elif day.day == 19:
            points.append(DayPoint(day, 0, "no_activity"))
        else:
            state = "late" if day.day in (7, 21) else "on_time"
            points.append(DayPoint(day, 22 + (day.day * 7) % 19, state))
    return tuple(points)


def build_sample_monthly_assessment() -> MonthlyAssessmentContext:
    """Build the 项目月度评估报告 context of one elderly-care project for May 2026."""
    return MonthlyAssessmentContext(
        header=DocumentHeader(STREET_OFFICE, CYCLE_NAME, "项目月度评估报告", GENERATED_ON),
        month="2026年5月",
        status_label="已发布",
        is_final=True,
        project_title=PROJECT,
        agency_name="合肥市蜀山区暖阳社会工作服务中心",
        domain_name="情暖夕阳",
        community_name="红星路社区",
        contract_no="GY-2026-003",
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 9, 30),
        month_index=2,
        months=6,
        award_fen=8_000_000,
        paid_fen=3_200_000,
        reports_expected=21,
        reports_submitted=19,
        reports_late=2,
        outputs=(
            OutputRow("服务人次", "人次", 600, 642),
            OutputRow("活动场次", "场", 40, 37),
            OutputRow("受益人数", "人", 60, 48),
            OutputRow("志愿服务时长", "小时", 80, 86),
        ),
        beneficiaries_new=48,
        beneficiaries_to_date=131,
        volunteers=64,
        volunteer_minutes=5_160,
        service_minutes=9_300,
        satisfaction_percent=94,
        budget_rows=(
            BudgetRow("人员费", 3_000_000, 1_000_000, 1_000_000, 500_000, 0.0, False),
            BudgetRow("活动费", 2_800_000, 933_333, 1_150_050, 610_000, 23.2, True),
            BudgetRow("物资费", 1_600_000, 533_333, 498_000, 201_500, -6.6, False),
            BudgetRow("宣传费", 600_000, 200_000, 120_000, 60_000, -40.0, True),
        ),
        budget_flagged=False,
        daily_points=_sample_days(),
        issues=(
            IssueRow(PROJECT, date(2026, 5, 12), "问题", "食堂燃气检修停供一天，改为送餐上门。"),
            IssueRow(PROJECT, date(2026, 5, 20), "风险", "两位高龄老人近期血压偏高，已联系家属。"),
        ),
        items_closed=1,
        items_open=1,
        action_items=(
            ActionRow(
                1,
                PROJECT,
                "6月15日前补开健康讲座一场，并上传签到表",
                "暖阳社工",
                date(2026, 6, 15),
                "未完成",
                None,
            ),
            ActionRow(
                2,
                PROJECT,
                "完善高龄独居老人台账，联系方式统一脱敏登记",
                "暖阳社工",
                date(2026, 5, 22),
                "已完成",
                date(2026, 5, 21),
            ),
        ),
        criteria=(
            CriterionScore("日报告合规", 30, 81.0),
            CriterionScore("服务进度", 30, 92.5),
            CriterionScore("服务质量", 40, 88.0),
        ),
        total_score=87.25,
        grade="良好",
        veto="",
        evaluator_name="王立新",
        comment=(
            "项目本月按计划推进，长者食堂陪伴服务覆盖面稳步扩大，入户探访超额完成。\n"
            "健康讲座少开一场，原因是场地冲突，请于下月补足；日报告有两次迟交，请加强内部督导。"
        ),
        reviewer_name="陈慧敏",
        review_comment="同意评估意见。",
        published_on=date(2026, 6, 5),
        notes=(
            DailyNote(
                date(2026, 5, 6),
                32,
                "长者食堂午餐陪伴，新增2位独居老人，家属电话13812341234已登记。",
            ),
            DailyNote(date(2026, 5, 13), 18, "入户探访8户，协助1户申请居家养老服务补贴。"),
            DailyNote(date(2026, 5, 20), 45, "“健康五月”讲座：老年高血压的饮食管理。"),
        ),
    )


def build_sample_street_summary() -> StreetSummaryContext:
    """Build the 街道月度汇总报告 context of the whole cycle for May 2026."""
    return StreetSummaryContext(
        header=DocumentHeader(STREET_OFFICE, CYCLE_NAME, "街道月度汇总报告", GENERATED_ON),
        month="2026年5月",
        domains=4,
        agencies=5,
        projects=22,
        people_reached=20_356,
        beneficiaries_new=3_412,
        volunteer_minutes=96_300,
        published=22,
        fund_raised_fen=26_000_000,
        committed_fen=24_600_000,
        paid_fen=9_840_000,
        balance_fen=16_160_000,
        spent_to_date_fen=7_412_050,
        in_kind_gifts=37,
        yellow_cards=1,
        donor_types=(
            DonorTypeRow("机关事业单位", 12, 12_000_000),
            DonorTypeRow("爱心企业", 9, 10_500_000),
            DonorTypeRow("热心人士", 143, 3_500_000),
        ),
        domain_rows=(
            _domain("情暖夕阳", 412, 7, 7_800_000, 7_215, (("优秀", 2), ("良好", 4), ("合格", 1))),
            _domain("护航花蕾", 305, 6, 6_600_000, 5_930, (("优秀", 2), ("良好", 3), ("合格", 1))),
            _domain("爱在淮河", 236, 5, 5_700_000, 3_842, (("优秀", 1), ("良好", 3), ("合格", 1))),
            _domain(
                "绿色生活",
                158,
                4,
                4_500_000,
                3_369,
                (("优秀", 1), ("良好", 1), ("合格", 1), ("不合格", 1)),
            ),
        ),
        project_rows=tuple(_sample_project_rows()),
        grade_counts=(
            GradeCount("优秀", 6),
            GradeCount("良好", 11),
            GradeCount("合格", 4),
            GradeCount("不合格", 1),
        ),
        at_risk=(
            RiskRow(
                "绿色生活服务项目22", "邻里社工", ("日报告按时率 62%（低于 80%）", "本月黄牌 1 张")
            ),
            RiskRow("爱在淮河服务项目15", "同心社工", ("预算执行偏差超过 10%",)),
        ),
    )


def _domain(name, needs, projects, award, served, grades) -> DomainRow:  # type: ignore[no-untyped-def]
    return DomainRow(
        name,
        needs,
        needs // 10,
        projects,
        award,
        award * 4 // 10,
        award * 3 // 10,
        served,
        tuple(GradeCount(g, n) for g, n in grades),
    )


def _sample_project_rows() -> list[ProjectRow]:
    agencies = ("暖阳社工", "启航社工", "同心社工", "绿荫社工", "邻里社工")
    domains = ("情暖夕阳", "护航花蕾", "爱在淮河", "绿色生活")
    grades = ("优秀",) * 6 + ("良好",) * 11 + ("合格",) * 4 + ("不合格",)
    return [
        ProjectRow(
            project_title=f"{domains[index % 4]}服务项目{index + 1:02d}",
            agency_name=agencies[index % 5],
            domain_name=domains[index % 4],
            status_label="已发布",
            total_score=95.5 - index * 1.5,
            grade=grade,
            compliance_percent=100 - index,
            people_served=1_200 - index * 30,
            spent_to_date_fen=360_000 - index * 5_000,
            budget_flagged=index == 14,
        )
        for index, grade in enumerate(grades)
    ]


def build_sample_weekly_minutes() -> WeeklyMinutesContext:
    """Build the 周例会纪要 context of the week of 18 May 2026."""
    return WeeklyMinutesContext(
        header=DocumentHeader(STREET_OFFICE, CYCLE_NAME, "周例会纪要", date(2026, 5, 25)),
        week_label="2026年5月18日至5月24日",
        held_on=date(2026, 5, 25),
        headline="本周日报告应交 110 份，已交 106 份，其中迟交 5 份",
        progress=tuple(
            WeeklyProgressRow(f"服务项目{n:02d}", "暖阳社工", 5, 5 - n % 2, n % 2, 120 + n, 130)
            for n in range(1, 23)
        ),
        issues=(
            IssueRow(
                PROJECT, date(2026, 5, 20), "风险", "两位高龄老人血压偏高，家属电话13912345678。"
            ),
        ),
        overdue_items=(
            ActionRow(
                3, "服务项目07", "补交5月11日日报告", "启航社工", date(2026, 5, 15), "未完成", None
            ),
        ),
        at_risk=(RiskRow("服务项目07", "启航社工", ("日报告按时率 60%（低于 80%）",)),),
        attendees="街道社会事务科、5家社会组织项目负责人、第三方评估机构",
        recorder="李晓雯",
        minutes="一、通报本周日报告提交情况。\n二、服务项目07说明缺交原因，承诺本周补齐。",
        action_items=(
            ActionRow(
                1,
                "服务项目07",
                "补交本周缺交的日报告",
                "启航社工",
                date(2026, 5, 29),
                "未完成",
                None,
            ),
            ActionRow(
                2, "", "各机构核对受益人编号台账", "各社会组织", date(2026, 6, 5), "未完成", None
            ),
        ),
    )
