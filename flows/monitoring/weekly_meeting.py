"""Flow `weekly_meeting`: on Monday morning, build the street's 周例会 agenda from last week.

The agenda sets out, for every running project, the week's reports (due, on
time, late, counted as the evening check counts them: lateness on the arrival
time, the call's holidays and the project's excused days not due, nor the days
from the one a project stopped on: `models.report_calendar.ProjectRun.due_days`)
and 服务人次 against the week's share of the month's plan; the issues and risks agencies
raised; the action items past their due date; and the projects at risk, with
the reasons (`models.indicators.risk_reasons`). It is stored with the meeting and printed as the 周例会纪要 PDF, which gains
the minutes and new action items once they are recorded
(`flows.monitoring.meeting_minutes`). Running it again for a week replaces the agenda
and keeps the minutes.

The agenda is what was known when the meeting began (09:00 on the Monday it is
held), however late it is built: the projects then running, the reports then in
(each as its version of that moment; a paper form received by then counts as in,
though typed in later), the action items then open and the
yellow cards then issued. Running it again after the cycle has closed gives the
same agenda, not an empty one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from prefect import flow
from sqlmodel import Session

from flows.monitoring.minutes_report import write_minutes_pdf
from flows.runtime import get_now, get_tz, io_task, resolve_cycle, session_scope
from models.calendar import week_start as monday_of
from models.compliance import ReportStamp, arrival, measure_compliance
from models.evaluation import monthly_plan
from models.indicators import SERVICE_VISITS, month_index, risk_reasons
from models.monitoring import ActionItem, DailyReport, WeeklyMeeting
from models.project import Project
from models.report_calendar import ProjectRun
from models.status import ActionItemStatus
from store import agencies, awards, days_off, meetings, monitoring, notices, plans


@dataclass(frozen=True)
class MeetingSummary:
    """The week's agenda in figures, and the PDF written."""

    week_start: date
    held_on: date
    headline: str
    issues: int
    overdue_items: int
    at_risk: tuple[str, ...]
    pdf: str


def _week_plan(
    project: Project,
    targets: dict[int, dict[str, int]],
    week_start: date,
    off: Collection[date] = (),
    run: ProjectRun | None = None,
) -> int:
    # The week's share of the month's plan, over the days of the month the project is due.
    run = run or ProjectRun.of(project)
    month = week_start.strftime("%Y-%m")
    first = week_start.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    planned = targets.get(month_index(project.starts_on, month), {}).get(
        SERVICE_VISITS, monthly_plan(project.people_planned, project.months)
    )
    in_month = len(run.due_days(first, last, off=off)) or 1
    return (
        planned * len(run.due_days(week_start, week_start + timedelta(days=6), off=off)) // in_month
    )


def project_week(
    project: Project,
    reports: list[DailyReport],
    *,
    week_start: date,
    planned: int,
    agency: str,
    off: Collection[date] = (),
    run: ProjectRun | None = None,
) -> dict[str, Any]:
    """Sum up one project's week for the agenda; `off` holds its days off (not due).

    `run` (default: the project's own) says until when reports are due.
    """
    week_end = week_start + timedelta(days=6)
    due = (run or ProjectRun.of(project)).due_days(week_start, week_end, off=off)
    stamps = [ReportStamp.of(r) for r in reports]
    compliance = measure_compliance(due, stamps, tz=get_tz())
    return {
        "project_title": project.title,
        "agency_name": agency,
        "reports_expected": compliance.expected,
        "reports_on_time": compliance.submitted - compliance.late,
        "reports_late": compliance.late,
        "people_served": sum(r.people_served for r in reports),
        "people_planned": planned,
        "compliance_percent": compliance.percent,
    }


def _issues(project: Project, reports: list[DailyReport]) -> list[dict[str, str]]:
    rows = []
    for r in reports:
        for kind, text in (("问题", r.issues), ("风险", r.risks)):
            if text:
                rows.append(
                    {
                        "project_title": project.title,
                        "day": r.day.isoformat(),
                        "kind": kind,
                        "text": text,
                    }
                )
    return rows


