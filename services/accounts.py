"""Portal accounts: signing in and out, managing accounts, issuing and revoking API tokens.

Only an admin (or the system) creates an account, gives it a new password, disables or
enables it and sets its role; each is audited, never with the password. A disabled
account cannot sign in, and its browser sessions and API tokens stop working at once
(`store.accounts` ignores an inactive account's; disabling also ends its sessions). An
admin cannot disable themself, and no change leaves the portal without an active admin.

Signing in is throttled per login and address: after `models.account.MAX_FAILED_LOGINS`
failures within `FAILED_LOGIN_WINDOW` for a login from one address, further attempts at
that login from that address are refused (`LockedOut`) until the oldest failure leaves
the window; bad passwords sent from one address never lock the account for its owner
signing in from another. An address that fails `store.accounts.ADDRESS_FAILURE_LIMIT`
times whatever the logins waits too. A refused or failed
attempt is still recorded (the attempt and its audit event are committed) before
the refusal is raised, so the throttle and the audit trail see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from models.account import Account, ApiToken
from models.status import ROLE_LABELS, Role
from services import Actor, Forbidden, NotFound, Refused, audit
from store import account_admin, accounts, agencies, api_tokens
from store.account_admin import AccountRow
from store.accounts import AccountError, SignedIn
from store.database import unit_of_work


class LockedOut(Refused):
    """Too many recent failed sign-ins for this login from this address (or from this address)."""

    def __init__(self, until: datetime, *, now: datetime) -> None:
        self.until = until
        self.minutes = max(1, int((until - now).total_seconds() // 60) + 1)
        super().__init__(f"登录失败次数过多，请 {self.minutes} 分钟后再试。")


class WrongPassword(Refused):
    """An unknown login, a wrong password or a disabled account (not told apart)."""

    def __init__(self) -> None:
        super().__init__("登录名或密码不正确。")


@dataclass(frozen=True)
class SignedInSession:
    """Who signed in, and the browser session's secret (the cookie; only its hash is kept)."""

    user: SignedIn
    secret: str


@dataclass(frozen=True)
class IssuedToken:
    """A new API token: the stored row and the secret, shown only this once."""

    token: ApiToken
    secret: str


def sign_in(
    session: Session,
    *,
    login: str,
    password: str,
    address: str,
    now: datetime,
    lifetime: timedelta,
) -> SignedInSession:
    """Check a password (throttled after repeated failures) and start a browser session."""
    anonymous = Actor(login="", address=address)
    locked = accounts.get_login_lockout(session, login=login, ip=address, now=now)
    if locked is not None:
        with unit_of_work(session):
            audit.record(
                session,
                actor=anonymous,
                now=now,
                action="login_locked",
                subject_type="account",
                detail=login,
            )
        raise LockedOut(locked, now=now)
    with unit_of_work(session):
        user = accounts.check_login(session, login=login, password=password, ip=address, now=now)
        if user is None:
            audit.record(
                session,
                actor=anonymous,
                now=now,
                action="login_failed",
                subject_type="account",
                detail=login,
            )
        else:
            secret, _row = accounts.add_web_session(
                session, account_id=user.account_id, ip=address, now=now, lifetime=lifetime
            )
            audit.record(
                session,
                actor=Actor.of(user, address=address),
                now=now,
                action="login",
                subject_type="account",
                subject_id=user.account_id,
            )
    if user is None:
        raise WrongPassword()
    return SignedInSession(user=user, secret=secret)


def sign_out(session: Session, *, actor: Actor, now: datetime, secret: str) -> None:
    """End the browser session whose cookie secret this is."""
    with unit_of_work(session):
        accounts.set_web_session_ended(session, secret)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="logout",
            subject_type="account",
            subject_id=_account_of(session, actor).id,
        )


def add_portal_account(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    login: str,
    password: str,
    name: str,
    role: Role,
    agency_id: int | None = None,
) -> Account:
    """Create a portal account (Argon2 hash); refuse a taken login, a short password, a bad role."""
    _require_admin(actor)
    if role == Role.SYSTEM:
        raise Refused("系统角色不能登录门户")
    try:
        with unit_of_work(session):
            account = accounts.add_account(
                session,
                login=login,
                password=password,
                name=name or login,
                role=role,
                agency_id=agency_id,
                now=now,
            )
            audit.record(
                session,
                actor=actor,
                now=now,
                action="account_add",
                subject_type="account",
                subject_id=account.id,
                detail=f"新建门户账号 {account.login}（{role}）",
            )
    except AccountError as exc:
        raise Refused(str(exc)) from None
    return account


def issue_api_token(
    session: Session, *, actor: Actor, now: datetime, account_id: int, label: str = ""
) -> IssuedToken:
    """Issue an API token for an account: a holder for their own, the office for anyone's.

    A holder issuing their own token (the API's `POST /api/tokens`) is audited as
    `api_token_add` on the token; the office issuing one for an account
    (`gongyi users token`) as `api_token_issue` on the account.
    """
    account = session.get(Account, account_id)
    if account is None or not account.is_active:
        raise NotFound(f"没有编号为 {account_id} 的有效账号")
    own = actor.user_id is not None and actor.user_id == account.user_id
    if not own and actor.role not in (Role.STAFF, Role.ADMIN):
        raise NotFound(f"没有编号为 {account_id} 的有效账号")
    label = label.strip()
    with unit_of_work(session):
        secret = accounts.add_api_token(session, account_id=account_id, label=label, now=now)
        token = api_tokens.list_api_tokens(session, account_id=account_id)[0]
        if own:
            audit.record(
                session,
                actor=actor,
                now=now,
                action="api_token_add",
                subject_type="api_token",
                subject_id=token.id,
                detail=f"API：签发令牌「{token.label}」",
            )
        else:
            audit.record(
                session,
                actor=actor,
                now=now,
                action="api_token_issue",
                subject_type="account",
                subject_id=account_id,
                detail=f"为 {account.login} 签发 API 令牌 {label}".strip(),
            )
    return IssuedToken(token=token, secret=secret)


