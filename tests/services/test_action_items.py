"""Listing a cycle's action items with their ids: office only, open ones on request."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from models.monitoring import ActionItem, WeeklyMeeting
from models.status import ActionItemStatus, Role
from services import Actor, Forbidden, NotFound, clerk
from services.action_items import list_action_items, meeting_of_item
from tests.monitoring_builders import build_running_cycle


def add_items(session: Session, cycle_id: int, project_id: int) -> list[int]:
    meeting = WeeklyMeeting(
        cycle_id=cycle_id, week_start=date(2026, 6, 8), held_on=date(2026, 6, 15)
    )
    session.add(meeting)
    session.flush()
    items = [
        ActionItem(
            meeting_id=meeting.id,
            seq=1,
            project_id=project_id,
            text="补交照片",
            owner="机构",
            due_on=date(2026, 6, 19),
        ),  # type: ignore[arg-type]
        ActionItem(
            meeting_id=meeting.id,
            seq=2,
            text="统一台账格式",
            owner="街道",
            due_on=date(2026, 6, 26),
            status=ActionItemStatus.DONE,
            closed_on=date(2026, 6, 20),
        ),  # type: ignore[arg-type]
    ]
    session.add_all(items)
    session.commit()
    return [i.id or 0 for i in items]


def test_the_office_lists_every_item_or_only_the_open_ones(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    first, second = add_items(session, cycle.cycle_id, cycle.project_ids[0])
    rows = list_action_items(session, actor=clerk(), cycle_id=cycle.cycle_id)
    assert [(r.item_id, r.project, r.status_label) for r in rows] == [
        (first, "测试项目1", "未完成"),
        (second, "全体项目", "已完成"),
    ]
    open_rows = list_action_items(session, actor=clerk(), cycle_id=cycle.cycle_id, open_only=True)
    assert [r.item_id for r in open_rows] == [first]
    assert meeting_of_item(session, item_id=second) == (cycle.cycle_id, date(2026, 6, 8))


def test_an_agency_cannot_list_every_item_and_a_missing_item_has_no_meeting(
    session: Session,
) -> None:
    cycle = build_running_cycle(session, projects=1)
    agency = Actor(login="a", name="机构", role=Role.AGENCY, agency_id=cycle.agency_ids[0])
    with pytest.raises(Forbidden):
        list_action_items(session, actor=agency, cycle_id=cycle.cycle_id)
    with pytest.raises(NotFound, match="#999"):
        meeting_of_item(session, item_id=999)
