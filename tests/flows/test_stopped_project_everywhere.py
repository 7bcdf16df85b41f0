"""One number everywhere, for a project stopped mid-month: every reader ends its run the same day.

A project is terminated (or suspended) on Wednesday 2026-06-17. Before that it
filed every working day, except 06-10 (missing) and 06-11 (sent the next
morning: late). Every reader counts its June as twelve days due (06-01 to
06-16; the stop day is not due), ten on time, one late and one missing, and
nothing due after: the evening check, the weekly agenda, the monthly measures,
the final measures, the headline figures, the heat map, the project's
calendar, the API's missing days and the monthly report's daily chart. They all
read one rule, `models.report_calendar.ProjectRun.due_days`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flows.closing.final_measures import measure_final, measure_finals
from flows.monitoring.daily_check import check_day
from flows.monitoring.monthly_measures import measure_month
from flows.monitoring.report_contexts import assessment_contexts
from flows.monitoring.weekly_meeting import build_agenda
from models.final_evaluation import FinalEvaluation
from models.monitoring import DailyReport, MonthlyEvaluation
from models.project import Project
from models.status import ProjectStatus, Role
from services.figures import report_heatmap, reports_due
from services.project_pages import month_calendar
from settings import Settings
from store import days_off
from store.accounts import add_account, add_api_token
from store.project_pages import get_project_row
from tests.monitoring_builders import (
    MONTH_TARGETS,
    SHANGHAI,
    build_running_cycle,
    evening,
    store_report,
    working_days,
)
from web.app import create_app

STOPPED_ON = date(2026, 6, 17)  # a Wednesday
MISSING = date(2026, 6, 10)
LATE = date(2026, 6, 11)  # sent at 10:00 the next morning
WEEKS = [date(2026, 6, 1) + timedelta(weeks=n) for n in range(5)]  # June 1 .. July 5


@dataclass(frozen=True)
class Counts:
    """Daily reports due, on time, late and missing."""

    due: int
    on_time: int
    late: int
    missing: int


JUNE = Counts(due=12, on_time=10, late=1, missing=1)
NOTHING = Counts(0, 0, 0, 0)


def build_stopped_june(session: Session, status: ProjectStatus) -> tuple[int, int]:
    cycle = build_running_cycle(session, projects=1)
    project_id = cycle.project_ids[0]
    for day in working_days(date(2026, 6, 1), STOPPED_ON - timedelta(days=1)):
        if day == LATE:
            store_report(session, project_id, day, sent=evening(day + timedelta(days=1), 10))
        elif day != MISSING:
            store_report(session, project_id, day)
    project = session.get(Project, project_id)
    assert project is not None
    project.status, project.status_on = status, STOPPED_ON
    session.add(project)
    session.commit()
    return cycle.cycle_id, project_id


def of_states(states: list[str], *, on_time: str, late: str, missing: str) -> Counts:
    """Count a row of day states the way each reader names them."""
    found = Counter(states)
    due = found[on_time] + found[late] + found[missing]
    return Counts(due, found[on_time], found[late], found[missing])


def of_measures(row: MonthlyEvaluation | FinalEvaluation) -> Counts:
    submitted = row.reports_submitted
    return Counts(
        row.reports_expected,
        submitted - row.reports_late,
        row.reports_late,
        row.reports_expected - submitted,
    )


def agenda_counts(session: Session, cycle_id: int, week: date) -> tuple[Counts, int]:
    """The week's counts on its agenda, as its Monday meeting saw them, and how many projects."""
    held = datetime.combine(week + timedelta(days=7), datetime.min.time(), SHANGHAI)
    progress = build_agenda(session, cycle_id, week, as_of=held + timedelta(hours=9))["progress"]
    due = sum(line["reports_expected"] for line in progress)
    on_time = sum(line["reports_on_time"] for line in progress)
    late = sum(line["reports_late"] for line in progress)
    return Counts(due, on_time, late, due - on_time - late), len(progress)


def final_counts(session: Session, cycle_id: int, project_id: int, status: str) -> Counts:
    """The final measures: measured at the close for a suspended project, alone for a terminated one."""
    session.expire_all()
    if status == ProjectStatus.SUSPENDED:
        measure_finals.fn(cycle_id, date(2026, 11, 30), SHANGHAI)
        session.expire_all()
        return of_measures(session.exec(select(FinalEvaluation)).one())
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
    return of_measures(final)


