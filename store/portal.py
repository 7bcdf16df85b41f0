"""Read queries for the portal's pages, and its report drafts.

Each function answers one page's question for one account: an agency's
projects, what it still owes this week, an evaluator's assignments, the
officer's dashboard figures, the audit log filtered. Ownership is part of the
query (a project of another agency is simply not found), so the routes hold no
SQL and cannot forget the filter.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from models.account import ReportDraft
from models.award import Award, Tranche
from models.cycle import Cycle, Domain
from models.monitoring import ActionItem, DailyReport, MonthlyEvaluation
from models.need import Need
from models.panel import ReviewAssignment
from models.project import Project
from models.proposal import Proposal, Review
from models.user import AuditEvent


def list_agency_projects(session: Session, *, agency_id: int) -> list[Project]:
    """List an agency's projects, by title."""
    return list(
        session.exec(select(Project).where(Project.agency_id == agency_id).order_by(Project.title))
    )


def get_agency_project(session: Session, *, project_id: int, agency_id: int | None) -> Project:
    """Return one project, or raise LookupError if it is not this agency's (None: any agency)."""
    project = session.get(Project, project_id)
    if project is None or (agency_id is not None and project.agency_id != agency_id):
        raise LookupError(f"没有编号为 {project_id} 的服务项目")
    return project


def list_missing_days(
    session: Session, *, projects: list[Project], today: date
) -> dict[int, list[date]]:
    """Return, per project, this week's working days up to today that have no report."""
    monday = today - timedelta(days=today.weekday())
    days = [monday + timedelta(days=n) for n in range(5) if monday + timedelta(days=n) <= today]
    if not projects or not days:
        return {}
    filed = {
        (r.project_id, r.day)
        for r in session.exec(
            select(DailyReport).where(
                col(DailyReport.project_id).in_([p.id for p in projects]),
                col(DailyReport.day) >= monday,
                col(DailyReport.is_current).is_(True),
            )
        )
    }
    return {
        p.id or 0: [d for d in days if p.starts_on <= d <= p.ends_on and (p.id, d) not in filed]
        for p in projects
    }


def list_recent_reports(
    session: Session, *, project_ids: list[int], limit: int = 10
) -> list[DailyReport]:
    """List the latest current reports of these projects, newest day first."""
    if not project_ids:
        return []
    return list(
        session.exec(
            select(DailyReport)
            .where(col(DailyReport.project_id).in_(project_ids), col(DailyReport.is_current))
            .order_by(col(DailyReport.day).desc(), col(DailyReport.id).desc())
            .limit(limit)
        )
    )


def get_draft(
    session: Session, *, account_id: int, project_id: int, day: date
) -> ReportDraft | None:
    """Return a user's saved draft for one project and day."""
    return session.exec(
        select(ReportDraft).where(
            ReportDraft.account_id == account_id,
            ReportDraft.project_id == project_id,
            ReportDraft.day == day,
        )
    ).first()


def list_drafts(session: Session, *, account_id: int) -> list[ReportDraft]:
    """List a user's saved drafts, newest first."""
    return list(
        session.exec(
            select(ReportDraft)
            .where(ReportDraft.account_id == account_id)
            .order_by(col(ReportDraft.saved_at).desc())
        )
    )


def set_draft(
    session: Session,
    *,
    account_id: int,
    project_id: int,
    day: date,
    fields: dict[str, Any],
    now: datetime,
) -> None:
    """Save or replace a user's draft for one project and day."""
    draft = get_draft(session, account_id=account_id, project_id=project_id, day=day)
    if draft is None:
        draft = ReportDraft(account_id=account_id, project_id=project_id, day=day, saved_at=now)
    draft.fields, draft.saved_at = fields, now
    session.add(draft)


def set_draft_removed(session: Session, *, account_id: int, project_id: int, day: date) -> None:
    """Delete a draft once its report is stored."""
    draft = get_draft(session, account_id=account_id, project_id=project_id, day=day)
    if draft is not None:
        session.delete(draft)


