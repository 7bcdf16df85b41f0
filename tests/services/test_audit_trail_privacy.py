"""Issue #17: the audit trail's reader sees personal numbers masked, and the reading is logged."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from models.status import Role
from services import Actor, Forbidden, audit
from store.users import list_audit_events

NOW = datetime(2026, 7, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
STAFF = Actor(login="staff", name="街道工作人员", role=Role.STAFF, user_id=3, address="10.0.0.9")
NEED = "张阿姨需要助餐，电话tel13955501235，身份证ID340302195001011235"


def _planted(session: Session) -> None:
    audit.record(
        session,
        actor=None,
        now=NOW,
        action="need_submitted",
        subject_type="need",
        subject_id=1,
        detail=NEED,
    )
    session.commit()


def test_the_trail_shows_need_text_with_numbers_masked(session: Session) -> None:
    _planted(session)
    entries = audit.read_trail(session, actor=STAFF, now=NOW, action="need_submitted")
    [entry] = entries
    assert "13955501235" not in entry.detail and "340302195001011235" not in entry.detail
    assert "139****1235" in entry.detail and "340302********1235" in entry.detail


def test_reading_the_trail_is_logged(session: Session) -> None:
    _planted(session)
    audit.read_trail(session, actor=STAFF, now=NOW, who="匿名")
    session.rollback()  # the view's event was committed by the service
    [view] = list_audit_events(session, action="view_audit_log")
    assert (view.actor, view.ip) == ("staff（街道工作人员）", "10.0.0.9")
    assert "1 条" in view.detail and "操作人=匿名" in view.detail


def test_an_agency_may_not_read_the_trail(session: Session) -> None:
    agency = Actor(login="agency1", name="机构一", role=Role.AGENCY, user_id=7, agency_id=1)
    with pytest.raises(Forbidden):
        audit.read_trail(session, actor=agency, now=NOW)
    assert list_audit_events(session, action="view_audit_log") == []
