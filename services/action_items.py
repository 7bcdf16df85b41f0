"""Listing a cycle's action items (待办事项) with their ids, for the office.

Closing one is `services.meetings.close_action_item`; this module lists them
so the office can find the id to close, and names the meeting whose minutes
show an item, so the door that closed it can publish the minutes again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from models.action_items import STATUS_BY_LABEL
from services import Actor, Forbidden, NotFound
from services.projects import OFFICE_ROLES
from store import action_lists, awards

STATUS_LABELS: dict[str, str] = {str(status): label for label, status in STATUS_BY_LABEL.items()}


@dataclass(frozen=True)
class ActionRow:
    """One action item as the office's list shows it."""

    item_id: int
    week_start: date
    seq: int
    project: str
    text: str
    owner: str
    due_on: date
    status: str
    closed_on: date | None

    @property
    def status_label(self) -> str:
        """The status in Chinese (未完成 / 已完成 / 取消)."""
        return STATUS_LABELS.get(self.status, self.status)


def list_action_items(
    session: Session, *, actor: Actor, cycle_id: int, open_only: bool = False
) -> list[ActionRow]:
    """List the cycle's action items (only the open ones if asked), by meeting and number."""
    if actor.role not in OFFICE_ROLES:
        raise Forbidden(f"您的账号角色（{actor.role}）不能查看全部待办事项")
    titles = {p.id: p.title for p in awards.list_projects(session, cycle_id=cycle_id)}
    return [
        ActionRow(
            item.id or 0,
            meeting.week_start,
            item.seq,
            titles.get(item.project_id, "") if item.project_id else "全体项目",
            item.text,
            item.owner,
            item.due_on,
            item.status,
            item.closed_on,
        )
        for item, meeting in action_lists.list_cycle_action_items(
            session, cycle_id=cycle_id, open_only=open_only
        )
    ]


def meeting_of_item(session: Session, *, item_id: int) -> tuple[int, date]:
    """Return the cycle and reviewed week of the meeting that raised an action item."""
    meeting = action_lists.find_item_meeting(session, item_id=item_id)
    if meeting is None:
        raise NotFound(f"找不到待办事项 #{item_id}")
    return meeting.cycle_id, meeting.week_start