def _running(
    session: Session, runs: dict[int, ProjectRun], first: date, last: date, *, cycle_id: int
) -> list[Project]:
    """The projects running in [first, last]: as they were then, not as they are now.

    A project ran until its last due day (`ProjectRun.last_due`: its end date, or the
    day before it was terminated, suspended or closed), so one stopped mid-week is on
    the agenda of each week it ran a day of, whatever its status now.
    """
    return [
        p
        for p in awards.list_projects(session, cycle_id=cycle_id)
        if p.starts_on <= last and runs[p.id or 0].last_due >= first
    ]


def _as_it_was(session: Session, report: DailyReport, as_of: datetime) -> DailyReport | None:
    """The version of a day's report that was current at `as_of` (None if none was in)."""
    if report.submitted_at <= as_of:
        return report
    if arrival(report) > as_of:
        return None
    versions = monitoring.list_report_versions(
        session, project_id=report.project_id, day=report.day
    )
    earlier = [v for v in versions if v.submitted_at <= as_of]
    # A paper form that had reached the office by then, though typed in later, was in.
    return earlier[-1] if earlier else versions[0]


def _reports_in(
    session: Session, ids: list[int], week_start: date, *, as_of: datetime
) -> dict[int, list[DailyReport]]:
    week = monitoring.list_project_reports(
        session, project_ids=ids, first=week_start, last=week_start + timedelta(days=6)
    )
    found: dict[int, list[DailyReport]] = {}
    for pid, own in week.items():
        then = (_as_it_was(session, r, as_of) for r in own)
        found[pid] = [r for r in then if r is not None]
    return found


def was_open(item: ActionItem, on: date) -> bool:
    """Whether an action item was still open when the meeting of `on` began."""
    return item.status == ActionItemStatus.OPEN or (
        item.closed_on is not None and item.closed_on >= on
    )


def _overdue(session: Session, cycle_id: int, week_start: date) -> list[ActionItem]:
    held_on = week_start + timedelta(days=7)
    raised = meetings.list_action_items(
        session, cycle_id=cycle_id, raised_by=held_on - timedelta(days=1)
    )
    return [i for i in raised if was_open(i, held_on) and i.due_on < held_on]


def _risk(
    line: dict[str, Any], own: list[DailyReport], *, cards: int, overdue: int
) -> dict[str, Any] | None:
    planned = line["people_planned"]
    reasons = risk_reasons(
        compliance_percent=line["compliance_percent"],
        progress=min(100.0, 100 * line["people_served"] / planned) if planned else 100.0,
        # Budget execution is judged monthly, against whole months of the plan.
        budget_flagged=False,
        yellow_cards=cards,
        overdue_items=overdue,
        risks_reported=sum(1 for r in own if r.risks),
    )
    if not reasons:
        return None
    return {
        "project_title": line["project_title"],
        "agency_name": line["agency_name"],
        "reasons": list(reasons),
    }


def _overdue_row(item: ActionItem, titles: dict[int, str]) -> dict[str, Any]:
    return {
        "seq": item.seq,
        "project_title": titles.get(item.project_id or 0, ""),
        "text": item.text,
        "owner": item.owner,
        "due_on": item.due_on.isoformat(),
    }


def _headline(progress: list[dict[str, Any]], at_risk: int) -> str:
    expected = sum(p["reports_expected"] for p in progress)
    late = sum(p["reports_late"] for p in progress)
    sent = sum(p["reports_on_time"] for p in progress) + late
    return f"本周日报告应交 {expected} 份，已交 {sent} 份，其中迟交 {late} 份；需要关注的项目 {at_risk} 个"


