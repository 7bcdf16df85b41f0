"""Flows that record what a 周例会 decided and track its action items until done.

`record_minutes` stores the minutes (a text file) and the action items (a
CSV or XLSX sheet, see `models.action_items`) of one meeting, all or nothing,
and re-renders its 周例会纪要. `add_action_item` and `close_action_item` are
the one-item versions the CLI uses. Importing the same sheet again updates
the same numbered items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from prefect import flow
from sqlmodel import Session

from flows.monitoring.minutes_report import write_minutes_pdf
from flows.runtime import get_now, io_task, read_sheet, resolve_cycle, session_scope
from models.action_items import REQUIRED_COLUMNS, ActionInput, next_status, read_action_row
from models.monitoring import ActionItem, WeeklyMeeting
from models.rows import RowError, RowsRejected, read_all
from models.status import ActionItemStatus, Role, TransitionError
from store import awards, meetings


@dataclass(frozen=True)
class MinutesSummary:
    """What was recorded for a meeting, and its PDF."""

    week_start: date
    action_items: int
    closed: int
    pdf: str = ""
    errors: tuple[str, ...] = ()


def read_minutes_text(path: str | None) -> str:
    """Read the minutes from a UTF-8 text file (empty when there is none)."""
    if not path:
        return ""
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise RowError(
            Path(path).name, 0, "-", f"无法读取会议记录（需 UTF-8 文本）：{error}"
        ) from None
    if len(text) > 5000:
        raise RowError(Path(path).name, 0, "-", "会议记录超过 5000 字")
    return text


def _item(
    session: Session, meeting: WeeklyMeeting, entry: ActionInput, cycle_id: int
) -> tuple[ActionItem, str | None]:
    """Check one item against the stored one; return the row to store and its new status."""
    project_id = None
    if entry.project:
        project_id = awards.get_project_by_title(session, cycle_id=cycle_id, title=entry.project).id
    stored = {i.seq: i for i in meetings.list_meeting_items(session, meeting_id=meeting.id)}  # type: ignore[arg-type]
    current = stored[entry.seq].status if entry.seq in stored else ActionItemStatus.OPEN
    status = next_status(current, entry.status, role=Role.STAFF)
    item = ActionItem(
        meeting_id=meeting.id,  # type: ignore[arg-type]
        seq=entry.seq,
        project_id=project_id,
        text=entry.text,
        owner=entry.owner,
        due_on=entry.due_on,
    )
    return item, status


@io_task
def store_minutes(
    cycle_id: int,
    week_start: date,
    text: str,
    attendees: str,
    recorder: str,
    entries: list[ActionInput],
) -> tuple[int, int]:
    """Store a meeting's minutes and action items, or nothing; return (items, closed)."""
    with session_scope() as session:
        meeting = meetings.get_weekly_meeting(session, cycle_id=cycle_id, week_start=week_start)
        planned, problems = [], []
        for entry in entries:
            try:
                planned.append((entry, *_item(session, meeting, entry, cycle_id)))
            except (LookupError, TransitionError) as error:
                problems.append(
                    RowError(
                        entry.file,
                        entry.row,
                        "项目名称" if isinstance(error, LookupError) else "完成情况",
                        str(error),
                    )
                )
        if problems:
            raise RowsRejected(problems)
        if text:
            meetings.set_minutes(
                session, meeting, minutes=text, attendees=attendees, recorder=recorder, at=get_now()
            )
        closed = 0
        for entry, item, status in planned:
            stored = meetings.set_action_item(session, item)
            if status is not None:
                meetings.set_action_item_status(
                    session,
                    stored,
                    status=status,
                    on=entry.closed_on or get_now().date(),
                    note=entry.note,
                )
                closed += 1
        return len(planned), closed


