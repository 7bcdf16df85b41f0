"""Recording a weekly meeting's minutes: the portal's form and `gongyi monitor minutes` store the same.

Both doors run the flow `record_minutes` (services.meetings.record_minutes, then the
周例会纪要 PDF re-issued through the document register). The same text, people and
action-item sheet, sent for two meetings of the cycle, leave two meetings alike; a
bad sheet is refused naming its row and column, through either door, and nothing is
written.
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
from models.monitoring import ActionItem, WeeklyMeeting
from models.register import DocumentRecord as Document
from models.user import AuditEvent
from store.database import get_engine
from store.migrate import get_alembic_config
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

MINUTES = "一、通报上周日报告情况。\n二、部署下周入户走访。"
SHEET = "序号,项目名称,事项,责任人,完成时限\n1,,补齐签到表,社工甲,2026-06-30\n2,,提交活动照片,社工乙,2026-07-03\n"
BAD_SHEET = "序号,项目名称,事项,责任人,完成时限\n1,,补齐签到表,社工甲,2026-05-01\n"


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


def second_meeting(database_url: str, world: PortalWorld) -> int:
    with Session(get_engine(database_url)) as session:
        meeting = WeeklyMeeting(
            cycle_id=world.cycle_id, week_start=date(2026, 6, 8), held_on=date(2026, 6, 15)
        )
        session.add(meeting)
        session.commit()
        return meeting.id or 0


def stored(database_url: str, week_start: date) -> tuple[Any, ...]:
    with Session(get_engine(database_url)) as session:
        meeting = session.exec(
            select(WeeklyMeeting).where(WeeklyMeeting.week_start == week_start)
        ).one()
        items = session.exec(
            select(ActionItem).where(ActionItem.meeting_id == meeting.id).order_by(ActionItem.seq)
        ).all()
        pdfs = session.exec(
            select(Document).where(
                Document.kind == "weekly_minutes", Document.period == week_start.isoformat()
            )
        ).all()
        return (
            meeting.minutes,
            meeting.attendees,
            meeting.host,
            meeting.recorder,
            [(i.seq, i.text, i.owner, i.due_on, i.status) for i in items],
            len(pdfs),
        )


def post_minutes(client: TestClient, token: str, meeting_id: int, sheet: str) -> Any:
    return client.post(
        f"/officer/meetings/{meeting_id}/minutes",
        data={
            "csrf_token": token,
            "minutes": MINUTES,
            "attendees": "街道、机构一、机构二",
            "host": "王主任",
            "recorder": "李干事",
            "on": "",
        },
        files={"actions": ("待办事项表.csv", sheet.encode("utf-8"), "text/csv")},
    )


def test_minutes_from_the_page_store_the_same_meeting_as_the_cli(
    client: TestClient, world: PortalWorld, database_url: str, cli: Any, tmp_path: Path
) -> None:
    first = world.action_item_id
    with Session(get_engine(database_url)) as session:
        item = session.get(ActionItem, first)
        assert item is not None
        portal_meeting = item.meeting_id
    second_meeting(database_url, world)
    # The world's meeting has an item #1 of its own: the sheet's #1 replaces it, as on the CLI's.
    token = sign_in(client, "staff")
    page = client.get(f"/officer/meetings/{portal_meeting}").text
    assert f'action="/officer/meetings/{portal_meeting}/minutes"' in page
    assert "/officer/templates/actions.xlsx" in page and 'name="minutes"' in page

    done = post_minutes(client, token, portal_meeting, SHEET)
    (tmp_path / "minutes.txt").write_text(MINUTES, encoding="utf-8")
    (tmp_path / "待办事项表.csv").write_text(SHEET, encoding="utf-8")
    result = cli(
        "monitor", "minutes", "2026-06-08",
        "--text", str(tmp_path / "minutes.txt"),
        "--actions", str(tmp_path / "待办事项表.csv"),
        "--attendees", "街道、机构一、机构二",
        "--host", "王主任",
        "--recorder", "李干事",
    )  # fmt: skip

    assert done.status_code == 200, done.text
    assert "纪要已保存：待办 2 项" in html.unescape(done.text)
    assert result.exit_code == 0, result.output
    from_portal, from_cli = (
        stored(database_url, date(2026, 6, 1)),
        stored(database_url, date(2026, 6, 8)),
    )
    assert from_portal == from_cli
    assert from_portal[0] == MINUTES and from_portal[2:4] == ("王主任", "李干事")
    assert [i[1] for i in from_portal[4]] == ["补齐签到表", "提交活动照片"]
    assert from_portal[5] == 1
    with Session(get_engine(database_url)) as session:
        actors = [
            e.actor
            for e in session.exec(
                select(AuditEvent)
                .where(AuditEvent.action == "meeting_minutes")
                .order_by(AuditEvent.id)
            )
        ]
    assert actors[0] == "staff（街道专干）" and len(actors) == 2


def test_a_bad_action_sheet_or_a_future_date_is_refused_on_the_page_and_nothing_is_written(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    with Session(get_engine(database_url)) as session:
        item = session.get(ActionItem, world.action_item_id)
        assert item is not None
        meeting_id = item.meeting_id
    before = stored(database_url, date(2026, 6, 1))
    token = sign_in(client, "staff")

    refused = post_minutes(client, token, meeting_id, BAD_SHEET)
    future = client.post(
        f"/officer/meetings/{meeting_id}/minutes",
        data={"csrf_token": token, "minutes": MINUTES, "on": "2099-01-01"},
    )

    text = html.unescape(refused.text)
    assert refused.status_code == 400
    assert "待办事项表.csv 第 2 行「完成时限」" in text and "纪要未保存" in text
    assert MINUTES.splitlines()[0] in text  # the typed minutes are kept on the page
    assert future.status_code == 400 and "纪要日期 2099-01-01 晚于今天" in html.unescape(
        future.text
    )
    assert stored(database_url, date(2026, 6, 1)) == before
    agency_token = sign_in(client, "agency1")
    agency = client.post(
        f"/officer/meetings/{meeting_id}/minutes", data={"csrf_token": agency_token}
    )
    assert agency.status_code == 403
