"""Read queries for the portal's pages, and its report drafts.

Each function answers one page's question for one account: an agency's
projects, what it still owes this week, an evaluator's assignments, the
officer's dashboard figures, the audit log filtered. The lists are filtered by
the agency in the query; whether one project or action item is the actor's is
decided in one place, `services.projects.check_own`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from models.account import ReportDraft
from models.monitoring import ActionItem, DailyReport, MonthlyEvaluation
from models.panel import ReviewAssignment
from models.project import Project
from models.proposal import Proposal, Review


def list_agency_projects(session: Session, *, agency_id: int) -> list[Project]:
    """List an agency's projects, by title."""
    return list(
        session.exec(select(Project).where(Project.agency_id == agency_id).order_by(Project.title))
    )


def get_project(session: Session, project_id: int) -> Project | None:
    """Return one project by id, or None (whose it is, is `services.projects.check_own`)."""
    return session.get(Project, project_id)


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
