"""Queries for weekly meetings (周例会) and their action items.

A meeting is keyed by cycle and reviewed week: running the weekly flow again
replaces its agenda and keeps the minutes people recorded. Action items are
numbered within their meeting, so importing the same list again updates the
same items.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from models.monitoring import ActionItem, WeeklyMeeting
from models.status import ActionItemStatus


def get_weekly_meeting(session: Session, *, cycle_id: int, week_start: date) -> WeeklyMeeting:
    """Return the meeting about the week starting `week_start`, or raise LookupError."""
    found = session.exec(
        select(WeeklyMeeting).where(
            WeeklyMeeting.cycle_id == cycle_id, WeeklyMeeting.week_start == week_start
        )
    ).first()
    if found is None:
        raise LookupError(f"还没有 {week_start} 这一周的周例会议程，请先运行周例会流程")
    return found


def set_meeting_agenda(session: Session, meeting: WeeklyMeeting) -> WeeklyMeeting:
    """Store the week's agenda, replacing an earlier run's and keeping recorded minutes."""
    try:
        found = get_weekly_meeting(
            session, cycle_id=meeting.cycle_id, week_start=meeting.week_start
        )
    except LookupError:
        session.add(meeting)
        session.flush()
        return meeting
    found.agenda, found.held_on = meeting.agenda, meeting.held_on
    session.add(found)
    session.flush()
    return found


def set_minutes(
    session: Session,
    meeting: WeeklyMeeting,
    *,
    minutes: str,
    attendees: str,
    recorder: str,
    at: datetime,
    host: str = "",
) -> None:
    """Record what was said at a meeting, who attended, who hosted it and who took the minutes."""
    meeting.minutes, meeting.attendees, meeting.recorder = minutes, attendees, recorder
    meeting.host = host
    meeting.minutes_recorded_at = at
    session.add(meeting)
    session.flush()


def set_action_item(session: Session, item: ActionItem) -> ActionItem:
    """Add a meeting's numbered action item, or update the one with that number."""
    found = session.exec(
        select(ActionItem).where(
            ActionItem.meeting_id == item.meeting_id, ActionItem.seq == item.seq
        )
    ).first()
    if found is None:
        session.add(item)
        session.flush()
        return item
    found.project_id, found.text = item.project_id, item.text
    found.owner, found.due_on = item.owner, item.due_on
    session.add(found)
    session.flush()
    return found


def get_action_item(session: Session, item_id: int) -> ActionItem:
    """Return an action item by id, or raise LookupError."""
    item = session.get(ActionItem, item_id)
    if item is None:
        raise LookupError(f"找不到待办事项 #{item_id}")
    return item


def set_action_item_status(
    session: Session, item: ActionItem, *, status: str, on: date, note: str
) -> None:
    """Store a status the transition table allowed, with when and why it closed."""
    item.status, item.closed_on, item.closing_note = status, on, note
    session.add(item)
    session.flush()


def list_meeting_items(session: Session, *, meeting_id: int) -> list[ActionItem]:
    """List a meeting's action items by number."""
    return list(
        session.exec(
            select(ActionItem).where(ActionItem.meeting_id == meeting_id).order_by(ActionItem.seq)
        )
    )


def list_action_items(
    session: Session, *, cycle_id: int, raised_by: date, status: str | None = None
) -> list[ActionItem]:
    """List the cycle's action items raised at meetings held by `raised_by`."""
    query = (
        select(ActionItem)
        .join(WeeklyMeeting, WeeklyMeeting.id == ActionItem.meeting_id)  # type: ignore[arg-type]
        .where(WeeklyMeeting.cycle_id == cycle_id, col(WeeklyMeeting.held_on) <= raised_by)
    )
    if status is not None:
        query = query.where(ActionItem.status == status)
    return list(session.exec(query.order_by(ActionItem.due_on, ActionItem.id)))


def list_open_action_items(session: Session, *, project_id: int, until: date) -> list[ActionItem]:
    """List a project's open action items raised at meetings held by `until`."""
    return list(
        session.exec(
            select(ActionItem)
            .join(WeeklyMeeting, WeeklyMeeting.id == ActionItem.meeting_id)  # type: ignore[arg-type]
            .where(
                ActionItem.project_id == project_id,
                ActionItem.status == ActionItemStatus.OPEN,
                col(WeeklyMeeting.held_on) <= until,
            )
            .order_by(ActionItem.due_on, ActionItem.id)
        )
    )
