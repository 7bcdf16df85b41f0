"""Excusing days from daily reports: office only, a range at once, audited, idempotent."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import Session, select

from models.monitoring import ExcusedDay
from models.status import Role
from models.user import AuditEvent
from services import Actor, Forbidden, NotFound, Refused, clerk
from services.excused_days import excuse_days
from tests.monitoring_builders import SHANGHAI, build_running_cycle

NOW = datetime(2026, 6, 22, 10, tzinfo=SHANGHAI)


def excused(session: Session) -> list[tuple[date, str, str]]:
    session.expire_all()
    rows = session.exec(select(ExcusedDay).order_by(ExcusedDay.day))
    return [(r.day, r.reason, r.excused_at.astimezone(SHANGHAI).date().isoformat()) for r in rows]


def test_an_officer_excuses_the_working_days_of_a_range_on_a_business_date(
    session: Session,
) -> None:
    cycle = build_running_cycle(session, projects=1)
    result = excuse_days(
        session,
        actor=clerk(),
        now=NOW,
        project_id=cycle.project_ids[0],
        first=date(2026, 6, 5),
        last=date(2026, 6, 9),
        reason="场地维修",
        on=date(2026, 6, 4),
    )
    assert result.added == (date(2026, 6, 5), date(2026, 6, 8), date(2026, 6, 9))
    assert excused(session) == [(d, "场地维修", "2026-06-04") for d in result.added]
    [event] = session.exec(select(AuditEvent)).all()
    assert event.action == "daily_reports_excused" and "免交 3 天" in event.detail


def test_excusing_again_leaves_the_days_already_excused(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    pid = cycle.project_ids[0]
    kwargs = {"actor": clerk(), "now": NOW, "project_id": pid, "reason": "病假"}
    excuse_days(session, first=date(2026, 6, 8), **kwargs)  # type: ignore[arg-type]
    again = excuse_days(session, first=date(2026, 6, 8), last=date(2026, 6, 9), **kwargs)  # type: ignore[arg-type]
    assert (again.added, again.already) == ((date(2026, 6, 9),), (date(2026, 6, 8),))
    assert len(excused(session)) == 2


def test_an_agency_cannot_excuse_its_own_days(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    agency = Actor(login="a", name="机构", role=Role.AGENCY, agency_id=cycle.agency_ids[0])
    with pytest.raises(Forbidden):
        excuse_days(
            session,
            actor=agency,
            now=NOW,
            project_id=cycle.project_ids[0],
            first=date(2026, 6, 8),
            reason="病假",
        )
    assert excused(session) == []


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"reason": " "}, Refused, "免交原因"),
        ({"first": date(2026, 5, 29)}, Refused, "超出项目执行期"),
        ({"on": date(2026, 6, 23)}, Refused, "晚于今天"),
        ({"project_id": 999}, NotFound, "#999"),
    ],
)
def test_a_bad_excuse_is_refused_and_stores_nothing(
    session: Session, kwargs, error, message
) -> None:  # type: ignore[no-untyped-def]
    cycle = build_running_cycle(session, projects=1)
    given = {
        "project_id": cycle.project_ids[0],
        "first": date(2026, 6, 8),
        "reason": "病假",
    } | kwargs
    with pytest.raises(error, match=message):
        excuse_days(session, actor=clerk(), now=NOW, **given)
    assert excused(session) == []
