"""The audit trail through `services.audit.record`: the same columns the portal always wrote."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from models.status import Role
from services import Actor, audit
from store.database import unit_of_work
from store.users import list_audit_events

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 1, 17, 30, tzinfo=SHANGHAI)


def test_an_account_is_named_by_login_and_name_from_its_address(session: Session) -> None:
    actor = Actor(
        login="agency1", name="机构一用户", role=Role.AGENCY, user_id=3, address="10.0.0.7"
    )
    with unit_of_work(session):
        audit.record(
            session,
            actor=actor,
            now=NOW,
            action="download",
            subject_type="file",
            subject_id=4,
            detail="x" * 1200,
        )
    session.expire_all()
    [event] = list_audit_events(session)
    assert (event.actor, event.action, event.subject_type, event.subject_id, event.ip) == (
        "agency1（机构一用户）",
        "download",
        "file",
        4,
        "10.0.0.7",
    )
    assert event.detail == "x" * 1000
    at = event.at if event.at.tzinfo else event.at.replace(tzinfo=UTC)
    assert at == NOW  # stored in UTC: 09:30Z
    assert at.astimezone(UTC).hour == 9


def test_nobody_signed_in_is_anonymous_and_a_flow_is_its_label(session: Session) -> None:
    with unit_of_work(session):
        audit.record(
            session,
            actor=Actor(login="", address="10.0.0.9"),
            now=NOW,
            action="login_failed",
            subject_type="account",
            detail="staff",
        )
        audit.record(session, actor=None, now=NOW, action="login_failed", subject_type="account")
        audit.record(
            session,
            actor=Actor(login="needs_survey"),
            now=NOW,
            action="export_needs",
            subject_type="cycle",
            subject_id=1,
        )
    assert [(e.actor, e.ip) for e in list_audit_events(session)] == [
        ("匿名", "10.0.0.9"),
        ("匿名", ""),
        ("needs_survey", ""),
    ]


def test_an_event_is_rolled_back_with_the_use_case_that_failed(session: Session) -> None:
    try:
        with unit_of_work(session):
            audit.record(session, actor=None, now=NOW, action="x", subject_type="y")
            raise RuntimeError("the write failed")
    except RuntimeError:
        pass
    assert list_audit_events(session) == []
