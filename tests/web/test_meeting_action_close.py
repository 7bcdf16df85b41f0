"""The office closes a weekly meeting's action item on the meeting's page, as the CLI does."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.monitoring import ActionItem
from models.register import DocumentRecord
from models.user import AuditEvent
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld


def _item(database_url: str, item_id: int) -> ActionItem:
    with Session(get_engine(database_url)) as session:
        item = session.get(ActionItem, item_id)
        assert item is not None
        return item


def test_the_officer_closes_an_item_on_its_date_and_the_minutes_are_published_again(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    meeting_id = _item(database_url, world.action_item_id).meeting_id
    token = sign_in(client, "staff")
    page = client.get(f"/officer/meetings/{meeting_id}").text
    form = f"/officer/meetings/{meeting_id}/actions/{world.action_item_id}"
    assert form in page
    later = client.post(form, data={"csrf_token": token, "note": "x", "on": "2999-01-01"})
    assert later.status_code == 400 and "晚于今天" in later.text
    assert _item(database_url, world.action_item_id).status == "open"
    closed = client.post(
        form,
        data={"csrf_token": token, "note": "已补齐签到表", "outcome": "done", "on": "2026-06-12"},
    )
    assert closed.status_code == 200 and "已关闭" in closed.text
    assert form not in closed.text  # no form once closed
    item = _item(database_url, world.action_item_id)
    assert (item.status, item.closed_on, item.closing_note) == (
        "done",
        date(2026, 6, 12),
        "已补齐签到表",
    )
    with Session(get_engine(database_url)) as session:
        [event] = session.exec(
            select(AuditEvent).where(AuditEvent.action == "action_item_done")
        ).all()
        minutes = session.exec(
            select(DocumentRecord).where(
                DocumentRecord.kind.in_(("weekly_minutes", "weekly_agenda"))
            )  # type: ignore[attr-defined]
        ).all()
    assert event.business_on == date(2026, 6, 12) and "staff" in event.actor
    assert minutes, "closing an item publishes the meeting's document again"


def test_an_agency_cannot_close_from_the_office_page(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    meeting_id = _item(database_url, world.action_item_id).meeting_id
    token = sign_in(client, "agency1")
    refused = client.post(
        f"/officer/meetings/{meeting_id}/actions/{world.action_item_id}",
        data={"csrf_token": token, "note": "x"},
    )
    assert refused.status_code == 403
    assert _item(database_url, world.action_item_id).status == "open"
