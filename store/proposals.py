"""Queries for proposals, their budget lines, KPI targets, screening results and reviews.

A proposal is known by its call, agency and title; its budget lines and KPI
targets are replaced as a whole when the proposal is saved again, so a
re-import never leaves lines from an earlier version behind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, delete, select

from models.panel import ReviewAssignment
from models.proposal import BudgetLine, KpiTarget, Proposal, Review, ScreeningCheck


def add_proposal(session: Session, proposal: Proposal) -> tuple[Proposal, bool]:
    """Add a proposal unless the agency already submitted one of that title."""
    found = session.exec(
        select(Proposal).where(
            Proposal.call_id == proposal.call_id,
            Proposal.agency_id == proposal.agency_id,
            Proposal.title == proposal.title,
        )
    ).first()
    if found:
        return found, False
    session.add(proposal)
    session.flush()
    return proposal, True


def get_proposal(session: Session, proposal_id: int) -> Proposal:
    """Return a proposal by id, or raise LookupError."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise LookupError(f"找不到项目申报书 #{proposal_id}")
    return proposal


def find_proposal(session: Session, *, call_id: int, agency_id: int, title: str) -> Proposal | None:
    """Return the agency's proposal of that title under the call, if there is one."""
    return session.exec(
        select(Proposal).where(
            Proposal.call_id == call_id,
            Proposal.agency_id == agency_id,
            Proposal.title == title,
        )
    ).first()


def set_proposal_lines(
    session: Session,
    proposal_id: int,
    *,
    budget: Iterable[BudgetLine],
    kpis: Iterable[KpiTarget],
) -> None:
    """Replace a proposal's budget lines and KPI targets with these."""
    session.exec(delete(BudgetLine).where(col(BudgetLine.proposal_id) == proposal_id))  # type: ignore[call-overload]
    session.exec(delete(KpiTarget).where(col(KpiTarget.proposal_id) == proposal_id))  # type: ignore[call-overload]
    for line in budget:
        line.proposal_id = proposal_id
        session.add(line)
    for target in kpis:
        target.proposal_id = proposal_id
        session.add(target)
    session.flush()


def list_budget_lines(session: Session, *, call_id: int) -> dict[int, list[BudgetLine]]:
    """Return the budget lines of a call's proposals, by proposal id."""
    lines: dict[int, list[BudgetLine]] = defaultdict(list)
    query = (
        select(BudgetLine)
        .join(Proposal, Proposal.id == BudgetLine.proposal_id)  # type: ignore[arg-type]
        .where(Proposal.call_id == call_id)
        .order_by(BudgetLine.proposal_id, BudgetLine.id)
    )
    for line in session.exec(query):
        lines[line.proposal_id].append(line)
    return dict(lines)


def list_kpi_targets(session: Session, *, call_id: int) -> dict[int, list[KpiTarget]]:
    """Return the KPI targets of a call's proposals, by proposal id, in month order."""
    targets: dict[int, list[KpiTarget]] = defaultdict(list)
    query = (
        select(KpiTarget)
        .join(Proposal, Proposal.id == KpiTarget.proposal_id)  # type: ignore[arg-type]
        .where(Proposal.call_id == call_id)
        .order_by(KpiTarget.proposal_id, KpiTarget.month, KpiTarget.id)
    )
    for target in session.exec(query):
        targets[target.proposal_id].append(target)
    return dict(targets)


def set_screening_checks(
    session: Session, proposal_id: int, checks: Iterable[ScreeningCheck], *, checked_at: datetime
) -> None:
    """Store one screening's results for a proposal, replacing an earlier screening."""
    session.exec(delete(ScreeningCheck).where(col(ScreeningCheck.proposal_id) == proposal_id))  # type: ignore[call-overload]
    for check in checks:
        check.proposal_id, check.checked_at = proposal_id, checked_at
        session.add(check)
    session.flush()


def list_screening_checks(session: Session, *, call_id: int) -> dict[int, list[ScreeningCheck]]:
    """Return the screening results of a call's proposals, by proposal id."""
    checks: dict[int, list[ScreeningCheck]] = defaultdict(list)
    query = (
        select(ScreeningCheck)
        .join(Proposal, Proposal.id == ScreeningCheck.proposal_id)  # type: ignore[arg-type]
        .where(Proposal.call_id == call_id)
        .order_by(ScreeningCheck.proposal_id, ScreeningCheck.id)
    )
    for check in session.exec(query):
        checks[check.proposal_id].append(check)
    return dict(checks)


def list_proposals(session: Session, *, call_id: int, status: str | None = None) -> list[Proposal]:
    """List a call's proposals by id, optionally only those in one status."""
    query = select(Proposal).where(Proposal.call_id == call_id)
    if status is not None:
        query = query.where(Proposal.status == status)
    return list(session.exec(query.order_by(Proposal.id)))


def set_proposal_status(
    session: Session, proposal: Proposal, *, status: str, stage: str, note: str | None = None
) -> None:
    """Store a status and stage that the transition table allowed."""
    proposal.status = status
    proposal.stage = stage
    if note is not None:
        proposal.screening_note = note
    session.add(proposal)


def set_proposal(session: Session, proposal: Proposal) -> None:
    """Store a proposal whose fields a rule changed."""
    session.add(proposal)
    session.flush()


def set_review(session: Session, review: Review) -> Review:
    """Add a review, or replace the scores of the reviewer's earlier one for that stage."""
    found = session.exec(
        select(Review).where(
            Review.proposal_id == review.proposal_id,
            Review.stage == review.stage,
            Review.reviewer_id == review.reviewer_id,
        )
    ).first()
    if found is None:
        session.add(review)
        session.flush()
        return review
    found.scores = review.scores
    found.weighted_score = review.weighted_score
    found.submitted_at = review.submitted_at
    session.add(found)
    session.flush()
    return found


def set_review_normalised(session: Session, review: Review) -> None:
    """Store a review's score normalised against the reviewer's other scores in the stage."""
    session.add(review)


def set_assignment(session: Session, assignment: ReviewAssignment) -> None:
    """Store a panel seat whose status changed (scored)."""
    session.add(assignment)
    session.flush()


def list_reviews(session: Session, *, call_id: int, stage: str) -> list[Review]:
    """List the reviews of a call's proposals in one stage."""
    return list(
        session.exec(
            select(Review)
            .join(Proposal, Proposal.id == Review.proposal_id)  # type: ignore[arg-type]
            .where(Proposal.call_id == call_id, Review.stage == stage)
            .order_by(Review.id)
        )
    )
