"""The demo's documents, read after the whole cycle ran, tell the figures of their own dates and
agree with each other and with the officer's dashboard.

Checked on the one SQLite demo run of `test_demo_cycle` (a whole run takes minutes). The June 街道月度汇总 (dated 2026-07-05) and the donor
statements (截至 2026年7月1日) must show June's 已拨付 — 124,000.00 in the demo, not the
243,500.00 paid by the close — and each headline figure must be the same in the 需求调研报告,
the street summary, the cycle report, the donor statements and the dashboard.
"""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session

from flows.closing.cycle_report_context import cycle_report_context
from flows.demo.demo_cycle import DemoSummary
from flows.fund.fund_reports import build_donor_statements
from flows.monitoring.street_summary import street_summary_context
from models.fund import LedgerKind
from models.money import format_fen
from models.status import Role
from services import figures
from services.needs_survey import needs_survey_context
from settings import Settings
from store import closing, cycles
from store.accounts import add_account
from store.database import get_engine
from store.figures import find_fund_id
from tests.flows.figures_world import ledger_sum
from tests.monitoring_builders import SHANGHAI
from tests.web.conftest import sign_in
from web.app import create_app

JUNE_END = date(2026, 6, 30)
SUMMARY_DAY = date(2026, 7, 5)
STATEMENT_DAY = date(2026, 7, 1)
SURVEY_DAY = date(2026, 5, 22)


def _text(path: str | Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout.replace("\n", "")


def _dashboard(database_url: str, tmp_path: Path, session: Session, day: date) -> str:
    from fastapi.testclient import TestClient

    class ClockOn(Settings):
        def now(self) -> datetime:
            return datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)

    add_account(
        session, login="officer", password="figures-pass-1", name="街道专干", role=Role.STAFF
    )
    session.commit()
    settings = ClockOn(
        database_url=database_url, output_dir=tmp_path / "output", var_dir=tmp_path / "var"
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        sign_in(client, "officer", "figures-pass-1")
        page = client.get("/officer")
    assert page.status_code == 200, page.text
    return " ".join(page.text.split())


def check_dated_figures_agree(summary: DemoSummary, database_url: str, tmp_path: Path) -> None:
    """The demo's dated documents show their dates' figures and agree with each other."""
    cycle_id = summary.cycle_id
    with Session(get_engine(database_url), expire_on_commit=False) as session:
        fund_id = find_fund_id(session, cycle_id=cycle_id) or 0
        paid_june = ledger_sum(session, fund_id, LedgerKind.PAYMENT, JUNE_END)
        paid_july = ledger_sum(session, fund_id, LedgerKind.PAYMENT, STATEMENT_DAY)
        record = closing.get_closing(session, cycle_id=cycle_id)
        assert record is not None
        close_day = record.closed_on
        paid_all = ledger_sum(session, fund_id, LedgerKind.PAYMENT, close_day)
        assert paid_june == paid_july == 12_400_000 < paid_all  # 124,000.00 of 243,500.00

        # The PDFs the demo wrote, read after the whole cycle ran.
        street_pdf = next(p for p in summary.evaluation.pdfs if "街道月度汇总" in Path(p).name)
        assert f"已拨付{format_fen(paid_june)}元" in _text(street_pdf)
        for path in summary.donor_statements:
            text = _text(path)
            assert "截至 2026年7月1日" in text
            assert f"已拨付 {format_fen(paid_july)} 元" in text, path
            assert format_fen(paid_all) not in text, path

        # The same documents built again now, after the close.
        street = street_summary_context(
            session, cycle_id=cycle_id, month="2026-06", today=SUMMARY_DAY, tz=SHANGHAI
        )
        assert street.paid_fen == paid_june
        july = build_donor_statements.fn(cycle_id, STATEMENT_DAY)
        assert {s.fund_paid_fen for s in july} == {paid_july}
        survey = needs_survey_context(session, cycle_id=cycle_id, today=SURVEY_DAY)
        report = cycle_report_context(
            session,
            cycle_id=cycle_id,
            period_end=record.period_end,
            today=close_day,
            rules_version=record.rules_version,
        )
        at_close = build_donor_statements.fn(cycle_id, close_day)
        names = {d.key: d.name for d in cycles.list_domains(session, cycle_id=cycle_id)}
        html = _dashboard(database_url, tmp_path, session, close_day)

        # Needs per domain, pending ones included.
        needs = figures.needs_by_domain(session, cycle_id=cycle_id, as_of=SURVEY_DAY)
        survey_groups = {row.name: row.groups for row in survey.domain_rows}
        street_needs = {row.domain_name: row.needs for row in street.domain_rows}
        for row in needs.domains:
            name = names[row.domain_key]
            assert survey_groups[name] == street_needs[name] == row.groups, name
            assert f"<td>{name}</td><td>{row.groups}" in html, name

        # Money as of the close: cycle report, donor statements, dashboard.
        money = figures.money_as_of(session, cycle_id=cycle_id, as_of=close_day)
        figure = {f.label: f.value for f in report.figures}
        assert figure["已拨付"] == format_fen(money.paid_fen) == format_fen(paid_all)
        assert figure["承诺资助"] == format_fen(money.committed_fen)
        assert figure["结余退回"] == format_fen(money.refunded_fen)
        assert figure["释放承诺"] == format_fen(money.released_fen)
        assert {s.fund_paid_fen for s in at_close} == {money.paid_fen}
        assert {s.fund_committed_fen for s in at_close} == {money.committed_fen}
        assert f"已拨付 {money.paid_fen / 100:,.2f}" in html

        # People reached and 服务人次, planned beside achieved.
        people = figures.people_reached(
            session, cycle_id=cycle_id, last=record.period_end, known_by=close_day
        )
        assert figure["受益人数"] == f"{people.beneficiaries:,}"
        assert figure["服务人次"] == f"{people.service_visits:,}"
        assert figure["计划服务人次"] == f"{people.planned_visits:,}"
        assert record.figures["beneficiaries"] == people.beneficiaries
        june = figures.people_reached(
            session, cycle_id=cycle_id, first=date(2026, 6, 1), last=JUNE_END, known_by=SUMMARY_DAY
        )
        assert street.people_reached == june.service_visits
