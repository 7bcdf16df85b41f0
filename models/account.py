"""Portal accounts: logins with hashed passwords, sessions, API tokens, login attempts, drafts.

An `Account` lets one `User` sign in to the portal. The password hash, the session
and token secrets are produced in `store.accounts`; here are only the tables and
the pure throttling rule, which is given the recent failures and the time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import JSON_VALUE

# Login throttling: this many failures for one login or one address inside the window
# locks further attempts until the oldest of them leaves the window.
MAX_FAILED_LOGINS = 5
FAILED_LOGIN_WINDOW = timedelta(minutes=15)


class Account(SQLModel, table=True):
    """One portal login, bound to one user (and through the user to a role and agency)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", unique=True)
    login: str = Field(max_length=60, unique=True)
    password_hash: str = Field(max_length=200)
    is_active: bool = Field(default=True)
    created_at: datetime
    last_login_at: datetime | None = None


class WebSession(SQLModel, table=True):
    """A signed-in browser: the cookie holds a secret whose SHA-256 is `token_hash`."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime
    expires_at: datetime
    ip: str = Field(default="", max_length=45)


class ApiToken(SQLModel, table=True):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    label: str = Field(default="", max_length=100)
    created_at: datetime
    revoked_at: datetime | None = None


class LoginAttempt(SQLModel, table=True):
    """One try at signing in, kept to throttle guessing."""

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=60, index=True)
    ip: str = Field(default="", max_length=45, index=True)
    at: datetime
    succeeded: bool


class ReportDraft(SQLModel, table=True):
    """A daily report an agency user has started on the portal but not yet submitted."""

    __table_args__ = (UniqueConstraint("account_id", "project_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    project_id: int = Field(foreign_key="project.id")
    day: date
    fields: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_VALUE)
    saved_at: datetime


def get_lockout_until(failures: Sequence[datetime], *, now: datetime) -> datetime | None:
    """Return when a login locked by recent failures opens again, or None if it is open."""
    recent = sorted(at for at in failures if now - at < FAILED_LOGIN_WINDOW)
    if len(recent) < MAX_FAILED_LOGINS:
        return None
    return recent[-MAX_FAILED_LOGINS] + FAILED_LOGIN_WINDOW
