"""Queries for proposals and their reviews."""

from __future__ import annotations

from sqlmodel import Session, select

from models.proposal import Proposal, Review


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
