"""One number everywhere: every count of due, on-time, late and missing daily reports agrees.

A project's June has a public holiday from the call's rules (端午), a day the
office excused, a paper form typed in days later whose arrival time was on
its day, a late report and a missing one. The evening check, the weekly
agenda, the monthly measures, the final measures, the headline figures, the
heat map and the monthly report's daily chart must all count it the same way:
the holiday and the excused day are not due, the paper form is on time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from flows.closing.final_measures import measure_finals
from flows.monitoring.daily_check import check_day
from flows.monitoring.monthly_measures import measure_month
from flows.monitoring.report_contexts import day_points
from flows.monitoring.weekly_meeting import build_agenda
from models.call import Call
from models.final_evaluation import FinalEvaluation
from models.monitoring import DailyReport, ExcusedDay, MonthlyEvaluation
from models.project import Project
from services.figures import reports_due
from store import days_off
from tests.monitoring_builders import (
    SHANGHAI,
    build_running_cycle,
    evening,
    store_report,
    working_days,
)
from web.routes.officer import build_heatmap

DRAGON_BOAT = date(2026, 6, 19)  # a Friday: a holiday in the call's rules
EXCUSED = date(2026, 6, 10)  # a Wednesday the office excused
PAPER = date(2026, 6, 12)  # typed in on 06-16, received on its day
LATE = date(2026, 6, 17)  # sent the next morning
MISSING = date(2026, 6, 24)
WEEKS = [date(2026, 6, 1) + timedelta(weeks=n) for n in range(4)]  # June 1..28


def build_june(session: Session) -> tuple[int, int]:
    cycle = build_running_cycle(session, projects=1)
    project_id = cycle.project_ids[0]
    call = session.exec(select(Call)).one()
    evaluation = {**call.rules["evaluation"], "holidays": [DRAGON_BOAT.isoformat()]}
    call.rules = {**call.rules, "evaluation": evaluation}
    session.add(call)
    session.add(
        ExcusedDay(
            project_id=project_id, day=EXCUSED, reason="场地维修", excused_at=evening(EXCUSED)
        )
    )
    session.commit()
    skipped = {DRAGON_BOAT, EXCUSED, MISSING, PAPER, LATE}
    for day in working_days(date(2026, 6, 1), date(2026, 6, 30)):
        if day not in skipped:
            store_report(session, project_id, day)
    paper = store_report(session, project_id, PAPER, sent=evening(date(2026, 6, 16), 10))
    paper.received_at = evening(PAPER, 19)
    session.add(paper)
    store_report(session, project_id, LATE, sent=evening(LATE + timedelta(days=1), 10))
    session.commit()
    return cycle.cycle_id, project_id


def test_every_count_of_a_month_with_a_holiday_an_excuse_and_a_paper_form_agrees(
    session: Session,
) -> None:
    cycle_id, project_id = build_june(session)
    # June: 22 weekdays, less 端午 and the excused day = 20 due; 06-24 missing; 06-17 late.
    month = {"due": 20, "submitted": 19, "late": 1, "on_time": 18, "missing": 1}
    # June 1..28 (four whole weeks): 18 due, the same late and missing days.
    weeks = {"due": 18, "submitted": 17, "late": 1, "on_time": 16, "missing": 1}

    off = days_off.list_days_off(session, cycle_id=cycle_id, project_ids=[project_id])
    assert off[project_id] == {DRAGON_BOAT, EXCUSED}

    # The evening check (the reference): at the month's end and on the last Sunday.
    for day, expected in ((date(2026, 6, 30), month), (date(2026, 6, 28), weeks)):
        [check] = check_day.fn(cycle_id, day, evening(day, 20))[0]
        assert check.overdue == (MISSING,)
        assert check.late_this_month == expected["late"]
        assert check.compliance_percent == round(100 * expected["on_time"] / expected["due"])

    # The monthly measures.
    measure_month.fn(cycle_id, "2026-06", [project_id])
    session.expire_all()
    measured = session.exec(select(MonthlyEvaluation)).one()
    assert (measured.reports_expected, measured.reports_submitted, measured.reports_late) == (
        month["due"],
        month["submitted"],
        month["late"],
    )

    # The weekly agendas of June's four whole weeks, each built as its Monday meeting saw it:
    # the paper form of 06-12, typed in after the meeting of 06-15, had reached the office.
    lines = [
        build_agenda(
            session,
            cycle_id,
            week,
            as_of=datetime.combine(week + timedelta(days=7), datetime.min.time(), SHANGHAI)
            + timedelta(hours=9),
        )["progress"][0]
        for week in WEEKS
    ]
    assert sum(line["reports_expected"] for line in lines) == weeks["due"]
    assert sum(line["reports_on_time"] for line in lines) == weeks["on_time"]
    assert sum(line["reports_late"] for line in lines) == weeks["late"]

    # The headline figures, for the month and for the four weeks.
    for last, expected in ((date(2026, 6, 30), month), (date(2026, 6, 28), weeks)):
        figures = reports_due(
            session,
            cycle_id=cycle_id,
            first=date(2026, 6, 1),
            last=last,
            tz=SHANGHAI,
            known_by=date(2026, 7, 1),
        )
        assert (figures.due, figures.submitted, figures.on_time, figures.missing) == (
            expected["due"],
            expected["submitted"],
            expected["on_time"],
            expected["missing"],
        )

    # The final measures over the period to June's end.
    measure_finals.fn(cycle_id, date(2026, 6, 30), SHANGHAI)
    session.expire_all()
    final = session.exec(select(FinalEvaluation)).one()
    assert (final.reports_expected, final.reports_submitted, final.reports_late) == (
        month["due"],
        month["submitted"],
        month["late"],
    )

    # The officer's heat map and the monthly report's daily chart.
    [row] = build_heatmap(session, cycle_id=cycle_id, month="2026-06", tz=SHANGHAI)["rows"]
    assert (row["due"], row["ontime"], row["cells"].count("late")) == (20, 18, 1)
    assert row["cells"].count("missing") == 1
    project = session.get(Project, project_id)
    reports = session.exec(select(DailyReport).where(DailyReport.project_id == project_id)).all()
    points = day_points(project, reports, month="2026-06", tz=SHANGHAI, off=off[project_id])  # type: ignore[arg-type]
    states = {p.day: p.state for p in points}
    assert states[DRAGON_BOAT] == states[EXCUSED] == "not_due"
    assert (states[PAPER], states[LATE], states[MISSING]) == ("on_time", "late", "missing")
    assert sum(1 for p in points if p.state != "not_due") == month["due"]
