"""The audit trail: the one way a use case records who did or saw what, when, and from where.

Every service records its own event with `record`, inside its unit of work, so the
event is committed with the write it describes (or rolled back with it). The doors
never write audit events themselves.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from models.user import AuditEvent
from services import Actor
from store.users import add_audit_event

ANONYMOUS = "匿名"


def actor_name(actor: Actor | None) -> str:
    """How the audit trail names an actor.

    A portal or API account is `login（name）`; the CLI's clerk and a flow are
    their label (name, or login when there is no name); nobody signed in (None,
    or an actor with neither login nor name, which still carries an address) is 匿名.
    """
    if actor is None:
        return ANONYMOUS
    if actor.user_id is not None and actor.name:
        return f"{actor.login}（{actor.name}）"
    return actor.label or ANONYMOUS


def record(
    session: Session,
    *,
    actor: Actor | None,
    now: datetime,
    action: str,
    subject_type: str,
    subject_id: int | None = None,
    detail: str = "",
) -> AuditEvent:
    """Add one audit event to the session (committed with the caller's unit of work).

    `now` is the use case's time (aware; stored in UTC, as the trail always was);
    the address is the actor's (`Actor.address`, empty for the CLI and flows).
    """
    return add_audit_event(
        session,
        at=_utc(now),
        actor=actor_name(actor)[:100],
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail[:1000],
        ip=(actor.address if actor else "")[:45],
    )


def _utc(now: datetime) -> datetime:
    # The trail has always been written in UTC; a naive time is taken as UTC.
    return now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
