"""Portal accounts: Argon2 password hashes, browser sessions, API tokens and login throttling.

The portal (`web/`) and the JSON API (`web/api/`) both sign people in through
here. Secrets handed to a browser or a client (session cookies, API tokens) are
random and only their SHA-256 is stored, so a copy of the database cannot be
replayed. Every function takes the session and the time it needs; the caller
commits.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, delete, select

from models.account import (
    FAILED_LOGIN_WINDOW,
    MAX_FAILED_LOGINS,
    Account,
    ApiToken,
    LoginAttempt,
    WebSession,
    get_lockout_until,
)
from models.status import Role
from models.user import User
from store.users import add_user

MIN_PASSWORD_LENGTH = 8
_HASHER = PasswordHasher()


class AccountError(ValueError):
    """An account that cannot be created or used, with the reason in Chinese."""


@dataclass(frozen=True)
class SignedIn:
    """Who is behind a session or token: the account, its user, role and agency."""

    account_id: int
    user_id: int
    login: str
    name: str
    role: Role
    agency_id: int | None


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return _HASHER.hash(password)


def is_password_correct(password_hash: str, password: str) -> bool:
    """Check a password against its stored hash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def add_account(
    session: Session,
    *,
    login: str,
    password: str,
    name: str,
    role: Role,
    agency_id: int | None = None,
    now: datetime | None = None,
) -> Account:
    """Create a login for a new or existing user; refuse a taken login or a short password.

    `now` is when it is created (`services.accounts.add_portal_account` hands it);
    the wall-clock default is kept only for callers not yet moved to the service
    (the demo's accounts, the test and benchmark builders).
    """
    login = login.strip()
    if not login or len(login) > 60:
        raise AccountError("登录名不能为空，且不超过 60 个字符")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    if role == Role.AGENCY and agency_id is None:
        raise AccountError("社会组织账号必须绑定一个机构（--agency）")
    if session.exec(select(Account).where(Account.login == login)).first():
        raise AccountError(f"登录名 {login} 已存在")
    user = add_user(session, name=name, role=role, agency_id=agency_id)
    if session.exec(select(Account).where(Account.user_id == user.id)).first():
        raise AccountError(f"用户 {name}（{role}）已有账号")
    account = Account(
        user_id=user.id or 0,
        login=login,
        password_hash=hash_password(password),
        created_at=now if now is not None else datetime.now(UTC),
    )
    session.add(account)
    session.flush()
    return account


def get_account(session: Session, login: str) -> Account | None:
    """Return the account with that login, if any."""
    return session.exec(select(Account).where(Account.login == login.strip())).first()


def get_signed_in(session: Session, account_id: int) -> SignedIn | None:
    """Return who an active account belongs to."""
    row = session.exec(
        select(Account, User).join(User).where(Account.id == account_id, Account.is_active)
    ).first()
    if row is None:
        return None
    account, user = row
    return SignedIn(
        account_id=account.id or 0,
        user_id=user.id or 0,
        login=account.login,
        name=user.name,
        role=Role(user.role),
        agency_id=user.agency_id,
    )


def list_accounts(session: Session) -> list[SignedIn]:
    """List every active account with its user, by login."""
    ids = session.exec(select(Account.id).where(Account.is_active).order_by(Account.login))
    return [s for s in (get_signed_in(session, i or 0) for i in ids) if s is not None]


ADDRESS_FAILURE_LIMIT = 4 * MAX_FAILED_LOGINS
"""Failed sign-ins from one address, whatever the logins, before that address waits too."""


def get_login_lockout(session: Session, *, login: str, ip: str, now: datetime) -> datetime | None:
    """Return until when sign-in is throttled for this login from this address, or None.

    The lock is kept per login and address: `MAX_FAILED_LOGINS` failures for this login
    from this address within the window lock it there, and bad passwords sent from one
    address never lock the account for anyone signing in from another. An address that
    fails `ADDRESS_FAILURE_LIMIT` times whatever the logins (password spraying) waits too.
    """
    since = now - FAILED_LOGIN_WINDOW
    recent = (LoginAttempt.at > since, col(LoginAttempt.succeeded).is_(False))
    ip = ip[:45]
    pair = session.exec(
        select(LoginAttempt.at).where(
            LoginAttempt.login == login.strip()[:60], LoginAttempt.ip == ip, *recent
        )
    ).all()
    until = get_lockout_until([_aware(at) for at in pair], now=now)
    if until is None and ip:
        failures = sorted(
            _aware(at)
            for at in session.exec(select(LoginAttempt.at).where(LoginAttempt.ip == ip, *recent))
        )
        if len(failures) >= ADDRESS_FAILURE_LIMIT:
            until = failures[-ADDRESS_FAILURE_LIMIT] + FAILED_LOGIN_WINDOW
    return until


