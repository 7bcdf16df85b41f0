"""The portal's audit trail for a request: `services.audit.record` with the request's actor and time."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request
from sqlmodel import Session

from services import Actor, audit
from store.accounts import SignedIn
from web.deps import get_client_ip, get_now


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
    audit.record(
        session,
        actor=_actor(user, get_client_ip(request)),
        now=get_now(request),
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
    now: datetime | None = None,
) -> None:
    """Add one audit event for a request from `ip`, written after the request was read.

    `now` is the request's time; the wall clock is read only for a caller that
    does not hand it yet (the API's report filing).
    """
    audit.record(
        session,
        actor=_actor(user, ip),
        now=now if now is not None else datetime.now(UTC),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail,
    )


def _actor(user: SignedIn | None, ip: str) -> Actor | None:
    if user is None:
        # Nobody signed in (a failed sign-in): 匿名, from this address.
        return Actor(login="", address=ip)
    return Actor.of(user, address=ip)
