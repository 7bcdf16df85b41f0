"""Daily-report compliance: working days are due; late means after the service day ended locally."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models.compliance import (
    Compliance,
    ExcuseError,
    ReportStamp,
    days_to_excuse,
    due_days,
    is_late,
    measure_compliance,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MON = date(2026, 6, 1)


def at(day: date, hour: int, minute: int = 0, tz=SHANGHAI) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def test_only_working_days_within_the_project_run_are_due():
    days = due_days(MON, date(2026, 6, 30), starts_on=date(2026, 6, 3), ends_on=date(2026, 6, 10))
    assert days == [date(2026, 6, d) for d in (3, 4, 5, 8, 9, 10)]


def test_weekends_are_never_due():
    assert (
        due_days(date(2026, 6, 6), date(2026, 6, 7), starts_on=MON, ends_on=date(2026, 12, 31))
        == []
    )


def test_first_and_last_days_of_the_window_are_included():
    days = due_days(MON, date(2026, 6, 5), starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    assert days == [date(2026, 6, d) for d in range(1, 6)]


def test_no_day_is_due_outside_the_project_run():
    assert (
        due_days(MON, date(2026, 6, 30), starts_on=date(2026, 7, 1), ends_on=date(2026, 9, 30))
        == []
    )


def test_report_before_midnight_local_time_is_on_time():
    assert not is_late(ReportStamp(MON, at(MON, 23, 59)), tz=SHANGHAI)


def test_report_at_midnight_local_time_is_late():
    assert is_late(ReportStamp(MON, at(MON + timedelta(days=1), 0, 0)), tz=SHANGHAI)


def test_lateness_is_judged_in_the_offices_zone_not_in_utc():
    # 15:59 UTC is 23:59 in Shanghai, the same service day; 16:00 UTC is the next day there.
    assert not is_late(ReportStamp(MON, at(MON, 15, 59, tz=UTC)), tz=SHANGHAI)
    assert is_late(ReportStamp(MON, at(MON, 16, 0, tz=UTC)), tz=SHANGHAI)


def test_report_written_before_its_service_day_is_not_late():
    assert not is_late(ReportStamp(MON, at(MON - timedelta(days=1), 20)), tz=SHANGHAI)


def test_naive_submission_time_is_read_in_the_offices_zone():
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        assert not is_late(ReportStamp(MON, datetime(2026, 6, 1, 23, 30)), tz=SHANGHAI)
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_compliance_counts_due_submitted_late_and_missing_days():
    due = due_days(MON, date(2026, 6, 5), starts_on=MON, ends_on=date(2026, 12, 31))
    stamps = [
        ReportStamp(date(2026, 6, 1), at(date(2026, 6, 1), 18)),
        ReportStamp(date(2026, 6, 2), at(date(2026, 6, 3), 9)),
        ReportStamp(date(2026, 6, 4), at(date(2026, 6, 4), 23, 59)),
        ReportStamp(date(2026, 6, 6), at(date(2026, 6, 6), 10)),
    ]
    compliance = measure_compliance(due, stamps, tz=SHANGHAI)
    assert compliance == Compliance(
        expected=5,
        submitted=3,
        late=1,
        missing_days=(date(2026, 6, 3), date(2026, 6, 5)),
    )
    assert compliance.percent == 40


def test_a_report_for_a_day_that_was_not_due_counts_for_nothing():
    compliance = measure_compliance(
        [MON], [ReportStamp(date(2026, 6, 6), at(date(2026, 6, 6), 10))], tz=SHANGHAI
    )
    assert (compliance.submitted, compliance.missing_days) == (0, (MON,))
    assert compliance.percent == 0


def test_missing_days_are_listed_in_date_order():
    due = [date(2026, 6, 5), date(2026, 6, 1), date(2026, 6, 3)]
    assert measure_compliance(due, [], tz=SHANGHAI).missing_days == (
        date(2026, 6, 1),
        date(2026, 6, 3),
        date(2026, 6, 5),
    )


def test_compliance_accepts_one_pass_iterables():
    due = iter([MON])
    stamps = iter([ReportStamp(MON, at(MON, 12))])
    assert measure_compliance(due, stamps, tz=SHANGHAI).percent == 100


def test_nothing_due_counts_as_full_compliance():
    assert measure_compliance([], [], tz=SHANGHAI).percent == 100


def test_percent_is_on_time_reports_over_due_days_rounded():
    assert Compliance(expected=3, submitted=2, late=0, missing_days=()).percent == 67
    assert Compliance(expected=3, submitted=3, late=2, missing_days=()).percent == 33


# Business dates: arrival time, holidays and excused days (issue #15).

DRAGON_BOAT = date(2026, 6, 19)  # 端午节, a Friday


def test_a_paper_form_entered_a_week_later_is_on_time_when_it_arrived_on_its_day():
    stamp = ReportStamp(MON, at(MON + timedelta(days=7), 9), received_at=at(MON, 18, 30))
    assert stamp.arrived_at == at(MON, 18, 30)
    assert not is_late(stamp, tz=SHANGHAI)


def test_a_paper_form_that_arrived_the_next_morning_is_late_whenever_it_is_entered():
    stamp = ReportStamp(MON, at(MON, 20), received_at=at(MON + timedelta(days=1), 8))
    assert is_late(stamp, tz=SHANGHAI)


def test_without_an_arrival_time_lateness_is_judged_on_the_first_entry():
    assert is_late(ReportStamp(MON, at(MON + timedelta(days=1), 0, 1)), tz=SHANGHAI)
    assert not is_late(ReportStamp(MON, at(MON, 23, 59)), tz=SHANGHAI)


def test_a_stamp_of_a_stored_report_carries_both_times():
    class Stored:
        day = MON
        first_submitted_at = at(MON + timedelta(days=3), 10)
        received_at = at(MON, 17)

    stamp = ReportStamp.of(Stored())
    assert (stamp.submitted_at, stamp.received_at) == (Stored.first_submitted_at, at(MON, 17))
    assert not is_late(stamp, tz=SHANGHAI)


def test_a_public_holiday_is_not_due():
    days = due_days(
        date(2026, 6, 15),
        date(2026, 6, 19),
        starts_on=MON,
        ends_on=date(2026, 12, 31),
        off={DRAGON_BOAT},
    )
    assert DRAGON_BOAT not in days and len(days) == 4


def test_an_excused_day_is_neither_missing_nor_late():
    excused = date(2026, 6, 3)
    due = due_days(MON, date(2026, 6, 5), starts_on=MON, ends_on=date(2026, 12, 31), off=[excused])
    stamps = [ReportStamp(d, at(d, 20)) for d in due]
    result = measure_compliance(due, stamps, tz=SHANGHAI)
    assert result == Compliance(expected=4, submitted=4, late=0, missing_days=())
    assert result.percent == 100


RUN = {"starts_on": date(2026, 3, 1), "ends_on": date(2026, 12, 31)}


def test_an_excuse_covers_the_working_days_of_its_range():
    days = days_to_excuse(date(2026, 6, 5), date(2026, 6, 9), **RUN)
    assert days == [date(2026, 6, 5), date(2026, 6, 8), date(2026, 6, 9)]


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (date(2026, 6, 9), date(2026, 6, 5), "早于开始日期"),
        (date(2026, 6, 6), date(2026, 6, 7), "没有工作日"),
        (date(2026, 2, 27), date(2026, 3, 2), "超出项目执行期"),
        (date(2026, 3, 2), date(2026, 12, 30), "一次最多免交"),
    ],
)
def test_a_range_that_cannot_be_excused_is_refused_saying_why(first, last, message):
    with pytest.raises(ExcuseError, match=message):
        days_to_excuse(first, last, **RUN)
