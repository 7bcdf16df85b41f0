"""Flow `demo_cycle`: a whole grant cycle modelled on the Huaihe Road case, from need to PDF.

Every stage runs as its own real flow on the data files in `demo/`. The one
thing the demo invents is the agencies' daily reports for the month, because
in real use they arrive through the portal: `submit_demo_daily_reports`
writes them deterministically from `demo/daily_notes.csv` — most on time,
some late, some missing, with reliability varying by project — so that
compliance, weekly meetings and grades have something true to measure.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from prefect import flow

from flows.categorise_needs import CategorisationSummary, categorise_needs
from flows.close_call import ScreeningSummary, close_call
from flows.daily_check import DailyCheckSummary, daily_check
from flows.demo_selection import DemoSelection, run_demo_selection
from flows.monthly_evaluation import EvaluationSummary, monthly_evaluation
from flows.needs_intake import IntakeSummary, needs_intake
from flows.open_cycle import open_cycle
from flows.publish_call import publish_call
from flows.raise_fund import FundSummary, raise_fund
from flows.receive_bids import BidsSummary, receive_bids
from flows.runtime import get_tz, io_task, session_scope
from flows.weekly_meeting import MeetingSummary, weekly_meeting
from models.calendar import month_bounds, weeks_in_month
from models.compliance import due_days
from models.evaluation import monthly_plan
from models.monitoring import DailyReport
from models.rows import read_all
from store import awards, cycles, monitoring
from store.spreadsheets import read_rows

STREET_OFFICE = "淮河路街道办事处"
YEAR = 2026
CYCLE_NAME = "2026年度公益创投"
FUND_NAME = "淮河路街道专项公益基金"
PROJECTS_START = date(2026, 6, 1)
DEMO_MONTH = "2026-06"


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


@io_task
def submit_demo_daily_reports(cycle_id: int, month: str, notes_path: str) -> int:
    """Write the month's daily reports the agencies would have sent; return how many are new."""
    first, last = month_bounds(month)
    notes = read_all(
        read_rows(Path(notes_path), required=("服务领域", "服务摘要")),
        lambda row: (row.text("服务领域"), row.text("服务摘要")),
    )
    tz, added = get_tz(), 0
    with session_scope() as session:
        keys = {d.id: d.key for d in cycles.list_domains(session, cycle_id=cycle_id)}
        for project in awards.list_projects(session, cycle_id=cycle_id):
            pool = [text for key, text in notes if key == keys[project.domain_id]]
            days = due_days(first, last, starts_on=project.starts_on, ends_on=project.ends_on)
            daily = monthly_plan(project.people_planned, project.months) / max(len(days), 1)
            reliability = random.Random(f"reliability-{project.title}").uniform(0.8, 1.0)
            for day in days:
                rng = random.Random(f"{project.title}-{day.isoformat()}")
                if rng.random() > reliability:
                    continue
                late = rng.random() < 0.08
                moment = datetime.combine(
                    day + timedelta(days=late), time(17 + rng.randrange(5), rng.randrange(60)), tz
                )
                added += monitoring.add_daily_report(
                    session,
                    DailyReport(
                        project_id=project.id,
                        day=day,
                        submitted_at=moment,  # type: ignore[arg-type]
                        people_served=max(0, round(daily * rng.uniform(0.7, 1.3))),
                        summary=rng.choice(pool),
                        issues="场地临时被占用，活动改期" if rng.random() < 0.02 else "",
                    ),
                )
    return added


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
    intake = needs_intake(cycle_id, str(data / "needs.csv"))
    categorisation = categorise_needs(cycle_id)
    fund = raise_fund(cycle_id, FUND_NAME, str(data / "donations.csv"), str(data / "in_kind.csv"))
    call_id = publish_call(cycle_id, str(data / "call.toml"), date(2026, 5, 1))
    bids = receive_bids(call_id, str(data / "agencies.csv"), str(data / "proposals.csv"))
    screening = close_call(call_id, date(2026, 5, 21))
    selection = run_demo_selection(
        call_id, data, decided_on=date(2026, 5, 22), projects_start_on=PROJECTS_START
    )
    reports = submit_demo_daily_reports(cycle_id, month, str(data / "daily_notes.csv"))
    _, last = month_bounds(month)
    daily = daily_check(cycle_id, last - timedelta(days=(last.weekday() - 4) % 7))
    meetings = tuple(weekly_meeting(cycle_id, monday) for monday in weeks_in_month(month))
    evaluation = monthly_evaluation(
        cycle_id, month, str(data / "monthly_scores.csv"), last + timedelta(days=1)
    )
    return DemoSummary(
        cycle_id,
        intake,
        categorisation,
        fund,
        bids,
        screening,
        selection,
        reports,
        daily,
        meetings,
        evaluation,
    )
