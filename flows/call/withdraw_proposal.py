"""Flow `withdraw_proposal`: an agency withdraws a submitted proposal before the deadline.

After the call's deadline a proposal can no longer be withdrawn (screening
and review have started on it); the refusal says when the deadline was.
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow

from flows.runtime import get_tz, session_scope
from models.status import (
    PROPOSAL_TRANSITIONS,
    ProposalStatus,
    Role,
    TransitionError,
    apply_transition,
)
from store import calls, proposals, users


class DeadlinePassedError(ValueError):
    """A change to a proposal after the call's deadline."""


@flow(name="withdraw_proposal", log_prints=True)
def withdraw_proposal(proposal_id: int, actor: str, at: datetime | None = None) -> str:
    """Withdraw a submitted proposal before the deadline; return its new status."""
    moment = at or datetime.now(get_tz())
    with session_scope() as session:
        proposal = proposals.get_proposal(session, proposal_id)
        call = calls.get_call(session, proposal.call_id)
        deadline = call.deadline.astimezone(get_tz())
        if moment > deadline:
            raise DeadlinePassedError(
                f"申报已于 {deadline:%Y-%m-%d %H:%M} 截止，不能再撤回「{proposal.title}」"
            )
        try:
            status = apply_transition(
                PROPOSAL_TRANSITIONS,
                ProposalStatus(proposal.status),
                ProposalStatus.WITHDRAWN,
                role=Role.AGENCY,
            )
        except TransitionError:
            raise TransitionError(
                f"「{proposal.title}」状态为 {proposal.status}，不能撤回"
            ) from None
        proposals.set_proposal_status(session, proposal, status=status, stage=proposal.stage)
        users.add_audit_event(
            session,
            actor=actor,
            action="proposal_withdraw",
            subject_type="proposal",
            subject_id=proposal_id,
        )
        print(f"「{proposal.title}」已撤回")
        return status
