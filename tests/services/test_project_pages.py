"""The office's read services: staff only, a calendar as of the office's now, the ledger as of a day."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from models.status import Role
from services import Actor, Forbidden, NotFound, Refused
from services.daily_report_pages import show_daily_report
from services.ledger_pages import show_ledger
from services.office_pages import list_agencies, list_weekly_meetings
from services.project_pages import list_projects, show_project
from tests.monitoring_builders import SHANGHAI, build_running_cycle, evening, store_report

STAFF = Actor(login="staff", name="街道专干", role=Role.STAFF, user_id=1)
NOW = datetime(2026, 6, 10, 9, tzinfo=SHANGHAI)


def agency_actor(agency_id: int) -> Actor:
    return Actor(login="a", name="机构", role=Role.AGENCY, user_id=2, agency_id=agency_id)


def test_an_agency_or_an_evaluator_is_refused_every_read(session: Session, tmp_path: Path) -> None:
    cycle = build_running_cycle(session, projects=1)
    report = store_report(session, cycle.project_ids[0], date(2026, 6, 1))
    evaluator = Actor(login="e", role=Role.EVALUATOR, user_id=3)
    for actor in (agency_actor(cycle.agency_ids[0]), evaluator):
        with pytest.raises(Forbidden):
            list_projects(session, actor=actor)
        with pytest.raises(Forbidden):
            show_project(
                session, actor=actor, now=NOW, project_id=cycle.project_ids[0], output_dir=tmp_path
            )
        with pytest.raises(Forbidden):
            show_daily_report(session, actor=actor, now=NOW, report_id=report.id or 0)
        with pytest.raises(Forbidden):
            show_ledger(session, actor=actor, as_of=NOW.date())
        with pytest.raises(Forbidden):
            list_agencies(session, actor=actor)
        with pytest.raises(Forbidden):
            list_weekly_meetings(session, actor=actor)


def test_the_project_page_opens_on_this_month_with_todays_report_not_yet_due(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    page = show_project(
        session, actor=STAFF, now=NOW, project_id=cycle.project_ids[0], output_dir=tmp_path
    )
    assert page.month == "2026-06"
    states = {c.day: c.state for c in page.cells}
    assert states[date(2026, 6, 9)] == "missing"
    assert states[date(2026, 6, 10)] == "pending"
    assert [t.seq for t in page.tranches] == [1, 2, 3]
    assert page.paid_fen == page.tranches[0].amount_fen
    assert page.project.contract_no == "GY-2026-001"


def test_unknown_ids_and_bad_filters_are_named(session: Session, tmp_path: Path) -> None:
    build_running_cycle(session, projects=1)
    with pytest.raises(NotFound, match="9999"):
        show_project(session, actor=STAFF, now=NOW, project_id=9999, output_dir=tmp_path)
    with pytest.raises(NotFound, match="日报告"):
        show_daily_report(session, actor=STAFF, now=NOW, report_id=9999)
    with pytest.raises(Refused, match="项目状态"):
        list_projects(session, actor=STAFF, status="lost")


def test_the_ledger_before_any_award_has_only_the_gift(session: Session) -> None:
    cycle = build_running_cycle(session, projects=2)
    ledger = show_ledger(session, actor=STAFF, as_of=date(2026, 5, 1), cycle_id=cycle.cycle_id)
    assert ledger.totals.raised_fen == 10_000_000
    assert ledger.totals.committed_fen == ledger.totals.paid_fen == 0
    assert [(d.name, d.cash_fen, d.committed_fen) for d in ledger.donors] == [
        ("爱心企业甲", 10_000_000, 0)
    ]
    later = show_ledger(session, actor=STAFF, as_of=date(2026, 6, 1), cycle_id=cycle.cycle_id)
    assert later.donors[0].committed_fen == later.totals.committed_fen > 0
    assert sum(p.money.paid_fen for p in later.projects) == later.totals.paid_fen


def test_a_paper_report_typed_in_later_counts_from_when_it_reached_the_office(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    report = store_report(
        session, cycle.project_ids[0], date(2026, 6, 2), sent=evening(date(2026, 6, 5))
    )
    late = show_project(
        session, actor=STAFF, now=NOW, project_id=cycle.project_ids[0], output_dir=tmp_path
    )
    assert {c.day: c.state for c in late.cells}[date(2026, 6, 2)] == "late"
    report.received_at = evening(date(2026, 6, 2), 17)
    session.add(report)
    session.commit()
    page = show_project(
        session, actor=STAFF, now=NOW, project_id=cycle.project_ids[0], output_dir=tmp_path
    )
    cell = next(c for c in page.cells if c.day == date(2026, 6, 2))
    assert (cell.state, cell.report_id) == ("filed", report.id)
