"""One number everywhere, for a project stopped mid-month: it stops counting on the day it stopped.

A project terminated (or suspended) on Wednesday 2026-06-17 filed every working
day before it but 06-10. Every reader counts its June as twelve days due (06-01
to 06-16: the day it stopped is not due), eleven filed and one missing, and
nothing due after: the evening check, the monthly measures, the final measures,
the headline figures, the officer's heat map and the project's calendar.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import Session, select

from flows.closing.final_measures import measure_final, measure_finals
from flows.monitoring.daily_check import check_day
from flows.monitoring.monthly_measures import measure_month
from models.final_evaluation import FinalEvaluation
from models.monitoring import DailyReport, MonthlyEvaluation
from models.project import Project
from models.status import ProjectStatus
from services.figures import report_heatmap, reports_due
from services.project_pages import month_calendar
from store import days_off
from store.project_pages import get_project_row
from tests.monitoring_builders import (
    SHANGHAI,
    build_running_cycle,
    evening,
    store_report,
    working_days,
)

STOPPED_ON = date(2026, 6, 17)
MISSING = date(2026, 6, 10)
COUNTS = {"due": 12, "submitted": 11, "late": 0, "missing": 1}


def build_stopped_june(session: Session, status: ProjectStatus) -> tuple[int, int]:
    cycle = build_running_cycle(session, projects=1)
    project_id = cycle.project_ids[0]
    for day in working_days(date(2026, 6, 1), STOPPED_ON - date.resolution):
        if day != MISSING:
            store_report(session, project_id, day)
    project = session.get(Project, project_id)
    assert project is not None
    project.status, project.status_on = status, STOPPED_ON
    session.add(project)
    session.commit()
    return cycle.cycle_id, project_id


@pytest.mark.parametrize("status", [ProjectStatus.TERMINATED, ProjectStatus.SUSPENDED])
def test_every_count_of_a_month_a_project_stopped_in_ends_the_day_before_it_stopped(
    session: Session, status: ProjectStatus
) -> None:
    cycle_id, project_id = build_stopped_june(session, status)

    # The evening check: the evening before the stop sees June so far; after it, nothing is due.
    [check] = check_day.fn(cycle_id, date(2026, 6, 16), evening(date(2026, 6, 16), 20))[0]
    assert check.overdue == (MISSING,)
    assert check.compliance_percent == round(100 * 11 / 12)
    assert check_day.fn(cycle_id, date(2026, 6, 30), evening(date(2026, 6, 30), 20))[0] == []

    # The monthly measures.
    measure_month.fn(cycle_id, "2026-06", [project_id])
    session.expire_all()
    measured = session.exec(select(MonthlyEvaluation)).one()
    assert (measured.reports_expected, measured.reports_submitted, measured.reports_late) == (
        COUNTS["due"],
        COUNTS["submitted"],
        COUNTS["late"],
    )

    # The headline figures, for June and for the whole run to the end date.
    for last in (date(2026, 6, 30), date(2026, 11, 30)):
        figures = reports_due(
            session, cycle_id=cycle_id, first=date(2026, 6, 1), last=last, tz=SHANGHAI
        )
        assert (figures.due, figures.submitted, figures.missing) == (12, 11, 1)

    # The final measures: a suspended project is measured at the close, a terminated one is
    # not, but measured alone it counts the same.
    session.expire_all()
    if status == ProjectStatus.SUSPENDED:
        measure_finals.fn(cycle_id, date(2026, 11, 30), SHANGHAI)
        session.expire_all()
        final = session.exec(select(FinalEvaluation)).one()
    else:
        project = session.get(Project, project_id)
        reports = session.exec(select(DailyReport).where(DailyReport.project_id == project_id))
        final = measure_final(
            project,  # type: ignore[arg-type]
            list(reports),
            period_end=date(2026, 11, 30),
            monthly=[],
            budget={},
            targets={},
            cited=[],
            yellow_cards=0,
            tz=SHANGHAI,
            run=days_off.list_report_runs(session, cycle_id=cycle_id)[project_id],
        )
    assert (final.reports_expected, final.reports_submitted, final.reports_late) == (12, 11, 0)

    # The officer's heat map: no 缺报 from the day it stopped.
    [row] = report_heatmap(session, cycle_id=cycle_id, month="2026-06", tz=SHANGHAI)["rows"]
    assert (row["due"], row["ontime"], row["cells"].count("missing")) == (12, 11, 1)
    [july] = report_heatmap(session, cycle_id=cycle_id, month="2026-07", tz=SHANGHAI)["rows"]
    assert july["due"] == 0 and july["cells"].count("missing") == 0

    # The project's calendar.
    found = get_project_row(session, project_id)
    assert found is not None
    now = datetime(2026, 7, 2, 9, tzinfo=SHANGHAI)
    cells, _ = month_calendar(session, found, "2026-06", now)
    states = {c.day: c.state for c in cells}
    assert states[MISSING] == "missing"
    assert states[STOPPED_ON] == states[date(2026, 6, 30)] == "off"
    assert sum(1 for c in cells if c.state in ("filed", "late", "missing")) == COUNTS["due"]
