"""Read queries for the officer's pages: the cycle at a glance, selection, tranches, audit log.

Each function answers one page's question; the routes hold no SQL.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlmodel import Session, col, func, select

from models.award import Award, Tranche
from models.call import Call
from models.cycle import Cycle, Domain
from models.fund import Fund
from models.monitoring import DailyReport, MonthlyEvaluation
from models.panel import ReviewAssignment
from models.project import Project
from models.proposal import Proposal, Review
from models.user import AuditEvent


def get_latest_cycle(session: Session) -> Cycle | None:
    """Return the newest cycle."""
    return session.exec(select(Cycle).order_by(col(Cycle.id).desc())).first()


def has_fund(session: Session, *, cycle_id: int) -> bool:
    """Tell whether the cycle has a fund."""
    return session.exec(select(Fund.id).where(Fund.cycle_id == cycle_id)).first() is not None


def list_domain_names(session: Session, *, cycle_id: int) -> dict[str, str]:
    """Return the cycle's domain names by key."""
    return dict(
        session.exec(select(Domain.key, Domain.name).where(Domain.cycle_id == cycle_id)).all()
    )


def count_proposals_by_status(session: Session, *, cycle_id: int) -> dict[str, int]:
    """Count the cycle's proposals by status."""
    rows = session.exec(
        select(Proposal.status, func.count(col(Proposal.id)))
        .join(Call, col(Call.id) == Proposal.call_id)
        .where(Call.cycle_id == cycle_id)
        .group_by(Proposal.status)
    )
    return dict(rows.all())


def count_assignments(session: Session, *, cycle_id: int) -> list[tuple[str, str, int]]:
    """Count review assignments by stage and status in the cycle."""
    rows = session.exec(
        select(
            ReviewAssignment.stage, ReviewAssignment.status, func.count(col(ReviewAssignment.id))
        )
        .join(Proposal, col(Proposal.id) == ReviewAssignment.proposal_id)
        .join(Call, col(Call.id) == Proposal.call_id)
        .where(Call.cycle_id == cycle_id)
        .group_by(ReviewAssignment.stage, ReviewAssignment.status)
    )
    return list(rows.all())


def get_last_report_day(session: Session, *, cycle_id: int) -> date | None:
    """Return the latest service day with a report in the cycle."""
    return session.exec(
        select(func.max(DailyReport.day))
        .join(Project, col(Project.id) == DailyReport.project_id)
        .where(Project.cycle_id == cycle_id)
    ).first()


def list_cycle_projects(session: Session, *, cycle_id: int) -> list[Project]:
    """List the cycle's projects by id."""
    return list(
        session.exec(select(Project).where(Project.cycle_id == cycle_id).order_by(col(Project.id)))
    )


def list_latest_grades(
    session: Session, *, cycle_id: int
) -> tuple[str, dict[int, str], Counter[str]]:
    """Return the latest evaluated month, each project's grade in it and the grade counts."""
    month = session.exec(
        select(func.max(MonthlyEvaluation.month))
        .join(Project, col(Project.id) == MonthlyEvaluation.project_id)
        .where(Project.cycle_id == cycle_id, MonthlyEvaluation.grade != "")
    ).first()
    if not month:
        return "", {}, Counter()
    grades = {
        e.project_id: e.grade
        for e in session.exec(
            select(MonthlyEvaluation)
            .join(Project, col(Project.id) == MonthlyEvaluation.project_id)
            .where(Project.cycle_id == cycle_id, MonthlyEvaluation.month == month)
        )
    }
    return month, grades, Counter(g for g in grades.values() if g)


def list_cycle_tranche_rows(
    session: Session, *, cycle_id: int
) -> list[tuple[Tranche, Project, Award]]:
    """List the cycle's tranches with their project and award, by project and order."""
    return list(
        session.exec(
            select(Tranche, Project, Award)
            .join(Award, col(Award.id) == Tranche.award_id)
            .join(Project, col(Project.award_id) == Award.id)
            .where(Project.cycle_id == cycle_id)
            .order_by(col(Project.id), col(Tranche.seq))
        )
    )


def list_audit_events(
    session: Session,
    *,
    actor: str = "",
    action: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
) -> list[AuditEvent]:
    """List audit events newest first, filtered by who (substring), what and when."""
    query = select(AuditEvent)
    if actor:
        query = query.where(col(AuditEvent.actor).contains(actor))
    if action:
        query = query.where(AuditEvent.action == action)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    return list(session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit)))


def list_audit_actions(session: Session) -> list[str]:
    """List the distinct actions in the audit log."""
    return sorted(session.exec(select(AuditEvent.action).distinct()).all())


def list_call_proposals(
    session: Session, *, call_id: int, stage: str | None = None
) -> list[Proposal]:
    """List a call's proposals by id, optionally at one stage."""
    query = select(Proposal).where(Proposal.call_id == call_id)
    if stage is not None:
        query = query.where(Proposal.stage == stage)
    return list(session.exec(query.order_by(col(Proposal.id))))


def list_average_scores(session: Session, *, call_id: int, stage: str) -> dict[int, float]:
    """Return each proposal's mean normalised score in a stage."""
    rows = session.exec(
        select(Review.proposal_id, func.avg(Review.normalised_score))
        .join(Proposal, col(Proposal.id) == Review.proposal_id)
        .where(Proposal.call_id == call_id, Review.stage == stage)
        .group_by(col(Review.proposal_id))
    )
    return {pid: round(float(avg), 2) for pid, avg in rows if avg is not None}
