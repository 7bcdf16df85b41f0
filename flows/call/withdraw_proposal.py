"""Flow `withdraw_proposal`: an agency withdraws a submitted proposal before the deadline.

The use case is `services.proposals.withdraw_proposal`: after the call's
deadline (at the time handed in) a proposal can no longer be withdrawn, and the
refusal says when the deadline was. With `agency_id` the agency withdraws (its
own proposals only); without it the office enters the withdrawal for the agency.
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow

from flows.runtime import get_now, session_scope
from models.status import Role
from services import Actor
from services.proposals import CallClosed
from services.proposals import withdraw_proposal as withdraw

DeadlinePassedError = CallClosed
"""The refusal after the deadline (the service's `CallClosed`), under its old name for `cli.py`."""


def withdrawing_actor(name: str, agency_id: int | None) -> Actor:
    """The agency's own staff member, or the office entering the withdrawal for it."""
    if agency_id is None:
        return Actor(login=name, role=Role.STAFF)
    return Actor(login=name, role=Role.AGENCY, agency_id=agency_id)


@flow(name="withdraw_proposal", log_prints=True)
def withdraw_proposal(
    proposal_id: int, actor: str, at: datetime | None = None, agency_id: int | None = None
) -> str:
    """Withdraw a submitted proposal before the deadline; return its new status."""
    with session_scope() as session:
        proposal = withdraw(
            session,
            actor=withdrawing_actor(actor, agency_id),
            now=at or get_now(),
            proposal_id=proposal_id,
        )
        print(f"「{proposal.title}」已撤回")
        return proposal.status
