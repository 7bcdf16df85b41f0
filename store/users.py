"""Queries for users and the audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from models.user import AuditEvent, User


def add_user(session: Session, *, name: str, role: str, agency_id: int | None = None) -> User:
    """Add a user with that name and role, or return the one already there."""
    found = session.exec(select(User).where(User.name == name, User.role == role)).first()
    if found:
        return found
    user = User(name=name, role=role, agency_id=agency_id)
    session.add(user)
    session.flush()
    return user


def add_audit_event(
    session: Session,
    *,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: int | None = None,
    detail: str = "",
    ip: str = "",
    at: datetime,
    business_on: date | None = None,
) -> AuditEvent:
    """Log one action, such as a view of personal data, at `at` (UTC).

    Use `services.audit.record`, which is handed the use case's time.
    """
    event = AuditEvent(
        at=at.astimezone(UTC),
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail,
        ip=ip,
        business_on=business_on,
    )
    session.add(event)
    return event


def list_audit_events(session: Session, *, action: str | None = None) -> list[AuditEvent]:
    """List audit events, oldest first, optionally of one action."""
    query = select(AuditEvent)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(session.exec(query.order_by(col(AuditEvent.id))))


def list_users(session: Session, *, role: str | None = None) -> list[User]:
    """List users by id, optionally of one role."""
    query = select(User)
    if role is not None:
        query = query.where(User.role == role)
    return list(session.exec(query.order_by(col(User.id))))