def api_missing_days(
    session: Session, database_url: str, tmp_path: Path, project_id: int
) -> list[list[str]]:
    """The agency's missing days over the API, for June and for June to August."""
    project = session.get(Project, project_id)
    assert project is not None
    account = add_account(
        session,
        login="agency",
        password="correct-horse-1",
        name="机构",
        role=Role.AGENCY,
        agency_id=project.agency_id,
    )
    token = add_api_token(session, account_id=account.id or 0, now=datetime.now(UTC))
    session.commit()
    settings = Settings(
        database_url=database_url, output_dir=tmp_path / "output", var_dir=tmp_path / "var"
    )
    found = []
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        for last in ("2026-06-30", "2026-08-31"):
            answer = client.get(
                f"/api/projects/{project_id}/missing-days",
                params={"first": "2026-06-01", "last": last},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status_code == 200, answer.text
            found.append(answer.json()["missing"])
    return found


@pytest.mark.parametrize("status", [ProjectStatus.TERMINATED, ProjectStatus.SUSPENDED])
def test_every_reader_counts_a_month_a_project_stopped_in_up_to_the_day_before_it_stopped(
    session: Session, database_url: str, tmp_path: Path, status: ProjectStatus
) -> None:
    cycle_id, project_id = build_stopped_june(session, status)

    # The evening check: the last evening before the stop sees the month's twelve due days,
    # and the whole month's plan due by then; from the stop day on it checks nothing.
    [check] = check_day.fn(cycle_id, date(2026, 6, 16), evening(date(2026, 6, 16), 20))[0]
    assert check.overdue == (MISSING,)
    assert check.late_this_month == JUNE.late
    assert check.compliance_percent == round(100 * JUNE.on_time / JUNE.due)
    assert check.planned_to_date == MONTH_TARGETS["服务人次"]
    for after in (STOPPED_ON, date(2026, 6, 30), date(2026, 7, 15)):
        assert check_day.fn(cycle_id, after, evening(after, 20))[0] == []

    # The weekly agendas: listed for the three weeks it ran a day of, then no more.
    weeks = [agenda_counts(session, cycle_id, week) for week in WEEKS]
    assert [listed for _, listed in weeks] == [1, 1, 1, 0, 0]
    assert weeks[2][0] == Counts(due=2, on_time=2, late=0, missing=0)  # 06-15 and 06-16
    summed = [sum(getattr(c, f) for c, _ in weeks) for f in ("due", "on_time", "late", "missing")]
    assert Counts(*summed) == JUNE

    # The monthly measures.
    measure_month.fn(cycle_id, "2026-06", [project_id])
    session.expire_all()
    assert of_measures(session.exec(select(MonthlyEvaluation)).one()) == JUNE

    # The monthly report's daily chart, built as the batch builds it.
    [(_, context)] = assessment_contexts(
        session,
        cycle_id=cycle_id,
        month="2026-06",
        project_ids=[project_id],
        weights={},
        today=date(2026, 7, 3),
        tz=SHANGHAI,
    )
    chart = [p.state for p in context.daily_points]
    assert of_states(chart, on_time="on_time", late="late", missing="missing") == JUNE
    assert {p.state for p in context.daily_points if p.day >= STOPPED_ON} == {"not_due"}

    # The final measures.
    assert final_counts(session, cycle_id, project_id, status) == JUNE

    # The headline figures, for June and for the whole run to its end date.
    for last in (date(2026, 6, 30), date(2026, 11, 30)):
        figures = reports_due(
            session, cycle_id=cycle_id, first=date(2026, 6, 1), last=last, tz=SHANGHAI
        )
        assert Counts(figures.due, figures.on_time, figures.late, figures.missing) == JUNE

    # The officer's heat map, June and July.
    [row] = report_heatmap(session, cycle_id=cycle_id, month="2026-06", tz=SHANGHAI)["rows"]
    assert of_states(row["cells"], on_time="ontime", late="late", missing="missing") == JUNE
    assert (row["due"], row["ontime"]) == (JUNE.due, JUNE.on_time)
    [july] = report_heatmap(session, cycle_id=cycle_id, month="2026-07", tz=SHANGHAI)["rows"]
    assert of_states(july["cells"], on_time="ontime", late="late", missing="missing") == NOTHING
    assert july["due"] == 0

    # The project's calendar.
    found = get_project_row(session, project_id)
    assert found is not None
    cells, _ = month_calendar(session, found, "2026-06", datetime(2026, 7, 2, 9, tzinfo=SHANGHAI))
    calendar = [c.state for c in cells]
    assert of_states(calendar, on_time="filed", late="late", missing="missing") == JUNE
    states = {c.day: c.state for c in cells}
    assert states[MISSING] == "missing"
    assert states[STOPPED_ON] == states[date(2026, 6, 30)] == "off"

    # The API: the agency is asked for the one missing day, not for the days after the stop.
    assert api_missing_days(session, database_url, tmp_path, project_id) == [
        [MISSING.isoformat()],
        [MISSING.isoformat()],
    ]
