"""Action items (待办事项) agreed at a weekly meeting: reading them from a sheet, closing them.

A sheet of action items doubles as the tracker the office keeps after the
meeting. Columns: 序号, 项目名称 (empty for an item for everyone), 事项,
责任人, 完成时限, and optionally 完成情况 (未完成 / 已完成 / 取消), 完成日期
and 说明. Importing the sheet again updates the same numbered items; an item
may go from open to done or dropped, never back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.rows import Row
from models.status import (
    ACTION_ITEM_TRANSITIONS,
    ActionItemStatus,
    Role,
    TransitionError,
    apply_transition,
)

REQUIRED_COLUMNS = ("序号", "项目名称", "事项", "责任人", "完成时限")
STATUS_BY_LABEL = {
    "未完成": ActionItemStatus.OPEN,
    "已完成": ActionItemStatus.DONE,
    "取消": ActionItemStatus.DROPPED,
}


@dataclass(frozen=True)
class ActionInput:
    """One action item as written in a sheet or on the command line."""

    file: str
    row: int
    seq: int
    project: str
    text: str
    owner: str
    due_on: date
    status: str = ActionItemStatus.OPEN
    closed_on: date | None = None
    note: str = ""


def read_action_row(row: Row, *, held_on: date) -> ActionInput:
    """Read one action item, refusing a due date before the meeting and a done item without a date."""
    seq = row.count("序号", minimum=1)
    due_on = row.day("完成时限")
    if due_on < held_on:
        raise row.error("完成时限", f"{due_on} 早于会议日期 {held_on}")
    status: str = ActionItemStatus.OPEN
    if (row.values.get("完成情况") or "").strip():
        status = row.choice("完成情况", STATUS_BY_LABEL)
    closed_on = None
    if status != ActionItemStatus.OPEN:
        closed_on = row.day("完成日期")
    return ActionInput(
        file=row.file,
        row=row.number,
        seq=seq,
        project=row.text("项目名称", required=False, max_length=200),
        text=row.text("事项", max_length=500),
        owner=row.text("责任人", max_length=100),
        due_on=due_on,
        status=status,
        closed_on=closed_on,
        note=row.text("说明", required=False, max_length=500),
    )


def next_status(current: str, wanted: str, *, role: Role) -> str | None:
    """Return the status to store, None when nothing changes; raise if the move is not allowed."""
    if current == wanted:
        return None
    try:
        return apply_transition(
            ACTION_ITEM_TRANSITIONS, ActionItemStatus(current), ActionItemStatus(wanted), role=role
        )
    except TransitionError:
        raise TransitionError(
            f"待办事项已是「{_label(current)}」，不能改为「{_label(wanted)}」"
        ) from None


def _label(status: str) -> str:
    return next(label for label, value in STATUS_BY_LABEL.items() if value == status)
