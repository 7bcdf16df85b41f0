"""Closing an action item, recording minutes and adding an item, on a real session."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import Session, select

from models.action_items import ActionInput
from models.monitoring import ActionItem, WeeklyMeeting
from models.project import Project
from models.rows import RowsRejected
from models.status import Role
from models.user import AuditEvent
from services import Actor, Forbidden, NotFound, Refused, clerk
from services.meetings import (
    ActionItemRefused,
    MinutesRecorded,
    add_action_item,
    close_action_item,
    record_minutes,
)
from tests.monitoring_builders import SHANGHAI, RunningCycle, build_running_cycle

NOW = datetime(2026, 6, 16, 9, tzinfo=SHANGHAI)
WEEK = date(2026, 6, 8)


def agency(cycle: RunningCycle, n: int = 0) -> Actor:
    return Actor(
        login=f"agency{n + 1}",
        name="机构用户",
        role=Role.AGENCY,
        user_id=10 + n,
        agency_id=cycle.agency_ids[n],
        address="10.0.0.1",
    )


def world(session: Session) -> tuple[RunningCycle, dict[str, int]]:
    """Two agencies' projects and a meeting with an item on each and one for everyone."""
    cycle = build_running_cycle(session, projects=2)
    meeting = WeeklyMeeting(cycle_id=cycle.cycle_id, week_start=WEEK, held_on=date(2026, 6, 15))
    session.add(meeting)
    session.flush()
    items = {}
    for seq, (name, project) in enumerate(
        (("mine", cycle.project_ids[0]), ("theirs", cycle.project_ids[1]), ("all", None)), 1
    ):
        item = ActionItem(
            meeting_id=meeting.id or 0,
            seq=seq,
            project_id=project,
            text=f"事项{seq}",
            owner="机构",
            due_on=date(2026, 6, 19),
        )
        session.add(item)
        session.flush()
        items[name] = item.id or 0
    session.commit()
    return cycle, items


def events(session: Session) -> list[tuple[str, int | None, str, str]]:
    session.expire_all()
    found = session.exec(select(AuditEvent).order_by(AuditEvent.id))
    return [(e.action, e.subject_id, e.actor, e.ip) for e in found]


def test_an_agency_closes_its_own_item_once(session: Session) -> None:
    cycle, items = world(session)
    actor = agency(cycle)
    closed = close_action_item(session, actor=actor, now=NOW, item_id=items["mine"], note=" 已办 ")
    assert closed.changed and closed.item.status == "done"
    session.expire_all()
    stored = session.get(ActionItem, items["mine"])
    assert stored is not None
    assert (stored.status, stored.closed_on, stored.closing_note) == ("done", NOW.date(), "已办")
    again = close_action_item(session, actor=actor, now=NOW, item_id=items["mine"], note="再次")
    assert not again.changed
    assert events(session) == [
        ("action_item_done", items["mine"], "agency1（机构用户）", "10.0.0.1")
    ]
    session.expire_all()
    assert session.get(ActionItem, items["mine"]).closing_note == "已办"  # type: ignore[union-attr]


def test_another_agencys_item_and_an_item_for_everyone_are_not_found(session: Session) -> None:
    cycle, items = world(session)
    for name in ("theirs", "all"):
        with pytest.raises(NotFound, match=f"找不到待办事项 #{items[name]}$"):
            close_action_item(session, actor=agency(cycle), now=NOW, item_id=items[name])
    with pytest.raises(NotFound, match=r"找不到待办事项 #777$"):
        close_action_item(session, actor=agency(cycle), now=NOW, item_id=777)
    with pytest.raises(NotFound):
        close_action_item(session, actor=clerk(), now=NOW, item_id=777)
    assert events(session) == []
    # The office closes any item, the one for everyone too, on the day it says.
    closed = close_action_item(
        session, actor=clerk(), now=NOW, item_id=items["all"], on=date(2026, 6, 15)
    )
    assert closed.item.closed_on == date(2026, 6, 15)
    assert [e[0] for e in events(session)] == ["action_item_done"]


def test_only_the_office_drops_an_item_and_a_dropped_item_is_not_done(session: Session) -> None:
    cycle, items = world(session)
    with pytest.raises(Refused):
        close_action_item(
            session, actor=agency(cycle), now=NOW, item_id=items["mine"], dropped=True
        )
    close_action_item(session, actor=clerk(), now=NOW, item_id=items["mine"], dropped=True)
    with pytest.raises(Refused, match="不能改为「已完成」"):
        close_action_item(session, actor=agency(cycle), now=NOW, item_id=items["mine"])
    with pytest.raises(Forbidden):
        close_action_item(
            session,
            actor=Actor(login="e", role=Role.EVALUATOR, user_id=5),
            now=NOW,
            item_id=items["mine"],
        )
    assert [e[0] for e in events(session)] == ["action_item_dropped"]


