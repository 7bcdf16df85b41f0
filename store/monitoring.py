"""Queries for daily reports, weekly meetings, action items and monthly evaluations.

Each `set_` function is keyed by project and period, so running a monitoring
flow again updates the same row instead of adding another.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from models.monitoring import ActionItem, DailyReport, MonthlyEvaluation, WeeklyMeeting
from models.project import Project
from models.status import ActionItemStatus


def add_daily_report(session: Session, report: DailyReport) -> bool:
    """Add a daily report unless the project already reported that day."""
    found = session.exec(
        select(DailyReport.id).where(
            DailyReport.project_id == report.project_id, DailyReport.day == report.day
        )
    ).first()
    if found:
        return False
    session.add(report)
    return True


def list_daily_reports(
    session: Session, *, cycle_id: int, first: date, last: date
) -> list[DailyReport]:
    """List the cycle's daily reports for service days in [first, last]."""
    return list(
        session.exec(
            select(DailyReport)
            .join(Project, Project.id == DailyReport.project_id)  # type: ignore[arg-type]
            .where(Project.cycle_id == cycle_id, DailyReport.day >= first, DailyReport.day <= last)
            .order_by(DailyReport.project_id, DailyReport.day)
        )
    )


def set_weekly_meeting(session: Session, meeting: WeeklyMeeting) -> WeeklyMeeting:
    """Store the week's meeting, replacing the agenda of an earlier run."""
    found = session.exec(
        select(WeeklyMeeting).where(
            WeeklyMeeting.cycle_id == meeting.cycle_id,
            WeeklyMeeting.week_start == meeting.week_start,
        )
    ).first()
    if found is None:
        session.add(meeting)
        session.flush()
        return meeting
    found.agenda = meeting.agenda
    found.minutes = meeting.minutes
    session.add(found)
    session.flush()
    return found


def set_action_item(session: Session, item: ActionItem) -> ActionItem:
    """Add an action item unless the meeting already has one on that topic for that project."""
    found = session.exec(
        select(ActionItem).where(
            ActionItem.meeting_id == item.meeting_id,
            ActionItem.project_id == item.project_id,
            ActionItem.topic == item.topic,
        )
    ).first()
    if found is None:
        session.add(item)
        session.flush()
        return item
    found.text, found.due_on = item.text, item.due_on
    session.add(found)
    return found


def list_open_action_items(session: Session, *, project_id: int, until: date) -> list[ActionItem]:
    """List a project's open action items raised at meetings held by `until`."""
    return list(
        session.exec(
            select(ActionItem)
            .join(WeeklyMeeting, WeeklyMeeting.id == ActionItem.meeting_id)  # type: ignore[arg-type]
            .where(
                ActionItem.project_id == project_id,
                ActionItem.status == ActionItemStatus.OPEN,
                col(WeeklyMeeting.week_start) <= until,
            )
            .order_by(ActionItem.due_on, ActionItem.id)
        )
    )


def set_monthly_evaluation(session: Session, evaluation: MonthlyEvaluation) -> MonthlyEvaluation:
    """Store a project's evaluation for a month, replacing an earlier run's."""
    found = session.exec(
        select(MonthlyEvaluation).where(
            MonthlyEvaluation.project_id == evaluation.project_id,
            MonthlyEvaluation.month == evaluation.month,
        )
    ).first()
    if found is None:
        session.add(evaluation)
        session.flush()
        return evaluation
    for field in (
        "evaluator_id",
        "reports_expected",
        "reports_submitted",
        "reports_late",
        "people_planned",
        "people_served",
        "scores",
        "total_score",
        "grade",
        "comment",
    ):
        setattr(found, field, getattr(evaluation, field))
    session.add(found)
    session.flush()
    return found


def list_monthly_evaluations(
    session: Session, *, cycle_id: int, month: str
) -> list[MonthlyEvaluation]:
    """List the cycle's evaluations for one month, by project."""
    return list(
        session.exec(
            select(MonthlyEvaluation)
            .join(Project, Project.id == MonthlyEvaluation.project_id)  # type: ignore[arg-type]
            .where(Project.cycle_id == cycle_id, MonthlyEvaluation.month == month)
            .order_by(MonthlyEvaluation.project_id)
        )
    )