def build_agenda(
    session: Session, cycle_id: int, week_start: date, *, as_of: datetime
) -> dict[str, Any]:
    """Build the week's agenda from the reports in by `as_of`, action items and yellow cards."""
    week_end = week_start + timedelta(days=6)
    runs = days_off.list_report_runs(session, cycle_id=cycle_id)
    projects = _running(session, runs, week_start, week_end, cycle_id=cycle_id)
    ids = [p.id for p in projects]
    reports = _reports_in(session, ids, week_start, as_of=as_of)  # type: ignore[arg-type]
    targets = plans.list_month_targets(session, project_ids=ids)  # type: ignore[arg-type]
    # The days off of the week and of its first month (the week's share of the month's plan).
    month_first = week_start.replace(day=1)
    month_last = (month_first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    off = days_off.list_days_off(
        session,
        cycle_id=cycle_id,
        project_ids=ids,  # type: ignore[arg-type]
        first=month_first,
        last=max(month_last, week_end),
    )
    names = {a.id: a.name for a in agencies.list_agencies(session)}
    overdue = _overdue(session, cycle_id, week_start)
    month = week_end.strftime("%Y-%m")
    cards = Counter(
        c.project_id
        for c in notices.list_yellow_cards(session, cycle_id=cycle_id, month=month)
        if c.issued_on <= as_of.date()
    )
    progress, issues, at_risk = [], [], []
    for project in projects:
        own = reports.get(project.id, [])  # type: ignore[call-overload]
        own_off = off.get(project.id, frozenset())  # type: ignore[arg-type]
        run = runs[project.id or 0]
        plan = _week_plan(project, targets.get(project.id, {}), week_start, own_off, run)  # type: ignore[arg-type]
        line = project_week(
            project,
            own,
            week_start=week_start,
            planned=plan,
            agency=names.get(project.agency_id, ""),
            off=own_off,
            run=run,
        )
        progress.append(line)
        issues += _issues(project, own)
        late_items = sum(1 for i in overdue if i.project_id == project.id)
        if risk := _risk(line, own, cards=cards[project.id], overdue=late_items):
            at_risk.append(risk)
    titles = {p.id: p.title for p in projects}
    return {
        "headline": _headline(progress, len(at_risk)),
        "progress": progress,
        "issues": issues,
        "overdue": [_overdue_row(i, titles) for i in overdue],  # type: ignore[arg-type]
        "at_risk": at_risk,
    }


@io_task
def prepare_agenda(cycle_id: int, week_start: date) -> dict[str, Any]:
    """Build and store the week's agenda; keep minutes already recorded."""
    held_on = week_start + timedelta(days=7)
    # The agenda is what was known when the meeting began, however late it is built.
    as_of = min(get_now(), datetime.combine(held_on, time(9), get_tz()))
    with session_scope() as session:
        agenda = build_agenda(session, cycle_id, week_start, as_of=as_of)
        meetings.set_meeting_agenda(
            session,
            WeeklyMeeting(
                cycle_id=cycle_id,
                week_start=week_start,
                held_on=week_start + timedelta(days=7),
                agenda=agenda,
            ),
        )
        return agenda


@flow(name="weekly_meeting", log_prints=True)
def weekly_meeting(cycle_id: int | None = None, week_start: date | None = None) -> MeetingSummary:
    """Prepare the meeting about the week starting `week_start` (default: the week just ended)."""
    today = get_now().date()
    if week_start is None:
        week_start = monday_of(today) - timedelta(days=7)
    if week_start.weekday() != 0:
        raise ValueError(
            f"周例会按周一起算：{week_start} 是星期{'一二三四五六日'[week_start.weekday()]}"
        )
    cycle_id = resolve_cycle(cycle_id)
    agenda = prepare_agenda(cycle_id, week_start)
    pdf = write_minutes_pdf(cycle_id, week_start, today)
    summary = MeetingSummary(
        week_start,
        week_start + timedelta(days=7),
        agenda["headline"],
        len(agenda["issues"]),
        len(agenda["overdue"]),
        tuple(r["project_title"] for r in agenda["at_risk"]),
        pdf,
    )
    print(
        f"{week_start} 周例会：{summary.headline}；问题与风险 {summary.issues} 条，逾期待办 {summary.overdue_items} 项"
    )
    return summary
