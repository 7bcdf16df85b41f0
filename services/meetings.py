"""Weekly meetings (周例会): recording minutes and action items, and closing an action item.

An action item is closed from the agency's portal page, from the CLI and from the
minutes sheet the office imports; all three go through `close_action_item` or
`record_minutes` here, which share one status change: the transition table of
`models.status` decides who may move an item where, a second close of the same
kind records nothing twice, and every change gets its audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from models.action_items import ActionInput, next_status
from models.monitoring import ActionItem, WeeklyMeeting
from models.rows import RowError, RowsRejected
from models.status import ActionItemStatus, Role, TransitionError
from services import Actor, Forbidden, NotFound, Refused, audit
from services.projects import OFFICE_ROLES, check_own
from store import awards, meetings, portal
from store.database import unit_of_work

HOST_MAX = 100
"""The length of `WeeklyMeeting.host`."""


class ActionItemRefused(Refused):
    """An action item that cannot be added; `problems` names each thing wrong with it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ItemClosed:
    """The action item after closing it; `changed` is False when it already had that status."""

    item: ActionItem
    changed: bool


def _item_not_found(item_id: int) -> NotFound:
    return NotFound(f"找不到待办事项 #{item_id}")


def get_own_item(session: Session, *, actor: Actor, item_id: int) -> ActionItem:
    """Return the action item if the actor may act on it: an agency its own projects' only.

    An item of another agency's project, or one for every project (no project),
    is not found for an agency, as `services.projects.check_own` rules.
    """
    try:
        item = meetings.get_action_item(session, item_id)
    except LookupError:
        item = None
    if actor.role in OFFICE_ROLES and item is not None:
        return item
    project = portal.get_project(session, item.project_id) if item and item.project_id else None
    try:
        check_own(actor, project, item.project_id if item and item.project_id else 0)
    except NotFound:
        raise _item_not_found(item_id) from None
    except Forbidden:
        raise Forbidden(f"您的账号角色（{actor.role}）不能处理待办事项") from None
    if item is None:
        raise _item_not_found(item_id)
    return item


def _transition_role(actor: Actor) -> Role:
    # The office's admin acts as its staff on the office's records.
    return Role.STAFF if actor.role == Role.ADMIN else Role(actor.role or Role.SYSTEM)


def _close(
    session: Session,
    item: ActionItem,
    *,
    actor: Actor,
    now: datetime,
    status: str,
    on: date,
    note: str,
) -> None:
    """Store the status the transition table allowed, with its audit event."""
    meetings.set_action_item_status(session, item, status=status, on=on, note=note)
    audit.record(
        session,
        actor=actor,
        now=now,
        action=f"action_item_{status}",
        subject_type="actionitem",
        subject_id=item.id,
        on=on,
        detail=f"「{item.text}」" + (f"：{note}" if note else ""),
    )


def close_action_item(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    item_id: int,
    note: str = "",
    dropped: bool = False,
    on: date | None = None,
) -> ItemClosed:
    """Mark an action item done (or, for the office, dropped) on `on` (default: today).

    An agency closes only the items on its own projects (another's is not found);
    an item that already has the status is left as it is and nothing is recorded
    twice; a dropped item cannot be done, nor a done one dropped (Refused), and a
    date after today is refused (a close is not entered ahead of time).
    """
    item = get_own_item(session, actor=actor, item_id=item_id)
    if on is not None and on > now.date():
        raise Refused(
            f"完成日期晚于今天，不能预填：待办事项 #{item.seq} 填的是 {on}，今天是 {now.date()}"
        )
    wanted = ActionItemStatus.DROPPED if dropped else ActionItemStatus.DONE
    try:
        status = next_status(item.status, wanted, role=_transition_role(actor))
    except TransitionError as error:
        raise Refused(str(error)) from None
    if status is None:
        return ItemClosed(item, changed=False)
    with unit_of_work(session):
        _close(
            session,
            item,
            actor=actor,
            now=now,
            status=status,
            on=on or now.date(),
            note=note.strip(),
        )
    return ItemClosed(item, changed=True)


@dataclass(frozen=True)
class MinutesRecorded:
    """How many action items a meeting's record stored, and how many of them it closed."""

    meeting: WeeklyMeeting
    action_items: int
    closed: int


def _get_meeting(session: Session, *, cycle_id: int, week_start: date) -> WeeklyMeeting:
    try:
        return meetings.get_weekly_meeting(session, cycle_id=cycle_id, week_start=week_start)
    except LookupError as error:
        raise NotFound(str(error)) from None


