"""The reminder ladder for missing daily reports, and yellow cards (黄牌)."""

from __future__ import annotations

from datetime import date

import pytest

from models.escalation import (
    NoticeKind,
    compose_daily_notice,
    compose_tranche_held,
    daily_notice_key,
    gap_to_escalate,
    is_yellow_card_due,
    missed_stretches,
    notice_kind,
    overdue_days,
    working_days_after,
)

MON, TUE, WED, THU, FRI = (date(2026, 6, d) for d in range(1, 6))
NEXT_MON = date(2026, 6, 8)


@pytest.mark.parametrize(
    ("earlier", "later", "days"),
    [(MON, MON, 0), (MON, TUE, 1), (MON, THU, 3), (FRI, NEXT_MON, 1), (FRI, date(2026, 6, 7), 0)],
)
def test_lateness_counts_working_days_only(earlier, later, days):
    assert working_days_after(earlier, later) == days


def test_todays_report_is_not_overdue_before_midnight():
    assert overdue_days([MON, TUE, WED], {MON}, day=WED) == [TUE]


@pytest.mark.parametrize(
    ("oldest", "today", "kind"),
    [
        (MON, MON, None),
        (MON, TUE, NoticeKind.REMIND),
        (MON, WED, NoticeKind.REMIND),
        (MON, THU, NoticeKind.ESCALATE),
        (FRI, NEXT_MON, NoticeKind.REMIND),
    ],
)
def test_one_day_late_reminds_the_agency_and_three_tell_the_officer(oldest, today, kind):
    assert notice_kind([oldest], day=today) == kind


def test_nothing_overdue_means_no_notice():
    assert notice_kind([], day=THU) is None


def test_a_gap_is_escalated_once_then_the_agency_is_reminded_until_it_is_filled():
    assert notice_kind([MON, TUE], day=FRI, escalated={MON}) == NoticeKind.REMIND
    assert notice_kind([TUE], day=FRI, escalated={MON}) == NoticeKind.ESCALATE


@pytest.mark.parametrize(("escalations", "card"), [(0, False), (1, False), (2, True), (3, True)])
def test_the_second_escalation_in_a_month_earns_a_yellow_card(escalations, card):
    assert is_yellow_card_due(escalations) is card


def test_a_project_has_one_notice_key_per_day():
    assert daily_notice_key(7, WED) == "daily:7:2026-06-03"


def test_a_reminder_lists_the_missing_days():
    text = compose_daily_notice(
        NoticeKind.REMIND,
        project_title="长者食堂",
        agency_name="青禾社工",
        overdue=[MON, TUE],
        day=WED,
        yellow_card=False,
    )
    assert text.subject == "【日报告提醒】「长者食堂」缺交 2 天"
    assert "6月1日、6月2日" in text.body and "黄牌" not in text.body


def test_an_escalation_says_how_late_and_mentions_the_yellow_card():
    text = compose_daily_notice(
        NoticeKind.ESCALATE,
        project_title="长者\n食堂",
        agency_name="青禾社工",
        overdue=[MON],
        day=THU,
        yellow_card=True,
    )
    assert text.subject == "【日报告督办】「长者 食堂」已逾期 3 个工作日"
    assert "街道" in text.body and "记黄牌一次" in text.body


def test_a_long_gap_lists_the_first_ten_days_and_the_count():
    days = [date(2026, 6, d) for d in range(1, 20) if date(2026, 6, d).weekday() < 5]
    text = compose_daily_notice(
        NoticeKind.REMIND,
        project_title="x",
        agency_name="y",
        overdue=days,
        day=date(2026, 6, 22),
        yellow_card=False,
    )
    assert f"等 {len(days)} 天" in text.body


def test_a_held_tranche_notice_names_the_grade_and_amount():
    text = compose_tranche_held(
        project_title="x",
        agency_name="y",
        seq=2,
        amount="3,600.00",
        grade="不合格",
        month="2026-08",
    )
    assert "第 2 期" in text.subject and "3,600.00 元" in text.body and "不合格" in text.body


# Missed stretches and days off (issue #15).

WEEK2 = [date(2026, 6, d) for d in range(8, 13)]
FORTNIGHT = [MON, TUE, WED, THU, FRI, *WEEK2]


def test_a_day_reported_on_time_ends_a_missed_stretch():
    on_time = {THU, FRI}
    assert missed_stretches(FORTNIGHT, on_time, day=date(2026, 6, 11)) == [
        (MON, TUE, WED),
        (date(2026, 6, 8), date(2026, 6, 9), date(2026, 6, 10)),
    ]


def test_a_day_back_filled_late_stays_in_its_stretch():
    assert missed_stretches([MON, TUE, WED], set(), day=THU) == [(MON, TUE, WED)]


def test_a_second_stretch_is_escalated_although_the_first_was_never_back_filled():
    day = date(2026, 6, 11)
    overdue = [MON, TUE, WED, *WEEK2[:3]]
    stretches = missed_stretches(FORTNIGHT, {THU, FRI}, day=day)
    assert gap_to_escalate(overdue, day=day, escalated={MON}, stretches=stretches) == WEEK2[0]
    kind = notice_kind(overdue, day=day, escalated={MON}, stretches=stretches)
    assert kind == NoticeKind.ESCALATE


def test_back_filling_part_of_an_escalated_stretch_does_not_escalate_it_again():
    stretches = missed_stretches([MON, TUE, WED, THU, FRI], set(), day=FRI)
    assert notice_kind([TUE, WED], day=FRI, escalated={MON}, stretches=stretches) == (
        NoticeKind.REMIND
    )


def test_a_fully_back_filled_stretch_is_no_longer_a_gap():
    stretches = [(MON, TUE, WED)]
    assert gap_to_escalate([], day=date(2026, 6, 10), stretches=stretches) is None


def test_a_holiday_does_not_count_towards_lateness():
    dragon_boat = date(2026, 6, 19)
    thu, mon = date(2026, 6, 18), date(2026, 6, 22)
    assert working_days_after(thu, mon, off={dragon_boat}) == 1
    assert notice_kind([thu], day=date(2026, 6, 23), off={dragon_boat}) == NoticeKind.REMIND
    assert notice_kind([thu], day=date(2026, 6, 24), off={dragon_boat}) == NoticeKind.ESCALATE