def list_agency_proposals(session: Session, *, agency_id: int) -> list[Proposal]:
    """List an agency's proposals, newest first."""
    return list(
        session.exec(
            select(Proposal)
            .where(Proposal.agency_id == agency_id)
            .order_by(col(Proposal.id).desc())
        )
    )


def list_agency_action_items(session: Session, *, agency_id: int) -> list[tuple[ActionItem, str]]:
    """List the action items on an agency's projects with each project's title."""
    return [
        (item, title)
        for item, title in session.exec(
            select(ActionItem, Project.title)
            .join(Project, Project.id == ActionItem.project_id)  # type: ignore[arg-type]
            .where(Project.agency_id == agency_id)
            .order_by(ActionItem.status, ActionItem.due_on)
        )
    ]


def list_agency_evaluations(
    session: Session, *, agency_id: int
) -> list[tuple[MonthlyEvaluation, str]]:
    """List the monthly evaluations of an agency's projects with each project's title."""
    return [
        (evaluation, title)
        for evaluation, title in session.exec(
            select(MonthlyEvaluation, Project.title)
            .join(Project, Project.id == MonthlyEvaluation.project_id)  # type: ignore[arg-type]
            .where(Project.agency_id == agency_id)
            .order_by(col(MonthlyEvaluation.month).desc(), Project.title)
        )
    ]


@dataclass(frozen=True)
class Seat:
    """One reviewer's assignment with what the scoring page needs."""

    assignment: ReviewAssignment
    proposal: Proposal
    agency_name: str


def list_reviewer_seats(session: Session, *, reviewer_id: int) -> list[Seat]:
    """List a reviewer's assignments, open ones first."""
    from models.agency import Agency

    rows = session.exec(
        select(ReviewAssignment, Proposal, Agency.name)
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)  # type: ignore[arg-type]
        .join(Agency, Agency.id == Proposal.agency_id)  # type: ignore[arg-type]
        .where(ReviewAssignment.reviewer_id == reviewer_id)
        .order_by(col(ReviewAssignment.status), col(ReviewAssignment.id))
    )
    return [Seat(a, p, name) for a, p, name in rows]


def get_reviewer_seat(session: Session, *, assignment_id: int, reviewer_id: int | None) -> Seat:
    """Return one assignment of this reviewer (None: any), or raise LookupError."""
    from models.agency import Agency

    row = session.exec(
        select(ReviewAssignment, Proposal, Agency.name)
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)  # type: ignore[arg-type]
        .join(Agency, Agency.id == Proposal.agency_id)  # type: ignore[arg-type]
        .where(ReviewAssignment.id == assignment_id)
    ).first()
    if row is None or (reviewer_id is not None and row[0].reviewer_id != reviewer_id):
        raise LookupError(f"没有编号为 {assignment_id} 的评审任务")
    return Seat(*row)


def get_review(
    session: Session, *, proposal_id: int, stage: str, reviewer_id: int
) -> Review | None:
    """Return a reviewer's stored review of a proposal in a stage."""
    return session.exec(
        select(Review).where(
            Review.proposal_id == proposal_id,
            Review.stage == stage,
            Review.reviewer_id == reviewer_id,
        )
    ).first()


def list_evaluations_to_review(
    session: Session, *, reviewer_id: int, status: str
) -> list[tuple[MonthlyEvaluation, Project]]:
    """List evaluations in a status that this evaluator did not score themselves."""
    return list(
        session.exec(
            select(MonthlyEvaluation, Project)
            .join(Project, Project.id == MonthlyEvaluation.project_id)  # type: ignore[arg-type]
            .where(
                MonthlyEvaluation.status == status,
                col(MonthlyEvaluation.evaluator_id).is_distinct_from(reviewer_id),
            )
            .order_by(MonthlyEvaluation.month, Project.title)
        )
    )


def get_evaluation_with_project(
    session: Session, evaluation_id: int
) -> tuple[MonthlyEvaluation, Project]:
    """Return an evaluation and its project, or raise LookupError."""
    row = session.exec(
        select(MonthlyEvaluation, Project)
        .join(Project, Project.id == MonthlyEvaluation.project_id)  # type: ignore[arg-type]
        .where(MonthlyEvaluation.id == evaluation_id)
    ).first()
    if row is None:
        raise LookupError(f"没有编号为 {evaluation_id} 的月评估")
    return row


