"""Flow `override_screening`: a staff member overrides one proposal's eligibility result.

The automatic screening stays on record rule by rule; the override changes
only the outcome, and keeps who made it and why on the proposal and in the
audit trail. An override needs a reason and is allowed only while the
proposal is still at the eligibility stage (资格审查).
"""

from __future__ import annotations

from prefect import flow

from flows.runtime import session_scope
from models.status import (
    SCREENING_OVERRIDE_TRANSITIONS,
    ProposalStatus,
    Role,
    Stage,
    TransitionError,
    apply_transition,
)
from store import proposals, users


@flow(name="override_screening", log_prints=True)
def override_screening(proposal_id: int, *, eligible: bool, reason: str, user: str) -> str:
    """Set a screened proposal eligible or ineligible against the automatic result; return its status."""
    if not reason.strip():
        raise ValueError("改判资格审查结果必须写明理由")
    if not user.strip():
        raise ValueError("改判资格审查结果必须写明操作人")
    target = ProposalStatus.ELIGIBLE if eligible else ProposalStatus.INELIGIBLE
    with session_scope() as session:
        proposal = proposals.get_proposal(session, proposal_id)
        if proposal.stage != Stage.ELIGIBILITY or proposal.status == target:
            raise TransitionError(
                f"「{proposal.title}」当前为 {proposal.status}（{proposal.stage}），不能改判为 {target}"
            )
        status = apply_transition(
            SCREENING_OVERRIDE_TRANSITIONS, ProposalStatus(proposal.status), target, role=Role.STAFF
        )
        users.add_user(session, name=user, role=Role.STAFF)
        proposal.override_by, proposal.override_reason = user.strip(), reason.strip()[:500]
        proposals.set_proposal_status(session, proposal, status=status, stage=Stage.ELIGIBILITY)
        users.add_audit_event(
            session,
            actor=user.strip(),
            action="screening_override",
            subject_type="proposal",
            subject_id=proposal_id,
            detail=f"{'通过' if eligible else '不通过'}：{reason.strip()}"[:1000],
        )
        print(
            f"「{proposal.title}」资格审查改判为{'通过' if eligible else '不通过'}（{user}：{reason}）"
        )
        return status
