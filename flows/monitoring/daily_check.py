"""Flow `daily_check`: each working evening, find missing and late 日报告, remind and escalate.

For every running project it measures month-to-date compliance (on time,
late, missing) and service progress against the month's plan, then climbs
the reminder ladder of `models.escalation`: the agency is reminded of a
report one working day overdue, the street officer is told at three, and a
second escalation in a month puts a yellow card on the agency's record.
Each project gets at most one notice a day, however often the check runs;
notices go out by e-mail (`flows.monitoring.notices`). A report counts from when it
reached the office (the arrival time a clerk gave for a paper form, else its first
entry: `models.compliance.arrival`), so checking past days again (`since`) gives what
each evening saw, and reports every day it checks. The call's holidays and the days
an officer excused a project (`ExcusedDay`) are not due: no evening is checked on a
holiday, and an excused day is never missing, late or counted towards a yellow card.
Which days are due is the one rule every count reads
(`models.report_calendar.ProjectRun.due_days`): a project terminated, suspended or
closed at 结项 owes no report from the date it stopped (`Project.status_on`, else the
close's date; `models.status.owed_reports_on`). It is never checked nor counted as due
from then on, its month's plan is shared over the days it was due, and a past day
checked again after the close counts it as that evening did but files no notice for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from sqlmodel import Session

from flows.monitoring.notices import send_notices
from flows.runtime import get_mail_settings, get_now, io_task, resolve_cycle, session_scope
from models.calendar import month_bounds
from models.compliance import ReportStamp, arrival, is_late, measure_compliance
from models.escalation import (
    NOTICE_KIND_LABELS,
    NoticeKind,
    compose_daily_notice,
    daily_notice_key,
    gap_to_escalate,
    is_yellow_card_due,
    missed_stretches,
    notice_kind,
    overdue_days,
)
from models.evaluation import monthly_plan
from models.indicators import SERVICE_VISITS, month_index
from models.monitoring import DailyReport, Notice, YellowCard
from models.project import Project
from models.report_calendar import ProjectRun
from models.status import asks_for_reports, owed_reports_on
from store import agencies, awards, days_off, monitoring, notices, plans

LOOKBACK_DAYS = 45


@dataclass(frozen=True)
class ProjectCheck:
    """One project on the check day."""

    project_id: int
    title: str
    due_today: bool
    reported_today: bool
    late_this_month: int
    compliance_percent: int
    overdue: tuple[date, ...]
    kind: str
    served_to_date: int
    planned_to_date: int
    # The first day of the gap the officer is told of today (an escalation), else None.
    gap: date | None = None
    # The days off (holidays, excused days) the project's lateness skips.
    off: frozenset[date] = frozenset()


@dataclass(frozen=True)
class DayFigures:
    """What one evening's check found: due and filed reports, notices and cards."""

    day: date
    due: int
    reported: int
    reminders: int
    escalations: int
    yellow_cards: int


@dataclass(frozen=True)
class DailyCheckSummary:
    """What the evening check found and did, for the last day checked, and each day's figures."""

    day: date
    days_checked: int
    due: int
    reported: int
    late_this_month: int
    reminders: tuple[str, ...]
    escalations: tuple[str, ...]
    yellow_cards: tuple[str, ...]
    behind_plan: tuple[str, ...]
    notices: dict[str, int]
    reminded: int = 0
    escalated: int = 0
    days: tuple[DayFigures, ...] = ()


def check_project(
    project: Project,
    reports: Sequence[DailyReport],
    *,
    day: date,
    as_of: datetime,
    month_target: int,
    escalated: set[date],
    off: frozenset[date] = frozenset(),
    run: ProjectRun | None = None,
) -> ProjectCheck:
    """Measure one project's reporting and progress as the evening of `day` sees them.

    `off` holds the days that are not due: the call's holidays and the project's excused days;
    `run` (default: the project's own) says until when reports are due.
    """
    tz = as_of.tzinfo
    arrived = [r for r in reports if arrival(r).astimezone(tz) <= as_of]
    first, last = month_bounds(day.strftime("%Y-%m"))
    run = run or ProjectRun.of(project)
    lookback = run.due_days(day - timedelta(days=LOOKBACK_DAYS), day, off=off)
    reported = {r.day for r in arrived}
    month_to_date = run.due_days(first, day, off=off)
    month_due = [d for d in month_to_date if d < day or d in reported]
    stamps = [ReportStamp.of(r) for r in arrived]
    compliance = measure_compliance(month_due, stamps, tz=tz)  # type: ignore[arg-type]
    overdue = overdue_days(lookback, reported, day=day)
    on_time = {s.day for s in stamps if not is_late(s, tz=tz)}  # type: ignore[arg-type]
    stretches = missed_stretches(lookback, on_time, day=day)
    # The month's plan is shared over the days it is due: a project stopping mid-month owes
    # the whole of it by its last due day, as the monthly measures count it.
    whole_month = len(run.due_days(first, last, off=off)) or 1
    return ProjectCheck(
        project.id,  # type: ignore[arg-type]
        project.title,
        day in lookback,
        day in reported,
        compliance.late,
        compliance.percent,
        tuple(overdue),
        notice_kind(overdue, day=day, escalated=escalated, stretches=stretches, off=off) or "",
        sum(r.people_served for r in arrived if r.day >= first),
        month_target * len(month_to_date) // whole_month,
        gap=gap_to_escalate(overdue, day=day, escalated=escalated, stretches=stretches, off=off),
        off=off,
    )


