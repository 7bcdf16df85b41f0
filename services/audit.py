"""The audit trail: the one way a use case records who did or saw what, when, and from where.

Every service records its own event with `record`, inside its unit of work, so the
event is committed with the write it describes (or rolled back with it). The doors
never write audit events themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session

from models.privacy import mask_text
from models.status import Role
from models.user import AuditEvent
from services import Actor, Forbidden
from store import dashboard
from store.database import unit_of_work
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
    on: date | None = None,
) -> AuditEvent:
    """Add one audit event to the session (committed with the caller's unit of work).

    `now` is the use case's time (aware; stored in UTC, as the trail always was);
    `on` is the act's business date (`--on`), kept beside it when the act is dated;
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
        business_on=on,
    )


def _utc(now: datetime) -> datetime:
    # The trail has always been written in UTC; a naive time is taken as UTC.
    return now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)


def log_view(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    action: str,
    subject_type: str,
    subject_id: int | None,
    detail: str,
) -> None:
    """Record, and commit at once, that `actor` was shown personal data (a read has no other write)."""
    with unit_of_work(session):
        record(
            session,
            actor=actor,
            now=now,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            detail=mask_text(detail),
        )


@dataclass(frozen=True)
class TrailEntry:
    """One audit event as an officer may read it: its detail with phones and IDs masked."""

    at: datetime
    actor: str
    action: str
    subject: str
    detail: str
    ip: str
    business_on: date | None = None  # the act's business date, when it was dated


READERS = frozenset({Role.STAFF, Role.ADMIN})


def read_trail(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    who: str = "",
    action: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[TrailEntry]:
    """Read the audit trail, newest first, with personal numbers masked; the reading is logged.

    The details quote what users wrote (need texts, report summaries), so they pass
    through the one masking rule, and the view itself is an event of the trail.
    """
    if actor.role not in READERS:
        raise Forbidden("只有街道工作人员和管理员可以查看审计日志")
    with unit_of_work(session):
        events = dashboard.list_audit_events(
            session, actor=who, action=action, since=since, until=until
        )
        filters = "，".join(
            f"{label}={value}"
            for label, value in (("操作人", who), ("操作", action), ("起", since), ("止", until))
            if value
        )
        record(
            session,
            actor=actor,
            now=now,
            action="view_audit_log",
            subject_type="audit",
            detail=f"查看审计日志 {len(events)} 条" + (f"（{filters}）" if filters else ""),
        )
    return [
        TrailEntry(
            at=_utc(event.at),
            actor=event.actor,
            action=event.action,
            subject=f"{event.subject_type} {event.subject_id or ''}".strip(),
            detail=mask_text(event.detail),
            ip=event.ip,
            business_on=event.business_on,
        )
        for event in events
    ]
