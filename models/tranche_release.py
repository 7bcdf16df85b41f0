"""When a tranche (拨付批次) is released, held, or left to wait.

The mid-term tranche (`midterm_pass`) is decided by the published evaluation
of the project's middle month: month 3 of a 6-month project, month 3 of 5,
month 2 of 4 (the month a project starts in is month 1). A passing grade
(合格 or better under the call's bands) releases it; a failing one holds it
and the agency and officer are told. Until that evaluation is published the
tranche waits. A released tranche is never decided again; the payment itself
is checked by `models.ledger.plan_payment` (owed by the award, held by the fund).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from models.award import TrancheCondition
from models.grading import GradeBands, is_passing
from models.status import TrancheStatus


class TrancheDecision(StrEnum):
    RELEASE = "release"
    HOLD = "hold"
    WAIT = "wait"


def midterm_month_index(months: int) -> int:
    """Return the project month whose evaluation decides the mid-term tranche."""
    return (max(months, 1) + 1) // 2


def project_month(starts_on: date, index: int) -> str:
    """Return the calendar month (YYYY-MM) of a project's month `index` (1 = first)."""
    number = starts_on.month - 1 + index - 1
    return f"{starts_on.year + number // 12:04d}-{number % 12 + 1:02d}"


def decide_tranche(
    *, condition: str, status: str, grade: str | None, bands: GradeBands
) -> TrancheDecision:
    """Decide a mid-term tranche from the grade of its published evaluation."""
    if condition != TrancheCondition.MIDTERM_PASS or status == TrancheStatus.RELEASED:
        return TrancheDecision.WAIT
    if grade is None:
        return TrancheDecision.WAIT
    if is_passing(grade, bands):
        return TrancheDecision.RELEASE
    if status == TrancheStatus.PLANNED:
        return TrancheDecision.HOLD
    return TrancheDecision.WAIT