def get_latest_cycle(session: Session) -> Cycle | None:
    """Return the newest cycle."""
    return session.exec(select(Cycle).order_by(col(Cycle.id).desc())).first()


def count_needs_by_domain(session: Session, *, cycle_id: int) -> list[tuple[str, int]]:
    """Count the cycle's needs (merged ones excluded) by domain name; unsorted ones as ''."""
    rows = session.exec(
        select(Domain.name, func.count(col(Need.id)))
        .select_from(Need)
        .join(Domain, Domain.id == Need.domain_id, isouter=True)  # type: ignore[arg-type]
        .where(Need.cycle_id == cycle_id, Need.status != "merged")
        .group_by(Domain.name)
    )
    return sorted(((name or "", n) for name, n in rows), key=lambda r: -r[1])


def count_proposals_by_status(session: Session, *, cycle_id: int) -> dict[str, int]:
    """Count the cycle's proposals by status."""
    from models.call import Call

    rows = session.exec(
        select(Proposal.status, func.count(col(Proposal.id)))
        .join(Call, Call.id == Proposal.call_id)  # type: ignore[arg-type]
        .where(Call.cycle_id == cycle_id)
        .group_by(Proposal.status)
    )
    return dict(rows.all())


def count_assignments(session: Session, *, cycle_id: int) -> list[tuple[str, str, int]]:
    """Count review assignments by stage and status in the cycle."""
    from models.call import Call

    rows = session.exec(
        select(
            ReviewAssignment.stage, ReviewAssignment.status, func.count(col(ReviewAssignment.id))
        )
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)  # type: ignore[arg-type]
        .join(Call, Call.id == Proposal.call_id)  # type: ignore[arg-type]
        .where(Call.cycle_id == cycle_id)
        .group_by(ReviewAssignment.stage, ReviewAssignment.status)
    )
    return list(rows.all())


def get_last_report_day(session: Session, *, cycle_id: int) -> date | None:
    """Return the latest service day with a report in the cycle."""
    return session.exec(
        select(func.max(DailyReport.day))
        .join(Project, Project.id == DailyReport.project_id)  # type: ignore[arg-type]
        .where(Project.cycle_id == cycle_id)
    ).first()


def list_cycle_projects(session: Session, *, cycle_id: int) -> list[Project]:
    """List the cycle's projects by id."""
    return list(
        session.exec(select(Project).where(Project.cycle_id == cycle_id).order_by(Project.id))
    )


def list_latest_grades(
    session: Session, *, cycle_id: int
) -> tuple[str, dict[int, str], Counter[str]]:
    """Return the latest evaluated month, each project's grade in it and the grade counts."""
    month = session.exec(
        select(func.max(MonthlyEvaluation.month))
        .join(Project, Project.id == MonthlyEvaluation.project_id)  # type: ignore[arg-type]
        .where(Project.cycle_id == cycle_id, MonthlyEvaluation.grade != "")
    ).first()
    if not month:
        return "", {}, Counter()
    grades = {
        e.project_id: e.grade
        for e in session.exec(
            select(MonthlyEvaluation)
            .join(Project, Project.id == MonthlyEvaluation.project_id)  # type: ignore[arg-type]
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
            .join(Award, Award.id == Tranche.award_id)  # type: ignore[arg-type]
            .join(Project, Project.award_id == Award.id)  # type: ignore[arg-type]
            .where(Project.cycle_id == cycle_id)
            .order_by(Project.id, Tranche.seq)
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
    return list(session.exec(query.order_by(Proposal.id)))


def list_average_scores(session: Session, *, call_id: int, stage: str) -> dict[int, float]:
    """Return each proposal's mean normalised score in a stage."""
    rows = session.exec(
        select(Review.proposal_id, func.avg(Review.normalised_score))
        .join(Proposal, Proposal.id == Review.proposal_id)  # type: ignore[arg-type]
        .where(Proposal.call_id == call_id, Review.stage == stage)
        .group_by(Review.proposal_id)
    )
    return {pid: round(float(avg), 2) for pid, avg in rows if avg is not None}
