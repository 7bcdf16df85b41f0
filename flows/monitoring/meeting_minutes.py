"""Flows that record what a 周例会 decided and track its action items until done.

`record_minutes` stores the minutes (a text file) and the action items (a
CSV or XLSX sheet, see `models.action_items`) of one meeting, all or nothing,
and re-renders its 周例会纪要. `add_action_item` and `close_action_item` are
the one-item versions the CLI uses. Importing the same sheet again updates
the same numbered items. What is stored, and who may close what, is
`services.meetings`; the flows read the files, order the steps and render.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from prefect import flow

from flows.monitoring.minutes_report import write_minutes_pdf
from flows.runtime import get_now, io_task, read_sheet, resolve_cycle, session_scope
from models.action_items import REQUIRED_COLUMNS, ActionInput, read_action_row
from models.rows import RowError, RowsRejected, read_all
from models.status import Role, TransitionError
from services import Actor, NotFound, ServiceError, clerk, meetings
from services.meetings import ActionItemRefused


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


def _office_actor(login: str, name: str, user_id: int | None) -> Actor:
    """The portal's officer who records the minutes, or the CLI's clerk when none is named."""
    if not login:
        return clerk()
    return Actor(login=login, name=name, role=Role.STAFF, user_id=user_id)


@io_task
def store_minutes(
    cycle_id: int,
    week_start: date,
    text: str,
    attendees: str,
    recorder: str,
    entries: list[ActionInput],
    host: str = "",
    actor_login: str = "",
    actor_name: str = "",
    actor_user_id: int | None = None,
) -> tuple[int, int]:
    """Store a meeting's minutes, host and action items, or nothing; return (items, closed)."""
    with session_scope() as session:
        recorded = meetings.record_minutes(
            session,
            actor=_office_actor(actor_login, actor_name, actor_user_id),
            now=get_now(),
            cycle_id=cycle_id,
            week_start=week_start,
            text=text,
            attendees=attendees,
            recorder=recorder,
            entries=entries,
            host=host,
        )
        return recorded.action_items, recorded.closed


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
    host: str = "",
    actor_login: str = "",
    actor_name: str = "",
    actor_user_id: int | None = None,
) -> MinutesSummary:
    """Record a meeting's minutes and action items, then re-render its 周例会纪要.

    `today` is the office's date (default: today). The 纪要 carries the meeting's
    date whenever it is printed (`flows.monitoring.minutes_report`). `host` is who
    chaired the meeting (主持人), printed in the 纪要; empty leaves a line to sign.
    `actor_login`, `actor_name` and `actor_user_id` name the portal's signed-in
    officer for the audit trail; none given is the CLI's clerk.
    """
    cycle_id = resolve_cycle(cycle_id)
    try:
        text = read_minutes_text(minutes_path)
        entries = (
            read_action_sheet(actions_path, week_start + timedelta(days=7)) if actions_path else []
        )
        count, closed = store_minutes(
            cycle_id,
            week_start,
            text,
            attendees,
            recorder,
            entries,
            host,
            actor_login,
            actor_name,
            actor_user_id,
        )
    except (RowError, RowsRejected, LookupError, ServiceError) as error:
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
    """Mark an action item done (or dropped) and say what changed (`services.meetings`)."""
    now = get_now()
    try:
        with session_scope() as session:
            closed = meetings.close_action_item(
                session, actor=clerk(), now=now, item_id=item_id, note=note, dropped=dropped, on=on
            )
    except NotFound as error:
        # Until the CLI prints a service's refusal itself, it prints these as one line.
        raise LookupError(error.message) from None
    except ServiceError as error:
        raise TransitionError(error.message) from None
    if not closed.changed:
        return f"待办事项 #{item_id} 已是该状态，未改动"
    day = closed.item.closed_on or now.date()
    return f"待办事项 #{item_id}「{closed.item.text}」已{'取消' if dropped else '完成'}（{day}）"


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
    try:
        with session_scope() as session:
            meetings.add_action_item(
                session,
                actor=clerk(),
                now=get_now(),
                cycle_id=cycle_id,
                week_start=week_start,
                text=text,
                owner=owner,
                due_on=due_on,
                project=project,
            )
    except ActionItemRefused as error:
        return MinutesSummary(week_start, 0, 0, errors=tuple(error.problems))
    except RowsRejected as error:
        return MinutesSummary(week_start, 0, 0, errors=tuple(str(e) for e in error.errors))
    pdf = write_minutes_pdf(cycle_id, week_start, get_now().date())
    return MinutesSummary(week_start, 1, 0, pdf)
