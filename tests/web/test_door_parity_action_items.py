"""Closing a weekly meeting's action item: the portal and the CLI give the same outcome.

Both doors call `services.meetings.close_action_item`: the item is stored done
with its note and date and one audit event, a second close through either door
records nothing twice, and a refusal (an item not the agency's, one that does
not exist, one already dropped) reads the same.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from cli import app
from models.monitoring import ActionItem
from models.user import AuditEvent
from settings import Settings
from store.database import get_engine
from store.migrate import get_alembic_config
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture
def cli(runner, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Invoke `gongyi` on the portal's database (already at the newest schema)."""
    from prefect.logging.configuration import setup_logging

    monkeypatch.setenv("GONGYI_VAR_DIR", str(tmp_path / "var"))
    command.stamp(get_alembic_config(database_url), "head")

    def invoke(*args: str) -> Any:
        try:
            return runner.invoke(app, list(args))
        finally:
            setup_logging(incremental=False)

    return invoke


def add_item(database_url: str, world: PortalWorld, *, project: int, text: str) -> int:
    """Add another item to the world's meeting."""
    with Session(get_engine(database_url)) as session:
        first = session.get(ActionItem, world.action_item_id)
        assert first is not None
        item = ActionItem(
            meeting_id=first.meeting_id,
            seq=first.seq + project,
            project_id=project,
            text=text,
            owner="机构",
            due_on=date(2026, 6, 12),
        )
        session.add(item)
        session.commit()
        return item.id or 0


def item_of(database_url: str, item_id: int) -> ActionItem:
    with Session(get_engine(database_url)) as session:
        item = session.get(ActionItem, item_id)
        assert item is not None
        return item


def closes(database_url: str) -> list[tuple[int | None, str]]:
    with Session(get_engine(database_url)) as session:
        events = session.exec(
            select(AuditEvent)
            .where(AuditEvent.action.startswith("action_item_"))  # type: ignore[attr-defined]
            .order_by(AuditEvent.id)
        )
        return [(e.subject_id, e.action) for e in events]


def portal_close(client: TestClient, token: str, item_id: int, note: str) -> Any:
    return client.post(f"/agency/actions/{item_id}", data={"csrf_token": token, "note": note})


def test_closing_through_the_portal_or_the_cli_stores_the_same_and_never_twice(
    client: TestClient, world: PortalWorld, database_url: str, cli: Any
) -> None:
    token = sign_in(client, "agency1")
    first = world.action_item_id
    second = add_item(database_url, world, project=world.project_ids[0], text="补交活动照片")
    today = Settings().today()

    portal = portal_close(client, token, first, "已补齐签到表")
    command_line = cli("monitor", "action", "close", str(second), "--note", "已补交照片")
    assert portal.status_code == 200 and "已标记完成" in portal.text
    assert command_line.exit_code == 0, command_line.output
    assert "已完成" in command_line.output
    done = [item_of(database_url, n) for n in (first, second)]
    assert [(i.status, i.closed_on) for i in done] == [("done", today)] * 2
    assert [i.closing_note for i in done] == ["已补齐签到表", "已补交照片"]
    assert closes(database_url) == [(first, "action_item_done"), (second, "action_item_done")]

    # The second close, each through the other door: nothing changes, nothing is recorded.
    again_portal = portal_close(client, token, second, "再点一次")
    again_cli = cli("monitor", "action", "close", str(first), "--note", "再来一次")
    assert again_portal.status_code == 200 and "已经完成" in again_portal.text
    assert again_cli.exit_code == 0 and "已是该状态" in again_cli.output
    assert [item_of(database_url, n).closing_note for n in (first, second)] == [
        "已补齐签到表",
        "已补交照片",
    ]
    assert len(closes(database_url)) == 2


def test_an_item_not_the_agencys_reads_like_one_that_does_not_exist(
    client: TestClient, world: PortalWorld, database_url: str, cli: Any
) -> None:
    theirs = add_item(database_url, world, project=world.project_ids[1], text="机构二的待办")
    token = sign_in(client, "agency1")
    refused = portal_close(client, token, theirs, "不是我的")
    missing = portal_close(client, token, 99_999, "没有这项")
    command_line = cli("monitor", "action", "close", "99999")
    assert refused.status_code == missing.status_code == 404
    assert f"找不到待办事项 #{theirs}" in html.unescape(refused.text)
    assert "找不到待办事项 #99999" in html.unescape(missing.text)
    assert command_line.exit_code == 1 and "找不到待办事项 #99999" in command_line.output
    assert item_of(database_url, theirs).status == "open"
    assert closes(database_url) == []


def test_a_dropped_item_is_refused_alike_by_both_doors(
    client: TestClient, world: PortalWorld, database_url: str, cli: Any
) -> None:
    item = world.action_item_id
    dropped = cli("monitor", "action", "close", str(item), "--dropped", "--note", "不再需要")
    assert dropped.exit_code == 0, dropped.output
    again = cli("monitor", "action", "close", str(item))
    token = sign_in(client, "agency1")
    portal = portal_close(client, token, item, "已完成")
    reason = "待办事项已是「取消」，不能改为「已完成」"
    assert again.exit_code == 1 and reason in again.output
    assert portal.status_code == 200 and reason in html.unescape(portal.text)
    stored = item_of(database_url, item)
    assert (stored.status, stored.closing_note) == ("dropped", "不再需要")
    assert closes(database_url) == [(item, "action_item_dropped")]
