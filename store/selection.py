"""Queries for layered selection: conflicts, panels, committee decisions, notices, objections."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from models.committee import CommitteeDecision
from models.panel import AssignmentStatus, ConflictOfInterest, ReviewAssignment
from models.proposal import KpiTarget, Proposal
from models.publicity import Objection, PublicNotice


def add_conflict(session: Session, conflict: ConflictOfInterest) -> None:
    """Record a declared conflict unless it is already on file."""
    found = session.exec(
        select(ConflictOfInterest.id).where(
            ConflictOfInterest.reviewer_id == conflict.reviewer_id,
            ConflictOfInterest.agency_id == conflict.agency_id,
            ConflictOfInterest.kind == conflict.kind,
        )
    ).first()
    if found is None:
        session.add(conflict)
        session.flush()


def list_conflicts(session: Session) -> dict[tuple[int, int], str]:
    """Map (reviewer, agency) to the kind of each declared conflict."""
    return {(c.reviewer_id, c.agency_id): c.kind for c in session.exec(select(ConflictOfInterest))}


def set_panel(
    session: Session,
    *,
    proposal_id: int,
    stage: str,
    reviewer_ids: tuple[int, ...],
    at: datetime,
) -> None:
    """Seat a proposal's panel for a stage at time `at`, keeping seats already taken."""
    seated = {
        a.reviewer_id
        for a in session.exec(
            select(ReviewAssignment).where(
                ReviewAssignment.proposal_id == proposal_id, ReviewAssignment.stage == stage
            )
        )
    }
    for reviewer_id in reviewer_ids:
        if reviewer_id not in seated:
            session.add(
                ReviewAssignment(
                    proposal_id=proposal_id,
                    stage=stage,
                    reviewer_id=reviewer_id,
                    assigned_at=_moment(at),
                )
            )
    session.flush()


def list_assignments(session: Session, *, call_id: int, stage: str) -> list[ReviewAssignment]:
    """List a call's panel seats in one stage."""
    return list(
        session.exec(
            select(ReviewAssignment)
            .join(Proposal, col(Proposal.id) == ReviewAssignment.proposal_id)
            .where(Proposal.call_id == call_id, ReviewAssignment.stage == stage)
            .order_by(col(ReviewAssignment.proposal_id), col(ReviewAssignment.reviewer_id))
        )
    )


def list_abstentions(session: Session, *, call_id: int, stage: str) -> list[tuple[int, int]]:
    """List (reviewer, proposal) pairs where the reviewer abstained in a stage."""
    return [
        (a.reviewer_id, a.proposal_id)
        for a in list_assignments(session, call_id=call_id, stage=stage)
        if a.status == AssignmentStatus.ABSTAINED
    ]


def add_decision_request(
    session: Session, *, call_id: int, flow_run_id: str, at: datetime
) -> CommitteeDecision:
    """Record that a selection run waits for the committee (since `at`)."""
    found = get_pending_decision(session, call_id=call_id)
    if found is not None:
        found.flow_run_id = flow_run_id
        session.add(found)
        return found
    request = CommitteeDecision(call_id=call_id, flow_run_id=flow_run_id, requested_at=_moment(at))
    session.add(request)
    session.flush()
    return request


def get_pending_decision(session: Session, *, call_id: int) -> CommitteeDecision | None:
    """Return the call's decision still waiting for the committee, if any."""
    return session.exec(
        select(CommitteeDecision).where(
            CommitteeDecision.call_id == call_id,
            CommitteeDecision.decided_at == None,  # noqa: E711
        )
    ).first()


def get_decision(session: Session, *, call_id: int) -> CommitteeDecision | None:
    """Return the call's latest decided committee decision, if any."""
    return session.exec(
        select(CommitteeDecision)
        .where(CommitteeDecision.call_id == call_id, CommitteeDecision.decided_at != None)  # noqa: E711
        .order_by(col(CommitteeDecision.id).desc())
    ).first()


def set_decision(
    session: Session,
    decision: CommitteeDecision,
    *,
    accepted: bool,
    include: list[int],
    exclude: list[int],
    reasons: str,
    decided_by: str,
    at: datetime,
    on: date | None = None,
) -> None:
    """Store what the committee decided on business date `on`, entered at `at`."""
    decision.accepted, decision.include, decision.exclude = accepted, include, exclude
    decision.decided_on = on
    decision.reasons, decision.decided_by = reasons, decided_by
    decision.decided_at = _moment(at)
    session.add(decision)


def set_notice(
    session: Session, *, call_id: int, published_on: date, ends_on: date
) -> PublicNotice:
    """Publish the call's notice once; a second run returns the first."""
    found = get_notice(session, call_id=call_id)
    if found is not None:
        return found
    notice = PublicNotice(call_id=call_id, published_on=published_on, ends_on=ends_on)
    session.add(notice)
    session.flush()
    return notice


def get_notice(session: Session, *, call_id: int) -> PublicNotice | None:
    """Return the call's public notice, if published."""
    return session.exec(select(PublicNotice).where(PublicNotice.call_id == call_id)).first()


def add_objection(session: Session, objection: Objection) -> Objection:
    """Record an objection."""
    session.add(objection)
    session.flush()
    return objection


def list_objections(session: Session, *, call_id: int) -> list[Objection]:
    """List the objections to a call's notice."""
    return list(
        session.exec(
            select(Objection)
            .join(Proposal, col(Proposal.id) == Objection.proposal_id)
            .where(Proposal.call_id == call_id)
            .order_by(col(Objection.id))
        )
    )


def list_kpi_totals(session: Session, *, proposal_id: int) -> dict[str, int]:
    """Sum a proposal's monthly KPI targets per indicator, for its contract."""
    totals: dict[str, int] = {}
    for target in session.exec(
        select(KpiTarget).where(KpiTarget.proposal_id == proposal_id).order_by(col(KpiTarget.id))
    ):
        totals[target.indicator] = totals.get(target.indicator, 0) + target.planned
    return totals


def _moment(at: datetime) -> datetime:
    # Callers hand the time (`at`, aware, the office's zone); it is stored in UTC.
    return at.astimezone(UTC)
