"""The days off of a cycle's projects: the call's public holidays and each project's excused days.

No daily report is due on a day off (`models.compliance.due_days(..., off=...)`).
Every count of due, late and missing reports takes its days off from here, so
the evening check, the weekly agenda, the monthly and final measures and the
portal count the same days. `list_report_runs` gives each project's run as the
one rule of due days reads it (`models.report_calendar.ProjectRun`: the run ends
the day before the project stopped, when it stopped early).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select

from models.call_rules import read_call_rules
from models.cycle_report import CycleClosing
from models.project import Project
from models.report_calendar import ProjectRun
from store import calls, excused_days


def list_holidays(session: Session, *, cycle_id: int) -> frozenset[date]:
    """Return the public holidays the cycle's newest call lists (none before there is a call)."""
    try:
        call = calls.get_latest_call(session, cycle_id=cycle_id)
    except LookupError:
        return frozenset()
    return frozenset(read_call_rules(call.rules).holidays)


def list_days_off(
    session: Session,
    *,
    cycle_id: int,
    project_ids: Iterable[int],
    first: date | None = None,
    last: date | None = None,
) -> dict[int, frozenset[date]]:
    """Return each project's days off: the cycle's holidays and its excused days in [first, last]."""
    ids = list(project_ids)
    holidays = list_holidays(session, cycle_id=cycle_id)
    excused = excused_days.list_excused_days(session, project_ids=ids, first=first, last=last)
    return {pid: holidays | excused.get(pid, set()) for pid in ids}


def list_report_runs(session: Session, *, cycle_id: int) -> dict[int, ProjectRun]:
    """Return each of the cycle's projects' run, with its status date and the cycle's close date."""
    closed_on = session.exec(
        select(col(CycleClosing.closed_on)).where(CycleClosing.cycle_id == cycle_id)
    ).first()
    projects = session.exec(
        select(Project).where(Project.cycle_id == cycle_id).order_by(col(Project.id))
    )
    return {p.id or 0: ProjectRun.of(p, closed_on=closed_on) for p in projects}