def revoke_api_token(session: Session, *, actor: Actor, now: datetime, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens from now on (it stops working at once).

    Revoking a token already revoked changes nothing: it keeps the first time and
    records no second event. Another account's token is not found.
    """
    account = _account_of(session, actor)
    try:
        token = api_tokens.get_api_token(session, token_id=token_id, account_id=account.id or 0)
    except LookupError:
        raise NotFound(f"找不到API 令牌 #{token_id}，或您的账号无权访问") from None
    if token.revoked_at is not None:
        return token
    with unit_of_work(session):
        api_tokens.set_api_token_revoked(session, token, now=now)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="api_token_revoke",
            subject_type="api_token",
            subject_id=token.id,
            detail=f"API：吊销令牌「{token.label}」",
        )
    return token


def _account_of(session: Session, actor: Actor) -> Account:
    account = accounts.get_account(session, actor.login) if actor.login else None
    if account is None or account.user_id != actor.user_id:
        raise NotFound("找不到此账号")
    return account


MANAGERS = (Role.ADMIN, Role.SYSTEM)
"""Who may manage accounts: the admin, and the system (the demo's seeding)."""


def _require_admin(actor: Actor) -> None:
    if actor.role not in MANAGERS:
        raise Forbidden("只有管理员可以管理门户账号")


def _managed(session: Session, actor: Actor, account_id: int) -> AccountRow:
    _require_admin(actor)
    row = account_admin.get_account_row(session, account_id)
    if row is None:
        raise NotFound(f"找不到账号 #{account_id}")
    return row


def _is_self(actor: Actor, row: AccountRow) -> bool:
    return bool(actor.login) and actor.login == row.login


def list_portal_accounts(session: Session, *, actor: Actor) -> list[AccountRow]:
    """List every account, active or disabled, for the admin."""
    _require_admin(actor)
    return account_admin.list_account_rows(session)


def reset_password(
    session: Session, *, actor: Actor, now: datetime, account_id: int, password: str
) -> AccountRow:
    """Give an account a new password; its open browser sessions end."""
    row = _managed(session, actor, account_id)
    try:
        with unit_of_work(session):
            account_admin.set_password(session, account_id=account_id, password=password)
            account_admin.end_web_sessions(session, account_id=account_id)
            audit.record(
                session,
                actor=actor,
                now=now,
                action="account_reset",
                subject_type="account",
                subject_id=account_id,
                detail=f"重设账号 {row.login} 的密码",
            )
    except AccountError as exc:
        raise Refused(f"账号 {row.login}：{exc}") from None
    return row


def disable_account(
    session: Session, *, actor: Actor, now: datetime, account_id: int
) -> AccountRow:
    """Disable an account: it cannot sign in, and its sessions and API tokens stop working."""
    row = _managed(session, actor, account_id)
    if _is_self(actor, row):
        raise Refused("不能停用自己的账号")
    if not row.is_active:
        return row
    if row.role == Role.ADMIN and account_admin.count_active_admins(session) <= 1:
        raise Refused(f"账号 {row.login} 是最后一个管理员，不能停用")
    return _set_active(session, actor=actor, now=now, row=row, active=False)


def enable_account(session: Session, *, actor: Actor, now: datetime, account_id: int) -> AccountRow:
    """Enable a disabled account again (its old sessions stay ended)."""
    row = _managed(session, actor, account_id)
    if row.is_active:
        return row
    return _set_active(session, actor=actor, now=now, row=row, active=True)


def _set_active(
    session: Session, *, actor: Actor, now: datetime, row: AccountRow, active: bool
) -> AccountRow:
    with unit_of_work(session):
        account_admin.set_active(session, account_id=row.account_id, active=active)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="account_enable" if active else "account_disable",
            subject_type="account",
            subject_id=row.account_id,
            detail=f"{'启用' if active else '停用'}账号 {row.login}",
        )
    return account_admin.get_account_row(session, row.account_id) or row


def set_role(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    account_id: int,
    role: Role,
    agency_id: int | None = None,
) -> AccountRow:
    """Give an account another role (an agency account names its agency)."""
    row = _managed(session, actor, account_id)
    if role == Role.SYSTEM:
        raise Refused("系统角色不能登录门户")
    if role == Role.AGENCY:
        _check_agency(session, agency_id)
    if row.role == role and (role != Role.AGENCY or row.agency_id == agency_id):
        return row
    if row.role == Role.ADMIN and row.is_active:
        if _is_self(actor, row):
            raise Refused("不能取消自己的管理员角色")
        if account_admin.count_active_admins(session) <= 1:
            raise Refused(f"账号 {row.login} 是最后一个管理员，不能改为其他角色")
    try:
        with unit_of_work(session):
            account_admin.set_role(session, account_id=account_id, role=role, agency_id=agency_id)
            audit.record(
                session,
                actor=actor,
                now=now,
                action="account_role",
                subject_type="account",
                subject_id=account_id,
                detail=f"账号 {row.login} 的角色：{ROLE_LABELS[row.role]} → {ROLE_LABELS[role]}",
            )
    except AccountError as exc:
        raise Refused(f"账号 {row.login}：{exc}") from None
    return account_admin.get_account_row(session, account_id) or row


def _check_agency(session: Session, agency_id: int | None) -> None:
    if agency_id is None:
        raise Refused("社会组织账号必须绑定一个机构")
    try:
        agencies.get_agency(session, agency_id)
    except LookupError:
        raise NotFound(f"找不到机构 #{agency_id}") from None
