"""Daily reports (日报告) as written and as checked against their project."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from models.monitoring import DailyReport
from models.report_input import (
    Activity,
    DailyReportInput,
    InputError,
    is_pseudonymous,
    parse_activities,
    parse_minutes,
    parse_refs,
    parse_spend,
    read_count,
    read_report_payload,
)
from models.reporting import (
    Filing,
    ProjectRun,
    build_version,
    check_report,
    classify_filing,
    report_fields,
)

RUN = ProjectRun("长者食堂", "active", date(2026, 6, 1), date(2026, 11, 30))
BUDGET = {"活动费": 50_000, "物资费": 20_000}
TODAY = date(2026, 6, 10)
ACTIVE_DAY = DailyReportInput(
    "长者食堂", date(2026, 6, 3), activities=(Activity("group", "手工", 8),)
)


def problems(report=ACTIVE_DAY, *, run=RUN, spent=None, today=TODAY) -> list[str]:
    return [
        str(p)
        for p in check_report(report, run=run, budget=BUDGET, spent_before=spent or {}, today=today)
    ]


def test_activities_are_read_as_type_title_and_visits():
    assert parse_activities("小组:智能手机课:18；个案：入户探访：3") == (
        Activity("group", "智能手机课", 18),
        Activity("case", "入户探访", 3),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("讲座:健康讲座:30", "个案 / 小组 / 社区活动"),
        ("小组:手工课", "类型:名称:人次"),
        ("小组:手工课:-3", "不能为负数"),
        ("小组::3", "活动名称不能为空"),
        ("小组:手工课:3.5", "应为整数"),
    ],
)
def test_a_badly_written_activity_is_refused_naming_the_field(text, message):
    with pytest.raises(InputError, match=message) as refused:
        parse_activities(text)
    assert refused.value.field == "活动"


def test_visits_are_the_sum_of_the_activities():
    assert (
        DailyReportInput(
            "x", TODAY, activities=parse_activities("小组:a:5；社区活动:b:40")
        ).people_served
        == 45
    )


def test_spend_is_read_in_fen_per_category():
    assert parse_spend("活动费:120.50；物资费：30") == {"活动费": 12_050, "物资费": 3_000}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("活动费:-5", "不能为负数"),
        ("活动费:1.234", "最多两位小数"),
        ("活动费:10；活动费:5", "重复"),
        ("活动费", "科目:金额"),
    ],
)
def test_bad_spend_is_refused(text, message):
    with pytest.raises(InputError, match=message):
        parse_spend(text)


@pytest.mark.parametrize(("text", "minutes"), [("2.5", 150), ("0", 0), ("", 0), ("3", 180)])
def test_hours_are_read_as_whole_minutes(text, minutes):
    assert parse_minutes(text, field="服务时长") == minutes


@pytest.mark.parametrize("text", ["-1", "1.255", "两小时"])
def test_bad_hours_are_refused(text):
    with pytest.raises(InputError):
        parse_minutes(text, field="服务时长")


def test_beneficiary_ids_are_read_and_deduplicated():
    assert parse_refs("E01-0001, E01-0002；E01-0001") == ("E01-0001", "E01-0002")


@pytest.mark.parametrize(
    "ref", ["张三", "13812345678", "34030219900101123X", "E0", "a b", "老人E01-0001"]
)
def test_a_name_phone_or_id_number_is_never_taken_as_a_beneficiary_id(ref):
    assert not is_pseudonymous(ref)
    with pytest.raises(InputError, match="不是化名编号"):
        parse_refs(ref)


def test_the_refusal_does_not_repeat_the_personal_data():
    with pytest.raises(InputError) as refused:
        parse_refs("34030219900101123X")
    assert "34030219900101123X" not in str(refused.value)


def test_a_json_report_reads_into_the_same_report():
    report = read_report_payload(
        {
            "project": "长者食堂",
            "day": "2026-06-03",
            "activities": [{"kind": "小组", "title": "手工", "people": 8}],
            "beneficiaries": ["E01-0001"],
            "service_hours": 2.5,
            "spend_fen": {"活动费": 12_050},
        }
    )
    assert report.activities == (Activity("group", "手工", 8),)
    assert (report.service_minutes, report.spend_fen, report.beneficiary_refs) == (
        150,
        {"活动费": 12_050},
        ("E01-0001",),
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"project": "x", "day": "2026-06-03", "spend_fen": {"活动费": 120.5}}, "spend_fen"),
        ({"project": "x", "day": "2026-06-03", "volunteers": -2}, "volunteers"),
        ({"project": "x", "day": "06/03/2026"}, "day"),
        ({"project": "", "day": "2026-06-03"}, "project"),
        ({"project": "x", "day": "2026-06-03", "name": "张三"}, "name"),
        ({"project": "x", "day": "2026-06-03", "activities": "小组"}, "activities"),
    ],
)
def test_a_bad_json_field_is_named(payload, field):
    with pytest.raises(InputError) as refused:
        read_report_payload(payload)
    assert refused.value.field == field


def test_a_good_report_has_no_problems():
    assert problems() == []


def test_a_report_for_a_day_still_to_come_is_refused():
    assert problems(today=date(2026, 6, 2)) == [
        "「日期」2026-06-03 还没有到（今天是 2026-06-02），不能提前填报"
    ]


@pytest.mark.parametrize(
    ("day", "message"),
    [(date(2026, 5, 29), "早于项目开始日期"), (date(2026, 12, 1), "晚于项目结束日期")],
)
def test_a_report_outside_the_projects_run_is_refused(day, message):
    report = DailyReportInput("长者食堂", day, activities=ACTIVE_DAY.activities)
    assert any(message in p for p in problems(report, today=date(2026, 12, 31)))


@pytest.mark.parametrize(("status", "label"), [("suspended", "已暂停"), ("terminated", "已终止")])
def test_a_project_that_is_not_running_takes_no_report(status, label):
    run = ProjectRun("长者食堂", status, RUN.starts_on, RUN.ends_on)
    assert problems(run=run) == [f"「项目」「长者食堂」不在执行中（{label}），不能提交日报告"]


def test_a_day_needs_an_activity_or_a_reason_for_none():
    assert problems(DailyReportInput("长者食堂", date(2026, 6, 3))) == [
        "「活动」请填写当天的活动；当天没有活动时，请写明原因"
    ]
    assert (
        problems(DailyReportInput("长者食堂", date(2026, 6, 3), no_activity_reason="端午节")) == []
    )


def test_a_day_without_activity_cannot_also_report_spend():
    report = DailyReportInput(
        "x", date(2026, 6, 3), no_activity_reason="下雨", spend_fen={"活动费": 100}
    )
    assert problems(report) == ["「无活动原因」已写明当天无活动，就不能再填写活动、受益人或支出"]


def test_spend_in_a_category_the_budget_lacks_is_refused():
    report = DailyReportInput(
        "x", date(2026, 6, 3), activities=ACTIVE_DAY.activities, spend_fen={"餐费": 100}
    )
    assert problems(report) == ["「支出」预算中没有科目「餐费」（预算科目：活动费、物资费）"]


def test_spend_beyond_what_is_left_of_a_budget_line_is_refused():
    report = DailyReportInput(
        "x", date(2026, 6, 3), activities=ACTIVE_DAY.activities, spend_fen={"活动费": 10_001}
    )
    assert problems(report, spent={"活动费": 40_000}) == [
        "「支出」「活动费」超出预算：预算 500.00 元，此前已支出 400.00 元，本次 100.01 元"
    ]
    exact = DailyReportInput(
        "x", date(2026, 6, 3), activities=ACTIVE_DAY.activities, spend_fen={"活动费": 10_000}
    )
    assert problems(exact, spent={"活动费": 40_000}) == []


def _stored(report: DailyReportInput, version: int = 1) -> DailyReport:
    first = datetime(2026, 6, 3, 10, tzinfo=UTC)
    return DailyReport(
        project_id=1,
        day=report.day,
        version=version,
        first_submitted_at=first,
        submitted_at=first,
        **report_fields(report),
    )


def test_a_first_report_for_a_day_is_new():
    assert classify_filing(ACTIVE_DAY, None) == Filing.NEW


def test_the_same_report_again_is_a_duplicate():
    assert classify_filing(ACTIVE_DAY, _stored(ACTIVE_DAY)) == Filing.DUPLICATE


def test_a_changed_report_for_a_reported_day_needs_to_say_it_is_a_revision():
    changed = DailyReportInput(
        "长者食堂", ACTIVE_DAY.day, activities=(Activity("group", "手工", 9),)
    )
    with pytest.raises(InputError, match="已提交日报告（第 1 版）"):
        classify_filing(changed, _stored(ACTIVE_DAY))
    revised = DailyReportInput(
        "长者食堂", ACTIVE_DAY.day, activities=changed.activities, revise=True
    )
    assert classify_filing(revised, _stored(ACTIVE_DAY)) == Filing.REVISION


def test_a_revision_is_the_next_version_and_keeps_the_first_submission_time():
    current = _stored(ACTIVE_DAY, version=2)
    later = datetime(2026, 6, 8, 9, tzinfo=UTC)
    version = build_version(ACTIVE_DAY, project_id=1, current=current, now=later, source="cli")
    assert (version.version, version.first_submitted_at, version.submitted_at) == (
        3,
        current.first_submitted_at,
        later,
    )


@pytest.mark.parametrize("text", ["1e308", "1000001", "99999999999"])
def test_hours_beyond_the_bound_are_refused_not_overflowed(text: str) -> None:
    with pytest.raises(InputError, match=r"服务时长.*上限"):
        parse_minutes(text, field="服务时长")


def test_a_count_or_an_amount_beyond_the_bound_is_refused() -> None:
    with pytest.raises(InputError, match="上限"):
        read_count("10" * 20, field="服务人次")
    with pytest.raises(InputError, match="上限"):
        parse_spend("活动物资:1e30")
