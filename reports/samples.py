"""Sample report contexts, built by hand, for previews, tests and benchmarks.

The figures follow the documented Huaihe Road (淮河路街道) case: four domains,
a first fund round of 260,000 yuan, five agencies and twenty-two projects.
They are fixed values, so two renders of a sample give the same PDF text, and
a template can be previewed without a database.
"""

from __future__ import annotations

from datetime import date

from reports.contexts import (
    CriterionScore,
    DailyNote,
    DocumentHeader,
    DomainRow,
    DonorTypeRow,
    GradeCount,
    IndicatorRow,
    MonthlyAssessmentContext,
    ProjectRow,
    StreetSummaryContext,
)

STREET_OFFICE = "淮河路街道办事处"
CYCLE_NAME = "2026年度公益创投"
GENERATED_ON = date(2026, 6, 1)


def build_sample_monthly_assessment() -> MonthlyAssessmentContext:
    """Build the 月度评估报告 context of one elderly-care project for May 2026."""
    return MonthlyAssessmentContext(
        header=DocumentHeader(STREET_OFFICE, CYCLE_NAME, "月度评估报告", GENERATED_ON),
        month="2026年5月",
        project_title="银龄互助·长者食堂陪伴计划",
        agency_name="合肥市蜀山区暖阳社会工作服务中心",
        domain_name="情暖夕阳",
        community_name="红星路社区",
        award_fen=8_000_000,
        paid_fen=3_200_000,
        reports_expected=22,
        reports_submitted=21,
        reports_late=2,
        people_planned=600,
        people_served=642,
        indicators=(
            IndicatorRow("入户探访", "户次", 80, 86),
            IndicatorRow("健康讲座", "场", 4, 3),
            IndicatorRow("志愿者培训", "人", 30, 30),
        ),
        criteria=(
            CriterionScore("服务完成度", 30, 92.0),
            CriterionScore("服务质量与满意度", 25, 88.5),
            CriterionScore("日报告与档案规范", 20, 85.0),
            CriterionScore("资金使用合规", 15, 90.0),
            CriterionScore("社区参与与创新", 10, 80.0),
        ),
        total_score=88.3,
        grade="良好",
        evaluator_name="王立新",
        comment=(
            "项目本月按计划推进，长者食堂陪伴服务覆盖面稳步扩大，入户探访超额完成。\n"
            "健康讲座少开一场，原因是场地冲突，请于下月补足；日报告有两次迟交，请加强内部督导。"
        ),
        open_action_items=(
            "6月15日前补开健康讲座一场，并上传签到表",
            "完善高龄独居老人台账，联系方式统一脱敏登记",
        ),
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
        fund_raised_fen=26_000_000,
        committed_fen=24_600_000,
        paid_fen=9_840_000,
        balance_fen=16_160_000,
        in_kind_gifts=37,
        donor_types=(
            DonorTypeRow("机关事业单位", 12, 12_000_000),
            DonorTypeRow("爱心企业", 9, 10_500_000),
            DonorTypeRow("热心人士", 143, 3_500_000),
        ),
        domain_rows=(
            DomainRow("情暖夕阳", 412, 38, 7, 7_800_000, 7_215),
            DomainRow("护航花蕾", 305, 27, 6, 6_600_000, 5_930),
            DomainRow("爱在淮河", 236, 21, 5, 5_700_000, 3_842),
            DomainRow("绿色生活", 158, 14, 4, 4_500_000, 3_369),
        ),
        project_rows=tuple(_sample_project_rows()),
        grade_counts=(
            GradeCount("优秀", 6),
            GradeCount("良好", 11),
            GradeCount("合格", 4),
            GradeCount("不合格", 1),
        ),
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
            total_score=95.5 - index * 1.5,
            grade=grade,
            compliance_percent=100 - index,
            people_served=1_200 - index * 30,
        )
        for index, grade in enumerate(grades)
    ]
