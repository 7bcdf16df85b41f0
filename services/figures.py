"""The headline figures, one function each: every document, page and command calls these.

- `needs_by_domain`: the groups of needs per domain, pending ones (the
  classifier's suggestion, not yet confirmed) included and counted apart;
- `money_as_of` / `award_money_as_of`: raised, committed, paid, refunded and
  released, from ledger entries dated on or before the day;
- `people_reached`: distinct beneficiaries and 服务人次, with the plan beside;
- `reports_due`: daily reports due and those that arrived on time, counted as
  the evening check counts them (holidays and excused days not due, lateness
  on the arrival time a clerk gave, else the first entry);
- `report_heatmap`: the officer dashboard's month of cells per project, on the
  same due days (`models.report_calendar.ProjectRun.due_days`).

Each reads only what had happened by its `as_of` day (a report version or a
daily report counts once it arrived by the end of `known_by`), so a
document shows the figures of its own date however late it is rendered. The
arithmetic is in `models.figures`; the facts come from `store.figures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Any

from sqlmodel import Session

from models.calendar import month_bounds
from models.compliance import ReportStamp, due_days, is_late
from models.figures import (
    MoneyFigures,
    NeedsFigures,
    PeopleFigures,
    ProjectSpan,
    ReportFigures,
    count_needs,
    count_people,
    count_reports,
    current_versions,
    money_by_award,
    sum_money,
)
from models.project import Project
from models.status import ProjectStatus
from store import days_off, monitoring
from store import figures as facts


@dataclass(frozen=True)
class Headline:
    """Every headline figure of a cycle as of one day."""

    as_of: date
    needs: NeedsFigures
    money: MoneyFigures
    people: PeopleFigures
    reports: ReportFigures
    domains: int
    projects: int
    agencies: int


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max)


def _counted(project: Project, as_of: date) -> bool:
    # A terminated project drops out of the figures from the day it was terminated on
    # (from the start when that day is unknown).
    return project.status != ProjectStatus.TERMINATED or (
        project.status_on is not None and project.status_on > as_of
    )


def needs_by_domain(session: Session, *, cycle_id: int, as_of: date) -> NeedsFigures:
    """Count the cycle's needs per domain as of a day: groups, pending groups, residents.

    The one count of needs per domain: the needs survey, the street summary,
    the cycle report and the dashboard all show this.
    """
    keys = [key for _, key, _ in facts.list_domain_keys(session, cycle_id=cycle_id)]
    return count_needs(
        facts.list_need_facts(session, cycle_id=cycle_id), domain_keys=keys, as_of=as_of
    )


def money_as_of(session: Session, *, cycle_id: int, as_of: date) -> MoneyFigures:
    """Sum the fund's ledger entries dated on or before `as_of` (zeros when there is no fund)."""
    fund_id = facts.find_fund_id(session, cycle_id=cycle_id)
    if fund_id is None:
        return MoneyFigures(as_of=as_of)
    return sum_money(facts.list_dated_movements(session, fund_id=fund_id), as_of=as_of)


def award_money_as_of(session: Session, *, cycle_id: int, as_of: date) -> dict[int, MoneyFigures]:
    """Sum each award's commitments, payments, refunds and releases dated by `as_of`."""
    fund_id = facts.find_fund_id(session, cycle_id=cycle_id)
    if fund_id is None:
        return {}
    return money_by_award(facts.list_dated_movements(session, fund_id=fund_id), as_of=as_of)


def people_reached(
    session: Session,
    *,
    cycle_id: int,
    last: date,
    first: date | None = None,
    known_by: date | None = None,
    project_ids: set[int] | None = None,
) -> PeopleFigures:
    """Count distinct people reached and 服务人次 for service days in [first, last], with plans.

    A report counts in the version that had arrived by the end of `known_by`
    (default: `last`); terminated projects are left out unless `project_ids`
    names them.
    """
    projects = facts.list_project_facts(session, cycle_id=cycle_id)
    starts = {
        p.id or 0: p.starts_on
        for p in projects
        if (
            p.id in project_ids if project_ids is not None else p.status != ProjectStatus.TERMINATED
        )
    }
    versions = current_versions(
        facts.list_service_facts(session, cycle_id=cycle_id, first=first, last=last),
        known_by=_end_of(known_by or last),
    )
    return count_people(
        versions,
        facts.list_planned_kpis(session, cycle_id=cycle_id),
        starts_on=starts,
        first=first,
        last=last,
    )