@io_task
def read_action_sheet(path: str, held_on: date) -> list[ActionInput]:
    """Read an action-item sheet; raise RowsRejected naming every bad cell."""
    rows = read_sheet(Path(path), required=REQUIRED_COLUMNS)
    entries = read_all(rows, lambda row: read_action_row(row, held_on=held_on))
    seen: dict[int, int] = {}
    repeats = []
    for entry in entries:
        if entry.seq in seen:
            repeats.append(
                RowError(entry.file, entry.row, "序号", f"与第 {seen[entry.seq]} 行重复")
            )
        seen.setdefault(entry.seq, entry.row)
    if repeats:
        raise RowsRejected(repeats)
    return entries


@flow(name="record_minutes", log_prints=True)
def record_minutes(
    week_start: date,
    minutes_path: str | None = None,
    actions_path: str | None = None,
    attendees: str = "",
    recorder: str = "",
    cycle_id: int | None = None,
    today: date | None = None,
) -> MinutesSummary:
    """Record a meeting's minutes and action items, then re-render its 周例会纪要.

    `today` is the date printed on the PDF (default: the office's today).
    """
    cycle_id = resolve_cycle(cycle_id)
    try:
        text = read_minutes_text(minutes_path)
        entries = (
            read_action_sheet(actions_path, week_start + timedelta(days=7)) if actions_path else []
        )
        count, closed = store_minutes(cycle_id, week_start, text, attendees, recorder, entries)
    except (RowError, RowsRejected, LookupError) as error:
        problems = (
            [str(e) for e in error.errors] if isinstance(error, RowsRejected) else [str(error)]
        )
        for line in problems:
            print(f"  {line}")
        return MinutesSummary(week_start, 0, 0, errors=tuple(problems))
    pdf = write_minutes_pdf(cycle_id, week_start, today or get_now().date())
    print(f"{week_start} 周例会：记录待办 {count} 项，其中关闭 {closed} 项；纪要 {pdf}")
    return MinutesSummary(week_start, count, closed, pdf)


@flow(name="close_action_item", log_prints=True)
def close_action_item(
    item_id: int, note: str = "", dropped: bool = False, on: date | None = None
) -> str:
    """Mark an action item done (or dropped) and say what changed."""
    day = on or get_now().date()
    wanted = ActionItemStatus.DROPPED if dropped else ActionItemStatus.DONE
    with session_scope() as session:
        item = meetings.get_action_item(session, item_id)
        status = next_status(item.status, wanted, role=Role.STAFF)
        if status is None:
            return f"待办事项 #{item_id} 已是该状态，未改动"
        meetings.set_action_item_status(session, item, status=status, on=day, note=note)
    return f"待办事项 #{item_id}「{item.text}」已{'取消' if dropped else '完成'}（{day}）"


@flow(name="add_action_item", log_prints=True)
def add_action_item(
    week_start: date,
    text: str,
    owner: str,
    due_on: date,
    project: str = "",
    cycle_id: int | None = None,
) -> MinutesSummary:
    """Add one action item to a meeting, numbered after the ones it has."""
    cycle_id = resolve_cycle(cycle_id)
    with session_scope() as session:
        meeting = meetings.get_weekly_meeting(session, cycle_id=cycle_id, week_start=week_start)
        seq = 1 + max(
            (i.seq for i in meetings.list_meeting_items(session, meeting_id=meeting.id)), default=0
        )  # type: ignore[arg-type]
    entry = ActionInput("命令行", 0, seq, project, text.strip(), owner.strip(), due_on)
    problems = [
        m
        for m, bad in (
            ("事项不能为空", not entry.text),
            ("责任人不能为空", not entry.owner),
            (f"完成时限 {due_on} 早于会议日期", due_on < week_start + timedelta(days=7)),
        )
        if bad
    ]
    if problems:
        return MinutesSummary(week_start, 0, 0, errors=tuple(problems))
    try:
        store_minutes(cycle_id, week_start, "", "", "", [entry])
    except RowsRejected as error:
        return MinutesSummary(week_start, 0, 0, errors=tuple(str(e) for e in error.errors))
    pdf = write_minutes_pdf(cycle_id, week_start, get_now().date())
    return MinutesSummary(week_start, 1, 0, pdf)
