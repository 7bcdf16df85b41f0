"""Flow `demo_cycle`: a whole grant cycle modelled on the Huaihe Road case, from need to PDF.

Every stage runs as its own real flow on the data files in `demo/`. The one
thing the demo invents is the agencies' daily reports, because in real use
they arrive through the portal: `flows.demo.demo_monitoring` writes them
deterministically from `demo/daily_notes.csv` and `demo/activities.csv` —
most on time, some late, some missing, with reliability varying by project —
so that compliance, weekly meetings, grades and the mid-term tranche have
something true to measure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from prefect import flow

from flows.call.close_call import ScreeningSummary, close_call
from flows.call.open_cycle import open_cycle
from flows.call.publish_call import publish_call, published_call_pdf
from flows.call.receive_bids import BidsSummary
from flows.call.register_agencies import AgencySummary, register_agencies
from flows.demo.demo_accounts import seed_demo_accounts
from flows.demo.demo_closing import DemoClosing, run_demo_closing
from flows.demo.demo_monitoring import DemoMonitoring, run_demo_monitoring
from flows.demo.demo_selection import DemoSelection, receive_demo_bids, run_demo_selection
from flows.fund.donor_statement import donor_statement
from flows.fund.raise_fund import FundSummary, raise_fund
from flows.monitoring.daily_check import DailyCheckSummary
from flows.monitoring.monthly_evaluation import EvaluationSummary
from flows.monitoring.weekly_meeting import MeetingSummary
from flows.needs.categorise_needs import CategorisationSummary
from flows.needs.needs_intake import IntakeSummary, needs_intake
from flows.needs.needs_survey import SurveySummary, needs_survey
from models.calendar import month_bounds

STREET_OFFICE = "淮河路街道办事处"
YEAR = 2026
CYCLE_NAME = "2026年度公益创投"
FUND_NAME = "淮河路街道专项公益基金"
PROJECTS_START = date(2026, 6, 1)
DEMO_MONTH = "2026-06"
# One statement per donor type, and both restricted gifts; `gongyi fund statement`
# renders every donor's (each PDF takes about half a second).
DEMO_DONORS = ("淮河路街道机关工会", "淮滨锦城置业有限公司", "禾润康乐食品有限公司", "高家浩")


@dataclass(frozen=True)
class DemoSummary:
    """What each stage of the demo cycle did."""

    cycle_id: int
    intake: IntakeSummary
    categorisation: CategorisationSummary
    fund: FundSummary
    bids: BidsSummary
    screening: ScreeningSummary
    selection: DemoSelection
    daily_reports: int
    daily: DailyCheckSummary
    meetings: tuple[MeetingSummary, ...]
    evaluation: EvaluationSummary
    agencies: AgencySummary = field(default_factory=AgencySummary)
    call_pdf: str = ""
    donor_statements: tuple[str, ...] = ()
    monitoring: DemoMonitoring | None = None
    needs_survey: SurveySummary | None = None
    closing: DemoClosing | None = None


@flow(name="demo_cycle", log_prints=True)
def demo_cycle(data_dir: str, month: str = DEMO_MONTH) -> DemoSummary:
    """Run a whole cycle on the demo data: needs, fund, call, bids, selection, monitoring, PDFs."""
    data = Path(data_dir)
    cycle_id = open_cycle(
        STREET_OFFICE,
        YEAR,
        CYCLE_NAME,
        date(2026, 3, 1),
        date(2026, 12, 31),
        str(data / "communities.csv"),
    )
    # Needs are collected in March; the import checks no need is dated after the 31st.
    intake = needs_intake(cycle_id, str(data / "needs.csv"), date(2026, 3, 31))
    categorisation = intake.categorisation
    fund = raise_fund(cycle_id, FUND_NAME, str(data / "donations.csv"), str(data / "in_kind.csv"))
    call_id = publish_call(cycle_id, str(data / "call.toml"), date(2026, 5, 1))
    agencies = register_agencies(str(data / "agencies.csv"), str(data / "track_records.csv"))
    bids = receive_demo_bids(call_id, data)
    screening = close_call(call_id, date(2026, 5, 21))
    selection = run_demo_selection(
        call_id, data, decided_on=date(2026, 5, 22), projects_start_on=PROJECTS_START
    )
    # After selection the survey shows which needs funded projects answer.
    survey = needs_survey(cycle_id, date(2026, 5, 22))
    monitoring = run_demo_monitoring(cycle_id, data, month)
    _, last = month_bounds(month)
    statements = donor_statement(cycle_id, last + timedelta(days=1), list(DEMO_DONORS))
    # The close runs over the simulated period (to the end of August), compressed.
    closing = run_demo_closing(cycle_id, data)
    seed_demo_accounts()  # the portal's demo logins, listed in the README
    return DemoSummary(
        cycle_id,
        intake,
        categorisation,
        fund,
        bids,
        screening,
        selection,
        monitoring.reports,
        monitoring.daily,
        monitoring.meetings,
        monitoring.evaluation,
        agencies=agencies,
        call_pdf=published_call_pdf(call_id),
        donor_statements=tuple(statements),
        monitoring=monitoring,
        needs_survey=survey,
        closing=closing,
    )
