"""One number everywhere: each headline figure agrees across the documents and the dashboard.

A small cycle's documents are built as their flows build them — the street
summary, the cycle report, the donor statements, the needs survey — and the
officer's dashboard is read through the portal; needs per domain, money,
people reached and 服务人次, and reports on time must be the same figures as
`services.figures` gives for the same day.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from flows.closing.cycle_report_context import cycle_report_context
from flows.fund.fund_reports import build_donor_statements
from flows.monitoring.street_summary import street_summary_context
from models.money import format_fen
from models.status import Role
from services import figures
from services.needs_survey import needs_survey_context
from settings import Settings
from store import cycles
from store.accounts import add_account
from tests.flows.figures_world import JUNE, JUNE_END, SUMMARY_DAY, FiguresWorld, build_figures_world
from tests.monitoring_builders import SHANGHAI
from tests.web.conftest import sign_in
from web.app import create_app

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
REPORT_DAY = date(2026, 12, 1)
PERIOD_END = date(2026, 7, 31)
SURVEY_DAY = date(2026, 5, 22)


class ClockOn(Settings):
    """Settings whose clock stands on the cycle report's day."""

    def now(self) -> datetime:
        return datetime(2026, 12, 1, 10, tzinfo=SHANGHAI)


def _dashboard(database_url: str, tmp_path: Path, session: Session) -> str:
    add_account(
        session, login="officer", password="figures-pass-1", name="街道专干", role=Role.STAFF
    )
    session.commit()
    (tmp_path / "output").mkdir(exist_ok=True)
    settings = ClockOn(
        database_url=database_url, output_dir=tmp_path / "output", var_dir=tmp_path / "var"
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        sign_in(client, "officer", "figures-pass-1")
        page = client.get("/officer")
    assert page.status_code == 200, page.text
    return re.sub(r"\s+", " ", page.text)


def _world(session: Session) -> tuple[FiguresWorld, dict[str, str]]:
    world = build_figures_world(session)
    names = {d.key: d.name for d in cycles.list_domains(session, cycle_id=world.cycle_id)}
    return world, names


def test_each_headline_figure_agrees_across_documents_and_dashboard(
    session: Session, database_url: str, tmp_path: Path
) -> None:
    world, names = _world(session)
    street = street_summary_context(
        session, cycle_id=world.cycle_id, month=JUNE, today=SUMMARY_DAY, tz=SHANGHAI
    )
    report = cycle_report_context(
        session, cycle_id=world.cycle_id, period_end=PERIOD_END, today=REPORT_DAY, rules_version=1
    )
    statements = build_donor_statements.fn(world.cycle_id, REPORT_DAY)
    html = _dashboard(database_url, tmp_path, session)
    figure = {f.label: f.value for f in report.figures}

    # Needs per domain, pending ones included: the street summary, the dashboard, the function.
    needs = figures.needs_by_domain(session, cycle_id=world.cycle_id, as_of=JUNE_END)
    assert needs.pending == 2 and needs.unsorted.groups == 1
    for row in street.domain_rows:
        key = next(k for k, n in names.items() if n == row.domain_name)
        assert row.needs == needs.of(key).groups, row.domain_name
        pending = needs.of(key).pending
        assert f"<td>{row.domain_name}</td><td>{row.needs}" in html
        assert (
            f"待人工确认 {pending}" in html.split(f"<td>{row.domain_name}</td>")[1][:200]
        ) == bool(pending)

    # Money as of the report's day: cycle report, donor statements, dashboard.
    money = figures.money_as_of(session, cycle_id=world.cycle_id, as_of=REPORT_DAY)
    assert money.paid_fen > street.paid_fen  # September's tranches came after June
    assert figure["募集资金"] == format_fen(money.raised_fen)
    assert figure["承诺资助"] == format_fen(money.committed_fen)
    assert figure["已拨付"] == format_fen(money.paid_fen)
    assert figure["结余退回"] == format_fen(money.refunded_fen)
    assert figure["释放承诺"] == format_fen(money.released_fen)
    assert {s.fund_paid_fen for s in statements} == {money.paid_fen}
    assert {s.fund_committed_fen for s in statements} == {money.committed_fen}
    assert {s.fund_raised_fen for s in statements} == {money.raised_fen}
    for label, fen in (
        ("募集", money.raised_fen),
        ("已承诺", money.committed_fen),
        ("已拨付", money.paid_fen),
    ):
        assert f"{label} {fen / 100:,.2f}" in html, label
    # ...and as of June's end in the street summary.
    june_money = figures.money_as_of(session, cycle_id=world.cycle_id, as_of=JUNE_END)
    assert (street.fund_raised_fen, street.committed_fen, street.paid_fen) == (
        june_money.raised_fen,
        june_money.committed_fen,
        june_money.paid_fen,
    )

    # People reached (distinct) and 服务人次, planned beside achieved.
    people = figures.people_reached(
        session, cycle_id=world.cycle_id, last=PERIOD_END, known_by=REPORT_DAY
    )
    assert people.beneficiaries < people.service_visits
    assert figure["受益人数"] == f"{people.beneficiaries:,}"
    assert figure["服务人次"] == f"{people.service_visits:,}"
    assert figure["计划受益人数"] == f"{people.planned_beneficiaries:,}"
    assert figure["计划服务人次"] == f"{people.planned_visits:,}"
    assert f"受益{people.beneficiaries}人" in report.summary
    lines = [line for section in report.domains for line in section.projects]
    assert sum(line.people_served for line in lines) == people.service_visits
    assert sum(line.beneficiaries for line in lines) == people.beneficiaries  # refs are per project
    june = figures.people_reached(
        session,
        cycle_id=world.cycle_id,
        first=date(2026, 6, 1),
        last=JUNE_END,
        known_by=SUMMARY_DAY,
    )
    assert street.people_reached == june.service_visits
    assert sum(r.people_served for r in street.project_rows) == june.service_visits
    assert sum(r.people_served for r in street.domain_rows) == june.service_visits
    assert street.people.beneficiaries == june.beneficiaries  # type: ignore[attr-defined]
    assert street.people.planned_visits == june.planned_visits  # type: ignore[attr-defined]
    now = figures.headline(session, cycle_id=world.cycle_id, as_of=REPORT_DAY, tz=SHANGHAI)
    assert (
        f"<td>受益人数</td><td>{now.people.beneficiaries}</td><td>{now.people.planned_beneficiaries}</td>"
        in html
    )
    assert (
        f"<td>服务人次</td><td>{now.people.service_visits}</td><td>{now.people.planned_visits}</td>"
        in html
    )
    # The dashboard counts every report to its day; the report's service ended in July.
    assert now.people.service_visits == people.service_visits

    # Daily reports due and on time: the street summary's month and the dashboard's cycle.
    due = figures.reports_due(
        session,
        cycle_id=world.cycle_id,
        first=date(2026, 6, 1),
        last=JUNE_END,
        tz=SHANGHAI,
        known_by=SUMMARY_DAY,
    )
    assert 0 < due.on_time < due.due
    assert (street.reports.due, street.reports.on_time) == (due.due, due.on_time)  # type: ignore[attr-defined]
    assert f"<td>日报告按时</td><td>{now.reports.on_time}</td><td>{now.reports.due}</td>" in html


def test_the_needs_survey_counts_needs_per_domain_as_everything_else(
    session: Session, database_url: str
) -> None:
    world, names = _world(session)
    survey = needs_survey_context(session, cycle_id=world.cycle_id, today=SURVEY_DAY)
    needs = figures.needs_by_domain(session, cycle_id=world.cycle_id, as_of=SURVEY_DAY)
    by_name = {row.name: row.groups for row in survey.domain_rows}
    assert {names[d.domain_key]: d.groups for d in needs.domains} == {
        name: by_name.get(name, 0) for name in names.values()
    }
