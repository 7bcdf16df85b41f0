"""Flow `daily_check`: each evening, see which projects reported today and which did not.

Compliance runs month to date. A project that has not reported today gets a
reminder; one missing three or more due days this month is escalated to
staff. The check only reads, so running it twice is harmless. Sending the
reminders (SMS, portal notice) belongs to the monitoring issue; here they
are listed in the flow's log and its result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from prefect import flow

from flows.runtime import get_tz, io_task, session_scope
from models.compliance import ReportStamp, due_days, measure_compliance
from models.status import ProjectStatus
from store import awards, monitoring

ESCALATE_AFTER_MISSING = 3


@dataclass(frozen=True)
class DailyCheckSummary:
    """Today's reporting: who is due, who reported, who is reminded or escalated."""

    day: date
    due: int
    reported: int
    late_this_month: int
    reminders: tuple[str, ...]
    escalations: tuple[str, ...]


@io_task
def check_reports(cycle_id: int, day: date) -> DailyCheckSummary:
    """Measure month-to-date compliance of every active project."""
    first = day.replace(day=1)
    tz = get_tz()
    with session_scope() as session:
        reports = monitoring.list_daily_reports(session, cycle_id=cycle_id, first=first, last=day)
        due = reported = late = 0
        reminders, escalations = [], []
        for project in awards.list_projects(session, cycle_id=cycle_id):
            if project.status != ProjectStatus.ACTIVE:
                continue
            days = due_days(first, day, starts_on=project.starts_on, ends_on=project.ends_on)
            stamps = [
                ReportStamp(r.day, r.submitted_at) for r in reports if r.project_id == project.id
            ]
            compliance = measure_compliance(days, stamps, tz=tz)
            late += compliance.late
            if day in days:
                due += 1
                if day in compliance.missing_days:
                    reminders.append(project.title)
                else:
                    reported += 1
            if len(compliance.missing_days) >= ESCALATE_AFTER_MISSING:
                escalations.append(f"{project.title}（本月缺交 {len(compliance.missing_days)} 天）")
    return DailyCheckSummary(day, due, reported, late, tuple(reminders), tuple(escalations))


@flow(name="daily_check", log_prints=True)
def daily_check(cycle_id: int, day: date | None = None) -> DailyCheckSummary:
    """Check a day's daily reports (default: today in the office's time zone)."""
    day = day or datetime.now(get_tz()).date()
    summary = check_reports(cycle_id, day)
    print(
        f"{day} 日报告：应交 {summary.due}，已交 {summary.reported}，"
        f"提醒 {len(summary.reminders)} 个项目，升级督办 {len(summary.escalations)} 个项目"
    )
    for line in summary.escalations:
        print(f"  督办：{line}")
    return summary
