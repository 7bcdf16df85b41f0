"""Flow `override_screening`: a staff member overrides one proposal's eligibility result.

The use case is `services.selection.override_screening`: the automatic screening
stays on record rule by rule; the override changes only the outcome, and keeps
who made it and why on the proposal and in the audit trail. An override needs a
reason and is allowed only while the proposal is still at 资格审查.
"""

from __future__ import annotations

from prefect import flow

from flows.runtime import get_now, session_scope
from models.status import Role
from services import Actor
from services.selection import override_screening as override


@flow(name="override_screening", log_prints=True)
def override_screening(proposal_id: int, *, eligible: bool, reason: str, user: str) -> str:
    """Set a screened proposal eligible or ineligible against the automatic result; return its status."""
    with session_scope() as session:
        proposal = override(
            session,
            actor=Actor(login=user.strip(), role=Role.STAFF),
            now=get_now(),
            proposal_id=proposal_id,
            eligible=eligible,
            reason=reason,
        )
        print(
            f"「{proposal.title}」资格审查改判为{'通过' if eligible else '不通过'}"
            f"（{proposal.override_by}：{proposal.override_reason}）"
        )
        return proposal.status
