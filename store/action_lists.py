"""Queries that list a cycle's action items (待办事项) with the meeting that raised them."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.monitoring import ActionItem, WeeklyMeeting
from models.status import ActionItemStatus


def list_cycle_action_items(
    session: Session, *, cycle_id: int, open_only: bool = False
) -> list[tuple[ActionItem, WeeklyMeeting]]:
    """List a cycle's action items with their meetings, by meeting week then number."""
    query = (
        select(ActionItem, WeeklyMeeting)
        .join(WeeklyMeeting, col(WeeklyMeeting.id) == col(ActionItem.meeting_id))
        .where(WeeklyMeeting.cycle_id == cycle_id)
    )
    if open_only:
        query = query.where(ActionItem.status == ActionItemStatus.OPEN)
    rows = session.exec(query.order_by(col(WeeklyMeeting.week_start), col(ActionItem.seq)))
    return [(item, meeting) for item, meeting in rows]


def find_item_meeting(session: Session, *, item_id: int) -> WeeklyMeeting | None:
    """Return the meeting that raised an action item, or None when there is no such item."""
    item = session.get(ActionItem, item_id)
    return session.get(WeeklyMeeting, item.meeting_id) if item is not None else None