def _month_target(project: Project, targets: dict[int, dict[str, int]], day: date) -> int:
    planned = targets.get(month_index(project.starts_on, day.strftime("%Y-%m")), {})
    return planned.get(SERVICE_VISITS, monthly_plan(project.people_planned, project.months))


def _card_for_repeat(session: Session, check: ProjectCheck, project: Project, *, day: date) -> bool:
    """Give the project a yellow card if this escalation is its second this month."""
    first, last = month_bounds(day.strftime("%Y-%m"))
    escalations = notices.count_notices(
        session, project_id=check.project_id, kind=NoticeKind.ESCALATE, first=first, last=last
    )
    if not is_yellow_card_due(escalations):
        return False
    card = YellowCard(
        agency_id=project.agency_id,
        project_id=check.project_id,
        month=first.strftime("%Y-%m"),
        issued_on=day,
        reason=f"本月第二次督办：{check.gap or check.overdue[0]} 起的日报告逾期未交",
    )
    return notices.add_yellow_card(session, card)[1]


def _file_notice(session: Session, check: ProjectCheck, project: Project, *, day: date) -> str:
    """Claim the day's notice for a project, with a yellow card on a repeat escalation."""
    key, kind = daily_notice_key(check.project_id, day), NoticeKind(check.kind)
    claim = Notice(
        key=key,
        kind=kind,
        project_id=project.id,
        day=day,
        # An escalation is known by its gap's first day, so the next stretch is a new gap.
        overdue_since=check.gap or check.overdue[0],
        subject="",
        body="",
    )
    notice, is_new = notices.add_notice(session, claim)
    if not is_new:
        return key
    card = kind == NoticeKind.ESCALATE and _card_for_repeat(session, check, project, day=day)
    agency = agencies.get_agency(session, project.agency_id)
    text = compose_daily_notice(
        kind,
        project_title=project.title,
        agency_name=agency.name,
        overdue=check.overdue,
        day=day,
        yellow_card=card,
        off=check.off,
    )
    officer = get_mail_settings().officer_email if kind == NoticeKind.ESCALATE else ""
    notice.subject, notice.body = text.subject, text.body
    notice.recipients = [address for address in (agency.contact_email, officer) if address]
    session.add(notice)
    return key


@io_task
def cycle_holidays(cycle_id: int) -> tuple[date, ...]:
    """Return the public holidays of the cycle's call, on which no report is due."""
    with session_scope() as session:
        return tuple(sorted(days_off.list_holidays(session, cycle_id=cycle_id)))


@io_task
def check_day(
    cycle_id: int, day: date, as_of: datetime
) -> tuple[list[ProjectCheck], list[str], list[str]]:
    """Check every running project on `day`; file its notices; return checks, keys and cards."""
    with session_scope() as session:
        runs = days_off.list_report_runs(session, cycle_id=cycle_id)
        projects = [
            p
            for p in awards.list_projects(session, cycle_id=cycle_id)
            if owed_reports_on(runs[p.id or 0], day) and p.starts_on <= day
        ]
        ids = [p.id for p in projects]
        reports = monitoring.list_project_reports(
            session,
            project_ids=ids,
            first=day - timedelta(days=LOOKBACK_DAYS),
            last=day,  # type: ignore[arg-type]
        )
        targets = plans.list_month_targets(session, project_ids=ids)  # type: ignore[arg-type]
        off = days_off.list_days_off(
            session,
            cycle_id=cycle_id,
            project_ids=ids,  # type: ignore[arg-type]
            first=day - timedelta(days=LOOKBACK_DAYS),
            last=day,
        )
        gaps = notices.list_escalated_gaps(
            session,
            project_ids=ids,  # type: ignore[arg-type]
            kind=NoticeKind.ESCALATE,
            before=day,
        )
        checks, keys = [], []
        for project in projects:
            check = check_project(
                project,
                reports.get(project.id, []),
                day=day,
                as_of=as_of,  # type: ignore[arg-type]
                month_target=_month_target(project, targets.get(project.id, {}), day),  # type: ignore[arg-type]
                escalated=gaps.get(project.id, set()),  # type: ignore[arg-type]
                off=off[project.id],  # type: ignore[index]
                run=runs[project.id or 0],
            )
            checks.append(check)
            if check.kind and asks_for_reports(project.status):  # a closed project is told nothing
                keys.append(_file_notice(session, check, project, day=day))
        month = day.strftime("%Y-%m")
        cards = [
            c.project_id for c in notices.list_yellow_cards(session, cycle_id=cycle_id, month=month)
        ]
        titles = {p.id: p.title for p in projects}
        return checks, keys, [titles[c] for c in cards if c in titles]


