"""Flow `weekly_meeting`: build the 周例会 agenda from the week's daily reports.

The agenda has the week's reporting figures, every project that missed two or
more due days, and every issue agencies raised in their reports. Each becomes
an action item with an owner and a due date. The minutes start as a draft
written from the same figures, for staff to complete after the meeting.
Running it again for the same week rewrites the same meeting and items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from prefect import flow

from flows.runtime import get_tz, io_task, session_scope
from models.calendar import week_start as monday_of
from models.compliance import ReportStamp, due_days, measure_compliance
from models.monitoring import ActionItem, WeeklyMeeting
from models.status import ProjectStatus
from store import awards, calls, monitoring

MISSING_IN_WEEK = 2


@dataclass(frozen=True)
class MeetingSummary:
    """The meeting's agenda and action items."""

    week_start: date
    agenda: tuple[str, ...]
    action_items: int


@io_task
def prepare_meeting(cycle_id: int, week_start: date) -> MeetingSummary:
    """Write the week's agenda, draft minutes and action items."""
    week_end, tz = week_start + timedelta(days=6), get_tz()
    with session_scope() as session:
        reports = monitoring.list_daily_reports(
            session, cycle_id=cycle_id, first=week_start, last=week_end
        )
        agencies = {a.id: a.name for a in calls.list_agencies(session)}
        agenda, items = [], []
        expected = submitted = late = 0
        for project in awards.list_projects(session, cycle_id=cycle_id):
            if project.status != ProjectStatus.ACTIVE:
                continue
            own = [r for r in reports if r.project_id == project.id]
            days = due_days(
                week_start, week_end, starts_on=project.starts_on, ends_on=project.ends_on
            )
            compliance = measure_compliance(
                days, [ReportStamp(r.day, r.submitted_at) for r in own], tz=tz
            )
            expected, submitted, late = (
                expected + compliance.expected,
                submitted + compliance.submitted,
                late + compliance.late,
            )
            owner = agencies[project.agency_id]
            if len(compliance.missing_days) >= MISSING_IN_WEEK:
                text = f"「{project.title}」本周缺交 {len(compliance.missing_days)} 份日报告，请说明原因并补交"
                agenda.append(text)
                items.append((project.id, "补交日报告", text, owner))
            for report in own:
                if report.issues:
                    text = f"「{project.title}」{report.day:%m-%d} 反映：{report.issues}"
                    agenda.append(text)
                    items.append((project.id, f"问题跟进{report.day:%m%d}", text, owner))
        headline = f"本周日报告应交 {expected} 份，已交 {submitted} 份，其中迟交 {late} 份"
        agenda.insert(0, headline)
        meeting = monitoring.set_weekly_meeting(
            session,
            WeeklyMeeting(
                cycle_id=cycle_id,
                week_start=week_start,
                agenda=[{"seq": i, "text": t} for i, t in enumerate(agenda, start=1)],
                minutes=f"（纪要草稿）{headline}。议题 {len(agenda)} 项，待办 {len(items)} 项。",
            ),
        )
        for project_id, topic, text, owner in items:
            monitoring.set_action_item(
                session,
                ActionItem(
                    meeting_id=meeting.id,
                    project_id=project_id,
                    topic=topic,
                    text=text,  # type: ignore[arg-type]
                    owner=owner,
                    due_on=week_start + timedelta(days=7),
                ),
            )
        return MeetingSummary(week_start, tuple(agenda), len(items))


@flow(name="weekly_meeting", log_prints=True)
def weekly_meeting(cycle_id: int, week_start: date | None = None) -> MeetingSummary:
    """Prepare the meeting of the week starting `week_start` (default: the week just ended)."""
    if week_start is None:
        week_start = monday_of(datetime.now(get_tz()).date()) - timedelta(days=7)
    if week_start.weekday() != 0:
        raise ValueError(
            f"周例会按周一起算：{week_start} 是星期{'一二三四五六日'[week_start.weekday()]}"
        )
    summary = prepare_meeting(cycle_id, week_start)
    print(
        f"{week_start} 周例会：议题 {len(summary.agenda)} 项，待办 {summary.action_items} 项；{summary.agenda[0]}"
    )
    return summary