def record(
    session: Session,
    cycle: RunningCycle,
    *,
    entries: list[ActionInput],
    actor: Actor | None = None,
    week_start: date = WEEK,
    text: str = "",
    attendees: str = "",
    recorder: str = "",
    host: str = "",
) -> MinutesRecorded:
    """Record a meeting's minutes through the service, as the office's clerk unless told."""
    return record_minutes(
        session,
        actor=actor or clerk(),
        now=NOW,
        cycle_id=cycle.cycle_id,
        week_start=week_start,
        text=text,
        attendees=attendees,
        recorder=recorder,
        entries=entries,
        host=host,
    )


def entry(seq: int, project: str, status: str = "open", row: int = 2) -> ActionInput:
    closed_on = date(2026, 6, 17) if status != "open" else None
    return ActionInput(
        "a.csv",
        row,
        seq,
        project,
        f"事项{seq}",
        "机构",
        date(2026, 6, 19),
        status,
        closed_on,
        "说明",
    )


def test_minutes_store_items_and_close_the_done_ones_all_or_nothing(session: Session) -> None:
    cycle, _ = world(session)
    with pytest.raises(RowsRejected):
        record(
            session,
            cycle,
            entries=[entry(4, cycle.titles[0]), entry(5, "没有的项目", row=3)],
            text="会议记录",
            attendees="各机构",
            recorder="李",
        )
    session.expire_all()
    assert len(session.exec(select(ActionItem)).all()) == 3
    recorded = record(
        session,
        cycle,
        entries=[entry(4, cycle.titles[0]), entry(5, "", status="done")],
        text="会议记录",
        attendees="各机构",
        recorder="李",
    )
    assert (recorded.action_items, recorded.closed) == (2, 1)
    assert recorded.meeting.minutes == "会议记录"
    assert [e[0] for e in events(session)] == ["action_item_done", "meeting_minutes"]
    with pytest.raises(Forbidden):
        record(session, cycle, entries=[], actor=agency(cycle))
    with pytest.raises(NotFound, match="2026-06-01"):
        record(session, cycle, entries=[], week_start=date(2026, 6, 1))


def test_minutes_store_their_host_and_refuse_one_longer_than_the_column(
    session: Session,
) -> None:
    cycle, _ = world(session)

    def hosted_by(host: str) -> WeeklyMeeting:
        return record(session, cycle, entries=[], text="会议记录", host=host).meeting

    assert hosted_by(" 周振华 ").host == "周振华"
    with pytest.raises(Refused, match="主持人"):
        hosted_by("周" * 101)
    session.expire_all()
    assert session.exec(select(WeeklyMeeting)).one().host == "周振华"


def test_an_added_item_is_numbered_after_the_others_and_checked(session: Session) -> None:
    cycle, _ = world(session)
    with pytest.raises(ActionItemRefused) as refused:
        add_action_item(
            session,
            actor=clerk(),
            now=NOW,
            cycle_id=cycle.cycle_id,
            week_start=WEEK,
            text=" ",
            owner="",
            due_on=date(2026, 6, 10),
        )
    assert refused.value.problems == [
        "事项不能为空",
        "责任人不能为空",
        "完成时限 2026-06-10 早于会议日期",
    ]
    add_action_item(
        session,
        actor=clerk(),
        now=NOW,
        cycle_id=cycle.cycle_id,
        week_start=WEEK,
        text="补交签到表",
        owner="机构一",
        due_on=date(2026, 6, 19),
        project=cycle.titles[0],
    )
    session.expire_all()
    added = session.exec(select(ActionItem).where(ActionItem.seq == 4)).one()
    assert (added.text, added.project_id) == ("补交签到表", cycle.project_ids[0])


def test_an_item_naming_a_title_two_projects_share_is_refused(session: Session) -> None:
    cycle, _ = world(session)
    second = session.get(Project, cycle.project_ids[1])
    assert second is not None
    second.title = cycle.titles[0]
    session.add(second)
    session.commit()
    with pytest.raises(RowsRejected) as refused:
        record(session, cycle, entries=[entry(4, cycle.titles[0])])
    assert "请改填项目编号" in str(refused.value.errors[0])
    recorded = record(session, cycle, entries=[entry(4, str(cycle.project_ids[1]))])
    assert recorded.action_items == 1
    session.expire_all()
    added = session.exec(select(ActionItem).where(ActionItem.seq == 4)).one()
    assert added.project_id == cycle.project_ids[1]