def _summarise(
    day: date, days: int, checks: list[ProjectCheck], cards: list[str], sent: dict[str, int]
) -> DailyCheckSummary:
    return DailyCheckSummary(
        day=day,
        days_checked=days,
        due=sum(c.due_today for c in checks),
        reported=sum(c.due_today and c.reported_today for c in checks),
        late_this_month=sum(c.late_this_month for c in checks),
        reminders=tuple(c.title for c in checks if c.kind == NoticeKind.REMIND),
        escalations=tuple(
            f"{c.title}（{c.overdue[0]:%m-%d} 起缺交 {len(c.overdue)} 天）"
            for c in checks
            if c.kind == NoticeKind.ESCALATE
        ),
        yellow_cards=tuple(cards),
        behind_plan=tuple(
            c.title for c in checks if c.served_to_date < c.planned_to_date * 7 // 10
        ),
        notices=sent,
    )


def _working_days(first: date, last: date, holidays: tuple[date, ...] = ()) -> list[date]:
    # Reports are due Monday to Friday but not on a holiday, so those evenings have nothing to check.
    return [
        first + timedelta(n)
        for n in range((last - first).days + 1)
        if (first + timedelta(n)).weekday() < 5 and first + timedelta(n) not in holidays
    ]


def _figures(day: date, checks: list[ProjectCheck], cards: list[str]) -> DayFigures:
    return DayFigures(
        day=day,
        due=sum(c.due_today for c in checks),
        reported=sum(c.due_today and c.reported_today for c in checks),
        reminders=sum(c.kind == NoticeKind.REMIND for c in checks),
        escalations=sum(c.kind == NoticeKind.ESCALATE for c in checks),
        yellow_cards=len(cards),
    )


def _as_of(day: date, now: datetime) -> datetime:
    # Today's check sees the reports in so far; a past day's check sees that evening's.
    if day == now.date():
        return now
    return datetime.combine(day, time(23, 59, 59), now.tzinfo)


@flow(name="daily_check", log_prints=True)
def daily_check(
    cycle_id: int | None = None, day: date | None = None, since: date | None = None
) -> DailyCheckSummary:
    """Check one working day's reports (default: today), or every working day from `since`."""
    now = get_now()
    day = day or now.date()
    cycle_id = resolve_cycle(cycle_id)
    days = _working_days(since or day, day, cycle_holidays(cycle_id))
    checks: list[ProjectCheck] = []
    cards: list[str] = []
    keys: list[str] = []
    figures: list[DayFigures] = []
    for checked in days:
        checks, day_keys, cards = check_day(cycle_id, checked, _as_of(checked, now))
        keys += day_keys
        figures.append(_figures(checked, checks, cards))
    sent = send_notices(keys)
    # A holiday or weekend is not checked: the summary is the last evening that was.
    summary = replace(
        _summarise(days[-1] if days else day, len(days), checks, cards, sent),
        reminded=sum(f.reminders for f in figures),
        escalated=sum(f.escalations for f in figures),
        days=tuple(figures),
    )
    print(
        f"{summary.day} 日报告：应交 {summary.due}，已交 {summary.reported}，本月迟交 {summary.late_this_month} 份；"
        f"提醒 {len(summary.reminders)} 个项目，督办 {len(summary.escalations)} 个，黄牌 {len(cards)} 张；"
        f"邮件 已发 {sent['sent']}，未发 {sent['unsent']}，失败 {sent['failed']}"
    )
    for line in summary.escalations:
        print(f"  督办：{line}")
    create_markdown_artifact(key="daily-check", markdown=compliance_table(summary.day, checks))
    return summary


def _cell(text: str) -> str:
    # A title is user text: keep it from breaking the table or adding markup.
    return " ".join(text.split()).replace("|", "｜").replace("[", "［").replace("]", "］")


def compliance_table(day: date, checks: list[ProjectCheck]) -> str:
    """Write the evening's figures as a Markdown table for the Prefect UI."""
    rows = [
        f"| {_cell(c.title)} | {c.compliance_percent}% | {c.late_this_month} | {len(c.overdue)} | "
        f"{c.served_to_date} / {c.planned_to_date} | {NOTICE_KIND_LABELS.get(c.kind, '') if c.kind else ''} |"
        for c in checks
    ]
    head = "| 项目 | 本月按时率 | 本月迟交 | 缺交 | 服务人次（实际/计划） | 今日通知 |\n| --- | --- | --- | --- | --- | --- |"
    return "\n".join([f"## {day} 日报告检查", "", head, *rows])