def people_by_project(
    session: Session,
    *,
    cycle_id: int,
    last: date,
    first: date | None = None,
    known_by: date | None = None,
) -> dict[int, PeopleFigures]:
    """Count each project's people reached and 服务人次 in [first (or its start), last], with its plan."""
    projects = facts.list_project_facts(session, cycle_id=cycle_id)
    versions = current_versions(
        facts.list_service_facts(session, cycle_id=cycle_id, first=first, last=last),
        known_by=_end_of(known_by or last),
    )
    planned = facts.list_planned_kpis(session, cycle_id=cycle_id)
    return {
        p.id or 0: count_people(
            [v for v in versions if v.project_id == p.id],
            [k for k in planned if k.project_id == p.id],
            starts_on={p.id or 0: p.starts_on},
            first=first,
            last=last,
        )
        for p in projects
    }


def reports_due(
    session: Session,
    *,
    cycle_id: int,
    first: date,
    last: date,
    tz: tzinfo,
    known_by: date | None = None,
) -> ReportFigures:
    """Count the daily reports due in [first, last], those that arrived by `known_by`, and on time."""
    moment = _end_of(known_by or last)
    stamps = [
        (pid, stamp)
        for pid, stamp in facts.list_report_stamps(
            session, cycle_id=cycle_id, first=first, last=last
        )
        if stamp.arrived_at.replace(tzinfo=None) <= moment
    ]
    return count_reports(
        report_spans(session, cycle_id=cycle_id), stamps, first=first, last=last, tz=tz
    )


def report_spans(session: Session, *, cycle_id: int) -> list[ProjectSpan]:
    """List the days each of the cycle's projects reports on, by the one rule of due days.

    Each span ends on the project's last due day (`ProjectRun.last_due`: the day
    before it stopped, when it stopped before its end date) and carries its days off.
    """
    runs = days_off.list_report_runs(session, cycle_id=cycle_id)
    off = days_off.list_days_off(session, cycle_id=cycle_id, project_ids=list(runs))
    return [
        ProjectSpan(pid, run.starts_on, run.last_due, off=off[pid]) for pid, run in runs.items()
    ]


def headline(
    session: Session, *, cycle_id: int, as_of: date, tz: tzinfo, known_by: date | None = None
) -> Headline:
    """Return every headline figure of the cycle as of a day (reports and people since it began).

    `known_by` (default `as_of`) is the day by which a daily report must have
    arrived to count: a document issued after its period end counts the
    reports that reached the office by its issue date.
    """
    projects = [
        p for p in facts.list_project_facts(session, cycle_id=cycle_id) if _counted(p, as_of)
    ]
    first = min((p.starts_on for p in projects), default=as_of)
    return Headline(
        as_of=as_of,
        needs=needs_by_domain(session, cycle_id=cycle_id, as_of=as_of),
        money=money_as_of(session, cycle_id=cycle_id, as_of=as_of),
        people=people_reached(session, cycle_id=cycle_id, last=as_of, known_by=known_by),
        reports=reports_due(
            session, cycle_id=cycle_id, first=first, last=as_of, tz=tz, known_by=known_by
        ),
        domains=len({p.domain_id for p in projects}),
        projects=len(projects),
        agencies=len({p.agency_id for p in projects}),
    )


def report_heatmap(session: Session, *, cycle_id: int, month: str, tz: tzinfo) -> dict[str, Any]:
    """Return each project's row of on-time / late / missing cells for the month's working days.

    The cells count as the evening check counts: a day off (the call's holiday, the
    project's excused day) and a day after the project stopped (the day it was
    terminated included) are "off", and lateness is judged on the report's arrival.
    """
    first, last = month_bounds(month)
    days = due_days(first, last, starts_on=first, ends_on=last)
    runs = days_off.list_report_runs(session, cycle_id=cycle_id)
    off = days_off.list_days_off(
        session, cycle_id=cycle_id, project_ids=list(runs), first=first, last=last
    )
    filed = {
        (r.project_id, r.day): r
        for r in monitoring.list_daily_reports(session, cycle_id=cycle_id, first=first, last=last)
    }
    rows = []
    for project in facts.list_project_facts(session, cycle_id=cycle_id):
        pid = project.id or 0
        due = set(runs[pid].due_days(first, last, off=off.get(pid, frozenset())))
        cells: list[str] = []
        reports: list[int | None] = []
        for day in days:
            report = filed.get((pid, day))
            reports.append(report.id if report is not None else None)
            if day not in due:
                cells.append("off")
            elif report is None:
                cells.append("missing")
            else:
                cells.append("late" if is_late(ReportStamp.of(report), tz=tz) else "ontime")
        rows.append(
            {
                "id": project.id,
                "title": project.title,
                "cells": cells,
                "reports": reports,
                "ontime": cells.count("ontime"),
                "due": len(due),
            }
        )
    return {"month": month, "days": days, "rows": rows}
