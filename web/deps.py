"""FastAPI dependencies shared by the portal pages and the JSON API.

`create_app` puts the engine on `app.state.engine` and the settings on
`app.state.settings`; nothing here is built at import time. `get_session`
yields one sqlmodel `Session` per request; the route commits what it wrote,
and anything not committed is rolled back when the request ends, so a failed
request writes nothing. `get_signed_in` resolves the portal's session cookie to
the signed-in account (`store.accounts.SignedIn`) and raises `NotSignedIn`
when there is none, which the app turns into the login page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from models.status import Role
from services import Actor
from store.accounts import SignedIn, get_signed_in, get_web_session

SESSION_COOKIE = "gongyi_session"


class NotSignedIn(Exception):
    """The request has no valid portal session (none, expired or signed out)."""

    def __init__(self, *, expired: bool = False) -> None:
        super().__init__("未登录或会话已过期")
        self.expired = expired


class Forbidden(Exception):
    """The signed-in account may not use this page or see this record."""


class NotFound(Exception):
    """No such record (or one the account may not know exists)."""


def get_session(request: Request) -> Iterator[Session]:
    """Yield a database session bound to the app's engine; uncommitted work is rolled back."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


SessionDep = Annotated[Session, Depends(get_session)]


def get_client_ip(request: Request) -> str:
    """Return the client's address: for the audit trail, rate limits and the sign-in throttle.

    It is the connection's peer, or, when that peer is a proxy named in
    GONGYI_WEB_TRUSTED_PROXIES, the client it forwards for (`create_app` installs the
    proxy-headers middleware only then). An X-Forwarded-For from anyone else is ignored.
    """
    return request.client.host if request.client else ""


def get_now(request: Request) -> datetime:
    """The request's time: `Settings.now()`, the office's time zone (the one clock)."""
    return request.app.state.settings.now()


def get_today(request: Request) -> date:
    """Today in the office's time zone."""
    return get_now(request).date()


NowDep = Annotated[datetime, Depends(get_now)]
TodayDep = Annotated[date, Depends(get_today)]


def actor_of(request: Request, user: SignedIn) -> Actor:
    """The service layer's actor for a signed-in account, with the client's address."""
    return Actor.of(user, address=get_client_ip(request))


def get_signed_in_user(request: Request, session: SessionDep) -> SignedIn:
    """Return who the session cookie belongs to, or raise `NotSignedIn`."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise NotSignedIn()
    row = get_web_session(session, secret, now=get_now(request))
    signed_in = get_signed_in(session, row.account_id) if row else None
    if row is None or signed_in is None:
        raise NotSignedIn(expired=True)
    request.state.csrf_token = row.csrf_token
    request.state.user = signed_in
    return signed_in


CurrentUser = Annotated[SignedIn, Depends(get_signed_in_user)]


def get_optional_user(request: Request, session: SessionDep) -> SignedIn | None:
    """Return who is signed in on a public page, or None."""
    try:
        return get_signed_in_user(request, session)
    except NotSignedIn:
        return None


OptionalUser = Annotated[SignedIn | None, Depends(get_optional_user)]


def require_roles(*roles: Role):
    """Build a dependency that lets only these roles through (403 for the others)."""

    def dependency(user: CurrentUser) -> SignedIn:
        if user.role not in roles:
            raise Forbidden()
        return user

    return dependency


# SQLite lets one connection write at a time and makes the others sleep-poll on the busy
# timeout; within one process a lock hands the turn to the next writer at once instead, and
# makes the intake's read-check-write atomic among this process's requests (the portal's
# form, and the API's report writer, which files many requests' reports per turn).
_SQLITE_WRITER = threading.Lock()


def writer_turn(session: Session) -> AbstractContextManager[object]:
    """Wait for this process's turn to write to SQLite; PostgreSQL needs no turn."""
    return _SQLITE_WRITER if session.get_bind().dialect.name == "sqlite" else nullcontext()