def check_login(
    session: Session, *, login: str, password: str, ip: str, now: datetime
) -> SignedIn | None:
    """Check a password, record the attempt and return who signed in, or None."""
    account = get_account(session, login)
    ok = bool(
        account and account.is_active and is_password_correct(account.password_hash, password)
    )
    if not account:
        # Spend the same time as a real check, so a missing login cannot be told apart.
        is_password_correct(_dummy_hash(), password)
    session.add(LoginAttempt(login=login.strip()[:60], ip=ip[:45], at=now, succeeded=ok))
    if not ok or account is None:
        return None
    account.last_login_at = now
    session.add(account)
    return get_signed_in(session, account.id or 0)


def add_web_session(
    session: Session, *, account_id: int, ip: str, now: datetime, lifetime: timedelta
) -> tuple[str, WebSession]:
    """Start a browser session; return the cookie secret and the stored row."""
    secret = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=_digest(secret),
        account_id=account_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + lifetime,
        ip=ip[:45],
    )
    session.add(row)
    session.flush()
    return secret, row


def get_web_session(session: Session, secret: str, *, now: datetime) -> WebSession | None:
    """Return the unexpired browser session for a cookie secret."""
    row = session.exec(select(WebSession).where(WebSession.token_hash == _digest(secret))).first()
    if row is None or _aware(row.expires_at) <= now:
        return None
    return row


def set_web_session_ended(session: Session, secret: str) -> None:
    """End a browser session (sign out)."""
    session.exec(delete(WebSession).where(col(WebSession.token_hash) == _digest(secret)))


def add_api_token(session: Session, *, account_id: int, label: str = "", now: datetime) -> str:
    """Issue an API bearer token for an account; the token is shown only this once."""
    secret = secrets.token_urlsafe(32)
    session.add(
        ApiToken(token_hash=_digest(secret), account_id=account_id, label=label, created_at=now)
    )
    session.flush()
    return secret


def get_token_holder(session: Session, token: str) -> SignedIn | None:
    """Return who holds an unrevoked API token of an active account, or None."""
    digest = token_digest(token)
    return list_token_holders(session, digests=[digest]).get(digest)


def token_digest(token: str) -> str:
    """Return the SHA-256 under which an API token is stored (and may be remembered)."""
    return _digest(token)


def list_token_holders(session: Session, *, digests: Iterable[str]) -> dict[str, SignedIn]:
    """Return who holds each unrevoked token of an active account, by token digest."""
    # One statement for tokens, accounts and users: every API call runs it.
    wanted = sorted(set(digests))
    holders: dict[str, SignedIn] = {}
    for chunk in range(0, len(wanted), 500):
        for digest, account_id, user_id, login, name, role, agency_id in session.exec(
            select(
                ApiToken.token_hash,
                Account.id,
                User.id,
                Account.login,
                User.name,
                User.role,
                User.agency_id,
            )
            .join(Account, col(Account.id) == ApiToken.account_id)
            .join(User, col(User.id) == Account.user_id)
            .where(
                col(ApiToken.token_hash).in_(wanted[chunk : chunk + 500]),
                col(ApiToken.revoked_at).is_(None),
                col(Account.is_active).is_(True),
            )
        ):
            holders[digest] = SignedIn(
                account_id=account_id or 0,
                user_id=user_id or 0,
                login=login,
                name=name,
                role=Role(role),
                agency_id=agency_id,
            )
    return holders


def _aware(at: datetime) -> datetime:
    # SQLite hands datetimes back naive; they were stored as UTC.
    return at if at.tzinfo else at.replace(tzinfo=UTC)


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("gongyi-timing-equaliser")
