"""The demo's close: final evaluations over the compressed period, review, then `close_cycle`.

The demo's projects are contracted for June to November but the demo only
simulates June to August, so the close measures the period up to the last
simulated day (`DEMO_PERIOD_END`): KPIs and planned budget count the project
months in that period, and whatever was paid and not spent by then is booked
as a refund. The evaluator's 需求回应 scores come from `demo/final_scores.csv`;
a second evaluator approves them through the same review as `gongyi cycle review`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from flows.closing.close_cycle import CloseSummary, close_cycle
from flows.closing.final_evaluation import FinalSummary, final_evaluation, review_final
from flows.runtime import get_tz, io_task, session_scope
from models.status import EvaluationStatus
from store import closing

DEMO_PERIOD_END = date(2026, 8, 31)
REVIEWER = "陈慧敏"


@dataclass(frozen=True)
class DemoClosing:
    """What the demo's close did."""

    final: FinalSummary
    close: CloseSummary


@io_task
def approve_demo_finals(cycle_id: int, day: date) -> int:
    """Have the demo's second evaluator approve every final evaluation waiting for review."""
    with session_scope() as session:
        waiting = [
            e
            for e in closing.list_final_evaluations(session, cycle_id=cycle_id)
            if e.status == EvaluationStatus.IN_REVIEW
        ]
        now = datetime.combine(day, time(10), get_tz())
        for evaluation in waiting:
            review_final(
                session,
                evaluation,
                reviewer=REVIEWER,
                approve=True,
                comment="同意结项评估意见。",
                now=now,
            )
        return len(waiting)


def run_demo_closing(cycle_id: int, data: Path) -> DemoClosing:
    """Evaluate the demo's projects over the simulated period, review them, and close the cycle."""
    scored_on = DEMO_PERIOD_END + timedelta(days=3)
    final_evaluation(cycle_id, DEMO_PERIOD_END, str(data / "final_scores.csv"), scored_on)
    approve_demo_finals(cycle_id, scored_on)
    final = final_evaluation(cycle_id, DEMO_PERIOD_END, None, scored_on + timedelta(days=2))
    return DemoClosing(final, close_cycle(cycle_id, scored_on + timedelta(days=4)))
