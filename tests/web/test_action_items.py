"""An agency marks its weekly-meeting action items done from the portal."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.monitoring import ActionItem
from models.user import AuditEvent
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld


def _item(database_url: str, item_id: int) -> ActionItem:
    with Session(get_engine(database_url)) as session:
        item = session.get(ActionItem, item_id)
        assert item is not None
        return item


def test_the_agency_marks_an_action_item_done_once_with_what_was_done(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, "agency1")
    page = client.get("/agency/actions").text
    assert "补齐六月第一周的签到表" in page and f"/agency/actions/{world.action_item_id}" in page
    note = "<script>alert(1)</script>已补齐签到表"
    done = client.post(
        f"/agency/actions/{world.action_item_id}", data={"csrf_token": token, "note": note}
    )
    assert done.status_code == 200 and "已标记完成" in done.text
    assert "<script>alert(1)</script>" not in done.text and "&lt;script&gt;" in done.text
    assert f'/agency/actions/{world.action_item_id}"' not in done.text  # no form once done
    item = _item(database_url, world.action_item_id)
    assert item.status == "done" and item.closing_note == note and item.closed_on is not None
    again = client.post(
        f"/agency/actions/{world.action_item_id}", data={"csrf_token": token, "note": "再点一次"}
    )
    assert again.status_code == 200 and "已经完成" in again.text
    assert _item(database_url, world.action_item_id).closing_note == note
    with Session(get_engine(database_url)) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "action_item_done"))
        assert len(events.all()) == 1


def test_another_agency_cannot_see_or_close_the_item(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, "agency2")
    assert "补齐六月第一周的签到表" not in client.get("/agency/actions").text
    refused = client.post(
        f"/agency/actions/{world.action_item_id}", data={"csrf_token": token, "note": "x"}
    )
    assert refused.status_code == 404
    assert _item(database_url, world.action_item_id).status == "open"


def test_a_missing_csrf_token_closes_nothing(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    sign_in(client, "agency1")
    refused = client.post(f"/agency/actions/{world.action_item_id}", data={"note": "x"})
    assert refused.status_code == 403
    assert _item(database_url, world.action_item_id).status == "open"
