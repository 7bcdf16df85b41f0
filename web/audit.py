"""Writing the portal's audit trail: who did or saw what, when, and from which address."""

from __future__ import annotations

from fastapi import Request
from sqlmodel import Session

from store.accounts import SignedIn
from store.users import add_audit_event
from web.deps import get_client_ip


def record(
    session: Session,
    request: Request,
    user: SignedIn | None,
    *,
    action: str,
    subject_type: str,
    subject_id: int | None = None,
    detail: str = "",
) -> None:
    """Add one audit event for this request (the caller commits it with the write)."""
    record_from(
        session,
        get_client_ip(request),
        user,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail,
    )


def record_from(
    session: Session,
    ip: str,
    user: SignedIn | None,
    *,
    action: str,
    subject_type: str,
    subject_id: int | None = None,
    detail: str = "",
) -> None:
    """Add one audit event for a request from `ip`, written after the request was read."""
    add_audit_event(
        session,
        actor=f"{user.login}（{user.name}）" if user else "匿名",
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail[:1000],
        ip=ip,
    )
