"""The evening check: reminders by e-mail to a real SMTP sink, escalation, yellow cards, re-runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlmodel import Session, select

from flows.monitoring.daily_check import check_day, check_project, daily_check
from flows.monitoring.notices import send_notices
from models.call import Call
from models.monitoring import ExcusedDay, Notice, YellowCard
from models.project import Project
from tests.monitoring_builders import (
    SHANGHAI,
    SmtpSink,
    build_running_cycle,
    evening,
    free_port,
    store_report,
    working_days,
)

MON, TUE, WED, THU, FRI = (date(2026, 6, d) for d in range(1, 6))


@pytest.fixture
def sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpSink]:
    """A local SMTP server the flows are pointed at, with an officer to tell."""
    from aiosmtpd.controller import Controller

    handler, port = SmtpSink(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("GONGYI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("GONGYI_SMTP_PORT", str(port))
    monkeypatch.setenv("GONGYI_OFFICER_EMAIL", "officer@street.example")
    yield handler
    controller.stop()


def run_check(day: date) -> list[str]:
    """Check `day` as its evening saw it and send the notices; return the notice keys."""
    _, keys, _ = check_day.fn(1, day, datetime.combine(day, evening(day).timetz()).replace(hour=20))
    send_notices.fn(keys)
    return keys


def notices(session: Session) -> list[Notice]:
    session.expire_all()
    return list(session.exec(select(Notice).order_by(Notice.id)))


def report_every_day(session: Session, project_id: int, days: list[date]) -> None:
    for day in days:
        store_report(session, project_id, day)


def test_a_report_one_working_day_late_gets_the_agency_a_reminder(
    session: Session, sink: SmtpSink
) -> None:
    cycle = build_running_cycle(session, projects=2)
    report_every_day(session, cycle.project_ids[0], [MON, TUE])
    store_report(session, cycle.project_ids[1], TUE)
    run_check(TUE)
    [message] = sink.messages
    assert message["To"] == "agency2@example.org"
    assert message["Subject"] == "【日报告提醒】「测试项目2」缺交 1 天"
    assert "6月1日" in message.get_content()


def test_three_working_days_late_tells_the_officer_as_well(
    session: Session, sink: SmtpSink
) -> None:
    build_running_cycle(session, projects=1)
    run_check(THU)
    [message] = sink.messages
    assert message["To"] == "agency1@example.org, officer@street.example"
    assert message["Subject"] == "【日报告督办】「测试项目1」已逾期 3 个工作日"


def test_running_the_check_again_that_evening_sends_nothing_more(
    session: Session, sink: SmtpSink
) -> None:
    cycle = build_running_cycle(session, projects=1)
    assert cycle.project_ids
    run_check(TUE)
    run_check(TUE)
    run_check(TUE)
    assert len(sink.messages) == 1
    assert [n.key for n in notices(session)] == [f"daily:{cycle.project_ids[0]}:2026-06-02"]


def test_a_gap_is_escalated_once_and_the_agency_reminded_while_it_lasts(
    session: Session, sink: SmtpSink
) -> None:
    build_running_cycle(session, projects=1)
    for day in (TUE, WED, THU, FRI, date(2026, 6, 8)):
        run_check(day)
    subjects = [m["Subject"][:7] for m in sink.messages]
    assert subjects == [
        "【日报告提醒】",
        "【日报告提醒】",
        "【日报告督办】",
        "【日报告提醒】",
        "【日报告提醒】",
    ]


def test_a_second_gap_escalated_in_a_month_puts_a_yellow_card_on_the_agency(
    session: Session, sink: SmtpSink
) -> None:
    cycle = build_running_cycle(session, projects=1)
    project = cycle.project_ids[0]
    run_check(THU)  # 6-01 missing for three working days: first escalation
    report_every_day(session, project, working_days(MON, date(2026, 6, 12)))
    run_check(date(2026, 6, 12))
    assert session.exec(select(YellowCard)).all() == []
    run_check(date(2026, 6, 18))  # 6-15 missing for three working days: the repeat
    [card] = session.exec(select(YellowCard)).all()
    assert (card.agency_id, card.month, card.issued_on) == (
        cycle.agency_ids[0],
        "2026-06",
        date(2026, 6, 18),
    )
    assert "记黄牌一次" in sink.messages[-1].get_content()
    run_check(date(2026, 6, 18))
    assert len(session.exec(select(YellowCard)).all()) == 1


def test_without_an_smtp_server_notices_wait_and_go_out_once_one_is_set(
    session: Session, monkeypatch: pytest.MonkeyPatch, sink: SmtpSink
) -> None:
    build_running_cycle(session, projects=1)
    monkeypatch.setenv("GONGYI_SMTP_HOST", "")
    keys = run_check(TUE)
    [waiting] = notices(session)
    assert (waiting.status, waiting.error) == (
        "unsent",
        "未配置邮件服务器（GONGYI_SMTP_HOST），通知未发送",
    )
    monkeypatch.setenv("GONGYI_SMTP_HOST", "127.0.0.1")
    send_notices.fn(keys)
    send_notices.fn(keys)
    assert len(sink.messages) == 1
    assert notices(session)[0].status == "sent"


def test_an_unreachable_smtp_server_marks_the_notice_failed(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_running_cycle(session, projects=1)
    monkeypatch.setenv("GONGYI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("GONGYI_SMTP_PORT", str(free_port()))
    run_check(TUE)
    [failed] = notices(session)
    assert failed.status == "failed" and "无法连接邮件服务器" in failed.error


def test_a_report_that_arrives_after_the_check_does_not_count_for_it(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    project = session.get(Project, cycle.project_ids[0])
    late = store_report(session, project.id, MON, sent=datetime(2026, 6, 2, 21, tzinfo=SHANGHAI))  # type: ignore[union-attr, arg-type]
    seen_at_eight = check_project(
        project, [late], day=TUE, as_of=evening(TUE, 20), month_target=200, escalated=set()
    )  # type: ignore[arg-type]
    seen_at_ten = check_project(
        project, [late], day=TUE, as_of=evening(TUE, 22), month_target=200, escalated=set()
    )  # type: ignore[arg-type]
    assert (seen_at_eight.overdue, seen_at_eight.kind) == ((MON,), "remind")
    assert (seen_at_ten.overdue, seen_at_ten.late_this_month) == ((), 1)


def test_the_check_keeps_running_visits_against_the_plan_to_date(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    project = session.get(Project, cycle.project_ids[0])
    reports = [
        store_report(session, project.id, d, people=5) for d in working_days(MON, date(2026, 6, 10))
    ]  # type: ignore[union-attr, arg-type]
    check = check_project(
        project,
        reports,
        day=date(2026, 6, 10),
        as_of=evening(date(2026, 6, 10), 20),
        month_target=220,
        escalated=set(),
    )  # type: ignore[arg-type]
    # 8 of June's 22 working days have passed: 80 of the month's 220 visits were planned.
    assert (check.served_to_date, check.planned_to_date, check.compliance_percent) == (40, 80, 100)


@pytest.mark.usefixtures("prefect_harness")
def test_catching_up_a_fortnight_as_a_flow_gives_what_each_evening_saw(
    session: Session, sink: SmtpSink
) -> None:
    cycle = build_running_cycle(session, projects=2)
    report_every_day(session, cycle.project_ids[0], working_days(MON, date(2026, 6, 12)))
    summary = daily_check(cycle.cycle_id, date(2026, 6, 12), MON)
    assert (summary.days_checked, summary.due, summary.reported) == (10, 2, 1)
    # The gap from 06-01 was escalated once (06-04); every other evening reminded the agency.
    assert (summary.escalated, summary.reminded, summary.reminders) == (1, 8, ("测试项目2",))
    assert summary.yellow_cards == ()
    again = daily_check(cycle.cycle_id, date(2026, 6, 12), MON)
    assert again.notices["sent"] == 0
    assert len(sink.messages) == summary.notices["sent"] == 9
    # Every evening checked is reported, not only the last.
    assert [f.day for f in summary.days] == working_days(MON, date(2026, 6, 12))
    assert [(f.due, f.reported, f.escalations) for f in summary.days][3] == (2, 1, 1)


def test_the_evenings_figures_are_a_markdown_table_that_titles_cannot_break() -> None:
    from flows.monitoring.daily_check import ProjectCheck, compliance_table

    check = ProjectCheck(1, "长者|食堂\n[链接](x)", True, False, 2, 80, (MON,), "remind", 40, 80)
    table = compliance_table(TUE, [check])
    assert "| 长者｜食堂 ［链接］(x) | 80% | 2 | 1 | 40 / 80 | 提醒机构 |" in table


def test_a_project_closed_at_the_close_is_not_due_after_it_and_is_told_nothing(
    session: Session, sink: SmtpSink
) -> None:
    from models.cycle_report import CycleClosing

    cycle = build_running_cycle(session, projects=2)
    closed = session.get(Project, cycle.project_ids[0])
    assert closed is not None
    closed.status = "completed"
    session.add(closed)
    session.add(CycleClosing(cycle_id=cycle.cycle_id, closed_on=WED, period_end=TUE))
    session.commit()
    store_report(session, cycle.project_ids[1], MON)
    store_report(session, cycle.project_ids[1], TUE)

    as_of = datetime.combine(THU, evening(THU).timetz()).replace(hour=20)
    checks, keys, _ = check_day.fn(cycle.cycle_id, THU, as_of)
    assert [c.project_id for c in checks] == [cycle.project_ids[1]]

    # A day before the close, checked again afterwards, still counts it as due, but no notice.
    checks, keys, _ = check_day.fn(
        cycle.cycle_id, TUE, datetime.combine(TUE, evening(TUE).timetz()).replace(hour=20)
    )
    due = {c.project_id: c.due_today for c in checks}
    assert due == {cycle.project_ids[0]: True, cycle.project_ids[1]: True}
    send_notices.fn(keys)
    assert keys == [] and sink.messages == []
    assert all(n.project_id != closed.id for n in notices(session))


def test_a_terminated_project_owes_reports_only_before_the_day_it_ended(session: Session) -> None:
    cycle = build_running_cycle(session, projects=2)
    ended = session.get(Project, cycle.project_ids[0])
    assert ended is not None
    ended.status, ended.status_on = "terminated", WED
    session.add(ended)
    session.commit()

    def checked(day: date) -> list[int]:
        as_of = datetime.combine(day, evening(day).timetz()).replace(hour=20)
        return [c.project_id for c in check_day.fn(cycle.cycle_id, day, as_of)[0]]

    assert checked(TUE) == list(cycle.project_ids)
    assert checked(WED) == checked(THU) == [cycle.project_ids[1]]


# Business dates: arrival time, excused days, holidays, missed stretches (issue #15).

DRAGON_BOAT = date(2026, 6, 19)


def give_holidays(session: Session, *days: date) -> None:
    call = session.exec(select(Call)).one()
    evaluation = {**call.rules["evaluation"], "holidays": [d.isoformat() for d in days]}
    call.rules = {**call.rules, "evaluation": evaluation}
    session.add(call)
    session.commit()


def excuse(session: Session, project_id: int, *days: date) -> None:
    for day in days:
        session.add(
            ExcusedDay(project_id=project_id, day=day, reason="场地维修", excused_at=evening(MON))
        )
    session.commit()


def test_a_paper_form_received_on_its_day_counts_that_evening_and_is_not_late(
    session: Session,
) -> None:
    cycle = build_running_cycle(session, projects=1)
    project = session.get(Project, cycle.project_ids[0])
    paper = store_report(session, project.id, MON, sent=evening(date(2026, 6, 8), 10))  # type: ignore[union-attr, arg-type]
    paper.received_at = evening(MON, 19)
    check = check_project(
        project, [paper], day=TUE, as_of=evening(TUE, 20), month_target=200, escalated=set()
    )  # type: ignore[arg-type]
    assert (check.overdue, check.late_this_month, check.kind) == ((), 0, "")


def test_an_excused_day_is_neither_missing_nor_late_nor_noticed(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    excuse(session, cycle.project_ids[0], MON, TUE, WED)
    checks, keys, _ = check_day.fn(1, THU, evening(THU, 20))
    assert (checks[0].overdue, checks[0].kind, checks[0].compliance_percent) == ((), "", 100)
    assert keys == []


def test_a_public_holiday_is_not_due_nor_counted_in_lateness(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    give_holidays(session, DRAGON_BOAT)
    thu, mon, tue = date(2026, 6, 18), date(2026, 6, 22), date(2026, 6, 23)
    report_every_day(session, cycle.project_ids[0], working_days(MON, date(2026, 6, 17)))
    checks, _, _ = check_day.fn(1, mon, evening(mon, 20))
    # 06-18 is missing; 端午 (06-19) is not: one working day behind, a reminder only.
    assert (checks[0].overdue, checks[0].kind) == ((thu,), "remind")
    checks, _, _ = check_day.fn(1, tue, evening(tue, 20))
    assert checks[0].kind == "remind"


def test_a_second_missed_stretch_earns_a_yellow_card_without_back_filling_the_first(
    session: Session, sink: SmtpSink
) -> None:
    cycle = build_running_cycle(session, projects=1)
    project = cycle.project_ids[0]
    run_check(THU)  # 06-01.. missing: first escalation
    report_every_day(session, project, [THU, FRI])  # on time again, nothing back-filled
    run_check(date(2026, 6, 11))  # 06-08.. missing three working days: a new stretch
    [card] = session.exec(select(YellowCard)).all()
    assert card.issued_on == date(2026, 6, 11) and "2026-06-08 起" in card.reason
    gaps = [n.overdue_since for n in notices(session) if n.kind == "escalate"]
    assert gaps == [MON, date(2026, 6, 8)]


@pytest.mark.usefixtures("prefect_harness")
def test_no_evening_is_checked_on_a_holiday(session: Session, sink: SmtpSink) -> None:
    cycle = build_running_cycle(session, projects=1)
    give_holidays(session, DRAGON_BOAT)
    summary = daily_check(cycle.cycle_id, date(2026, 6, 22), date(2026, 6, 18))
    assert [f.day for f in summary.days] == [date(2026, 6, 18), date(2026, 6, 22)]
