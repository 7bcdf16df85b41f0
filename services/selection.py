"""Selection (遴选) use cases the office does by hand: overriding a screening result, and
putting the committee's decision on the audit trail.

The committee's decision itself resumes the waiting selection flow, which stays
in `flows/` (the portal reaches it through `web.flow_runs`); what the office did
is recorded here, with the actor and the time handed in.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models.proposal import Proposal
from models.status import (
    SCREENING_OVERRIDE_TRANSITIONS,
    ProposalStatus,
    Role,
    Stage,
    TransitionError,
    apply_transition,
)
from models.text import text_problem
from services import Actor, Forbidden, NotFound, Refused, audit
from store import proposals, users
from store.database import unit_of_work

OVERRIDE_ROLES = frozenset({Role.STAFF})
"""Who may override a screening result: the street office's staff (never the system)."""


def override_screening(
    session: Session, *, actor: Actor, now: datetime, proposal_id: int, eligible: bool, reason: str
) -> Proposal:
    """Set a screened proposal eligible or ineligible against the automatic result, with a reason.

    The automatic checks stay on record rule by rule; who overrode it and why are kept on
    the proposal and in the audit trail. Allowed only while the proposal is at 资格审查.
    """
    if actor.role not in OVERRIDE_ROLES:
        raise Forbidden("只有街道工作人员可以改判资格审查结果")
    if not reason.strip():
        raise Refused("改判资格审查结果必须写明理由")
    if (problem := text_problem(reason)) is not None:
        raise Refused(f"改判理由{problem}")
    who = actor.label.strip()
    if not who:
        raise Refused("改判资格审查结果必须写明操作人")
    try:
        proposal = proposals.get_proposal(session, proposal_id)
    except LookupError:
        raise NotFound(f"没有编号为 {proposal_id} 的申报书") from None
    target = ProposalStatus.ELIGIBLE if eligible else ProposalStatus.INELIGIBLE
    if proposal.stage != Stage.ELIGIBILITY or proposal.status == target:
        raise Refused(
            f"「{proposal.title}」当前为 {proposal.status}（{proposal.stage}），不能改判为 {target}"
        )
    try:
        status = apply_transition(
            SCREENING_OVERRIDE_TRANSITIONS, ProposalStatus(proposal.status), target, role=Role.STAFF
        )
    except TransitionError as error:
        raise Refused(str(error)) from None
    with unit_of_work(session):
        users.add_user(session, name=who, role=Role.STAFF)
        proposal.override_by, proposal.override_reason = who, reason.strip()[:500]
        proposals.set_proposal_status(session, proposal, status=status, stage=Stage.ELIGIBILITY)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="screening_override",
            subject_type="proposal",
            subject_id=proposal_id,
            detail=f"{'通过' if eligible else '不通过'}：{reason.strip()}",
        )
    return proposal


def note_committee_decision(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    call_id: int,
    include: list[int],
    exclude: list[int],
    reasons: str,
) -> None:
    """Put the committee's decision, as the office entered it, on the audit trail."""
    if actor.role not in OVERRIDE_ROLES:
        raise Forbidden("只有街道工作人员可以录入终审决定")
    with unit_of_work(session):
        audit.record(
            session,
            actor=actor,
            now=now,
            action="committee_decision",
            subject_type="call",
            subject_id=call_id,
            detail=f"纳入 {include} 排除 {exclude}：{reasons}",
        )
