"""Queries for closing a cycle: final evaluations, the closing record, the reviewer pool.

A final evaluation is keyed by its project, so measuring again updates the
same row; `set_final_measures` keeps the scores and review people added, and
leaves an approved or published evaluation alone. A cycle is closed once,
with one `CycleClosing` row holding its figures and archive.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from models.call import Call
from models.cycle_report import CycleClosing, ServiceFacts
from models.final_evaluation import FinalEvaluation
from models.monitoring import DailyReport, MonthlyEvaluation
from models.next_cycle import CycleReviewer
from models.panel import ReviewAssignment
from models.project import Project
from models.proposal import Proposal
from models.status import EvaluationStatus

FINAL_MEASURES = (
    "period_end",
    "months_evaluated",
    "monthly_mean",
    "monthly_grades",
    "reports_expected",
    "reports_submitted",
    "reports_late",
    "people_served",
    "activities",
    "beneficiaries",
    "volunteer_minutes",
    "indicators",
    "budget_fen",
    "planned_to_date_fen",
    "spent_fen",
    "cited_needs",
    "yellow_cards",
    "vetoed_months",
)
FROZEN = (EvaluationStatus.APPROVED, EvaluationStatus.PUBLISHED)


def get_final_evaluation(session: Session, *, project_id: int) -> FinalEvaluation | None:
    """Return a project's final evaluation, if there is one."""
    return session.exec(
        select(FinalEvaluation).where(FinalEvaluation.project_id == project_id)
    ).first()


def set_final_measures(session: Session, measured: FinalEvaluation) -> FinalEvaluation:
    """Store a final evaluation's measures, keeping its scores and review; never touch a frozen one."""
    found = get_final_evaluation(session, project_id=measured.project_id)
    if found is None:
        session.add(measured)
        session.flush()
        return measured
    if found.status in FROZEN:
        return found
    for field in FINAL_MEASURES:
        setattr(found, field, getattr(measured, field))
    found.funds_misused = found.funds_misused or measured.funds_misused
    session.add(found)
    session.flush()
    return found


def set_final_evaluation(session: Session, evaluation: FinalEvaluation) -> None:
    """Store changes to a final evaluation's scores, grade, review or status."""
    session.add(evaluation)
    session.flush()


def list_final_evaluations(session: Session, *, cycle_id: int) -> list[FinalEvaluation]:
    """List the cycle's final evaluations by project."""
    return list(
        session.exec(
            select(FinalEvaluation)
            .join(Project, col(Project.id) == FinalEvaluation.project_id)
            .where(Project.cycle_id == cycle_id)
            .order_by(col(FinalEvaluation.project_id))
        )
    )


def list_unpublished_monthly(session: Session, *, cycle_id: int) -> list[MonthlyEvaluation]:
    """List the cycle's monthly evaluations still in draft, in review, sent back or unpublished."""
    return list(
        session.exec(
            select(MonthlyEvaluation)
            .join(Project, col(Project.id) == MonthlyEvaluation.project_id)
            .where(
                Project.cycle_id == cycle_id,
                MonthlyEvaluation.status != EvaluationStatus.PUBLISHED,
            )
            .order_by(col(MonthlyEvaluation.month), col(MonthlyEvaluation.project_id))
        )
    )


def list_cycle_monthly(session: Session, *, cycle_id: int) -> list[MonthlyEvaluation]:
    """List every monthly evaluation of the cycle, by project and month."""
    return list(
        session.exec(
            select(MonthlyEvaluation)
            .join(Project, col(Project.id) == MonthlyEvaluation.project_id)
            .where(Project.cycle_id == cycle_id)
            .order_by(col(MonthlyEvaluation.project_id), col(MonthlyEvaluation.month))
        )
    )


def list_service_facts(session: Session, *, cycle_id: int, last: date) -> list[ServiceFacts]:
    """Return what the headline reads of every current daily report of the cycle up to `last`."""
    rows = session.exec(
        select(
            DailyReport.people_served, DailyReport.volunteer_minutes, DailyReport.beneficiary_refs
        )
        .join(Project, col(Project.id) == DailyReport.project_id)
        .where(
            Project.cycle_id == cycle_id,
            col(DailyReport.is_current).is_(True),
            DailyReport.day <= last,
        )
    )
    return [ServiceFacts(people, minutes, tuple(refs or ())) for people, minutes, refs in rows]


def get_closing(session: Session, *, cycle_id: int) -> CycleClosing | None:
    """Return the record of the cycle's closing, if it was closed."""
    return session.exec(select(CycleClosing).where(CycleClosing.cycle_id == cycle_id)).first()


def add_closing(session: Session, closing: CycleClosing) -> tuple[CycleClosing, bool]:
    """Record a cycle's closing unless it has one; say whether it was new."""
    found = get_closing(session, cycle_id=closing.cycle_id)
    if found is not None:
        return found, False
    session.add(closing)
    session.flush()
    return closing, True


def list_seated_reviewers(session: Session, *, cycle_id: int) -> list[int]:
    """List the evaluators who sat on any panel of the cycle's calls, by id."""
    rows = session.exec(
        select(ReviewAssignment.reviewer_id)
        .join(Proposal, col(Proposal.id) == ReviewAssignment.proposal_id)
        .join(Call, col(Call.id) == Proposal.call_id)
        .where(Call.cycle_id == cycle_id)
        .distinct()
    )
    return sorted(rows)


def list_cycle_reviewers(session: Session, *, cycle_id: int) -> list[int]:
    """List the user ids in a cycle's reviewer pool."""
    return sorted(
        session.exec(select(CycleReviewer.user_id).where(CycleReviewer.cycle_id == cycle_id))
    )


def add_cycle_reviewers(session: Session, *, cycle_id: int, user_ids: list[int]) -> int:
    """Put evaluators into a cycle's reviewer pool unless they are there; return how many were added."""
    known = set(list_cycle_reviewers(session, cycle_id=cycle_id))
    fresh = [u for u in user_ids if u not in known]
    session.add_all([CycleReviewer(cycle_id=cycle_id, user_id=u) for u in fresh])
    session.flush()
    return len(fresh)
