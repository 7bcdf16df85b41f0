"""Objections to the 公示 for the flows and the demo's driver: `services.objections`, in a session.

The use cases (taking an objection within the window, resolving it, withdrawing an
upheld proposal's approval) are `services.objections`', the same the CLI and the
portal's 公示 page call; these keep the flows' calling form (ids and dates) and its
error (`PublicityError`).
"""

from __future__ import annotations

from datetime import date

from flows.runtime import get_now, session_scope
from models.publicity import PublicityError
from models.status import Role
from services import Actor, Refused, objections


def _actor(name: str = "") -> Actor:
    return Actor(login="flow", name=name or "街道工作人员", role=Role.STAFF)


def lodge_objection(call_id: int, *, proposal_id: int, submitter: str, text: str, day: date) -> int:
    """Record a written objection to a proposal on the call's notice; return its id."""
    try:
        with session_scope() as session:
            return objections.lodge_objection(
                session,
                actor=_actor(),
                now=get_now(),
                call_id=call_id,
                proposal_id=proposal_id,
                submitter=submitter,
                text=text,
                on=day,
            )
    except Refused as refused:
        raise PublicityError(refused.message) from None


def resolve_objection(
    call_id: int, objection_id: int, *, uphold: bool, reason: str, by: str, on: date | None = None
) -> str:
    """Uphold or dismiss an objection with a reason, dated `on` (default today)."""
    try:
        with session_scope() as session:
            return objections.resolve_objection(
                session,
                actor=_actor(by),
                now=get_now(),
                call_id=call_id,
                objection_id=objection_id,
                uphold=uphold,
                reason=reason,
                on=on or get_now().date(),
            )
    except Refused as refused:
        raise PublicityError(refused.message) from None