def _planned(
    session: Session, meeting: WeeklyMeeting, entry: ActionInput, *, cycle_id: int, role: Role
) -> tuple[ActionItem, str | None]:
    """Check one item against the stored one; return the row to store and its new status."""
    project_id = None
    if entry.project:
        project = awards.get_project_by_title(session, cycle_id=cycle_id, title=entry.project)
        if not entry.project.isdigit() and _shared_title(session, cycle_id, entry.project):
            raise LookupError(f"本周期有多个服务项目名为「{entry.project}」，请改填项目编号")
        project_id = project.id
    stored = {i.seq: i for i in meetings.list_meeting_items(session, meeting_id=meeting.id or 0)}
    current = stored[entry.seq].status if entry.seq in stored else ActionItemStatus.OPEN
    status = next_status(current, entry.status, role=role)
    item = ActionItem(
        meeting_id=meeting.id or 0,
        seq=entry.seq,
        project_id=project_id,
        text=entry.text,
        owner=entry.owner,
        due_on=entry.due_on,
    )
    return item, status


def _shared_title(session: Session, cycle_id: int, title: str) -> bool:
    # Titles are not unique: an item names its project by a title only one project has.
    return sum(p.title == title for p in awards.list_projects(session, cycle_id=cycle_id)) > 1


def record_minutes(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    cycle_id: int,
    week_start: date,
    text: str,
    attendees: str,
    recorder: str,
    entries: list[ActionInput],
    host: str = "",
) -> MinutesRecorded:
    """Store a meeting's minutes and action items, all or nothing (RowsRejected naming each row).

    Importing the same sheet again updates the same numbered items; an item the
    sheet marks done or dropped is closed as `close_action_item` closes it. The
    host (主持人) is stored with the minutes text, as the attendees and recorder are.
    """
    if actor.role not in OFFICE_ROLES:
        raise Forbidden("只有街道工作人员可以录入周例会纪要")
    host = _checked_host(host)
    meeting = _get_meeting(session, cycle_id=cycle_id, week_start=week_start)
    role = _transition_role(actor)
    planned, problems = [], []
    for entry in entries:
        try:
            planned.append(
                (entry, *_planned(session, meeting, entry, cycle_id=cycle_id, role=role))
            )
        except (LookupError, TransitionError) as error:
            field = "项目名称" if isinstance(error, LookupError) else "完成情况"
            problems.append(RowError(entry.file, entry.row, field, str(error)))
    if problems:
        raise RowsRejected(problems)
    closed = 0
    with unit_of_work(session):
        if text:
            meetings.set_minutes(
                session,
                meeting,
                minutes=text,
                attendees=attendees,
                recorder=recorder,
                host=host,
                at=now,
            )
        for entry, item, status in planned:
            stored = meetings.set_action_item(session, item)
            if status is not None:
                _close(
                    session,
                    stored,
                    actor=actor,
                    now=now,
                    status=status,
                    on=entry.closed_on or now.date(),
                    note=entry.note,
                )
                closed += 1
        audit.record(
            session,
            actor=actor,
            now=now,
            action="meeting_minutes",
            subject_type="weeklymeeting",
            subject_id=meeting.id,
            on=meeting.held_on,
            detail=f"{week_start} 周例会：待办 {len(planned)} 项，关闭 {closed} 项",
        )
    return MinutesRecorded(meeting, len(planned), closed)


def _checked_host(host: str) -> str:
    """The host's name as stored; Refused when it is longer than its column."""
    host = host.strip()
    if len(host) > HOST_MAX:
        raise Refused(f"周例会主持人：不能超过 {HOST_MAX} 个字（现为 {len(host)} 个字）")
    return host


def add_action_item(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    cycle_id: int,
    week_start: date,
    text: str,
    owner: str,
    due_on: date,
    project: str = "",
) -> MinutesRecorded:
    """Add one action item to a meeting, numbered after the ones it has (Refused naming each problem)."""
    meeting = _get_meeting(session, cycle_id=cycle_id, week_start=week_start)
    seq = 1 + max(
        (i.seq for i in meetings.list_meeting_items(session, meeting_id=meeting.id or 0)),
        default=0,
    )
    entry = ActionInput("命令行", 0, seq, project, text.strip(), owner.strip(), due_on)
    problems = [
        message
        for message, bad in (
            ("事项不能为空", not entry.text),
            ("责任人不能为空", not entry.owner),
            (f"完成时限 {due_on} 早于会议日期", due_on < week_start + timedelta(days=7)),
        )
        if bad
    ]
    if problems:
        raise ActionItemRefused(problems)
    return record_minutes(
        session,
        actor=actor,
        now=now,
        cycle_id=cycle_id,
        week_start=week_start,
        text="",
        attendees="",
        recorder="",
        entries=[entry],
    )
