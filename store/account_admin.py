"""Managing portal accounts: every account with its status, a new password, disabling, roles.

`store.accounts` signs people in; this module is what the admin's page and
`gongyi users` change. A disabled account (`Account.is_active` false) cannot sign
in, and `store.accounts` ignores its sessions and API tokens; disabling also
deletes its browser sessions, so none outlives it. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, delete, func, select

from models.account import Account, WebSession
from models.agency import Agency
from models.status import Role
from models.user import User
from store.accounts import MIN_PASSWORD_LENGTH, AccountError, hash_password


@dataclass(frozen=True)
class AccountRow:
    """One account as the admin sees it (never its password hash)."""

    account_id: int
    login: str
    name: str
    role: Role
    agency_id: int | None
    agency_name: str
    is_active: bool
    last_login_at: datetime | None


def list_account_rows(session: Session) -> list[AccountRow]:
    """List every account, active or disabled, by login."""
    rows = session.exec(
        select(Account, User, Agency.name)
        .join(User, col(User.id) == Account.user_id)
        .join(Agency, col(Agency.id) == User.agency_id, isouter=True)
        .order_by(col(Account.login))
    )
    return [_row(account, user, agency_name) for account, user, agency_name in rows]


def get_account_row(session: Session, account_id: int) -> AccountRow | None:
    """Return one account as the admin sees it, or None."""
    found = session.exec(
        select(Account, User, Agency.name)
        .join(User, col(User.id) == Account.user_id)
        .join(Agency, col(Agency.id) == User.agency_id, isouter=True)
        .where(Account.id == account_id)
    ).first()
    return _row(*found) if found else None


def _row(account: Account, user: User, agency_name: str | None) -> AccountRow:
    return AccountRow(
        account_id=account.id or 0,
        login=account.login,
        name=user.name,
        role=Role(user.role),
        agency_id=user.agency_id,
        agency_name=agency_name or "",
        is_active=account.is_active,
        last_login_at=account.last_login_at,
    )


def count_active_admins(session: Session) -> int:
    """Count the active accounts whose user is an admin."""
    return session.exec(
        select(func.count())
        .select_from(Account)
        .join(User, col(User.id) == Account.user_id)
        .where(col(Account.is_active).is_(True), User.role == Role.ADMIN)
    ).one()


def set_password(session: Session, *, account_id: int, password: str) -> Account:
    """Store a new password's hash for an account; refuse a short one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    account = _get(session, account_id)
    account.password_hash = hash_password(password)
    session.add(account)
    return account


def set_active(session: Session, *, account_id: int, active: bool) -> Account:
    """Enable or disable an account; disabling ends its browser sessions."""
    account = _get(session, account_id)
    account.is_active = active
    session.add(account)
    if not active:
        end_web_sessions(session, account_id=account_id)
    return account


def end_web_sessions(session: Session, *, account_id: int) -> None:
    """End every browser session of an account (after a new password or disabling)."""
    session.exec(delete(WebSession).where(col(WebSession.account_id) == account_id))


def set_role(session: Session, *, account_id: int, role: Role, agency_id: int | None) -> User:
    """Give an account's user another role (and agency, for an agency account)."""
    account = _get(session, account_id)
    user = session.get(User, account.user_id)
    if user is None:
        raise AccountError(f"账号 {account.login} 没有对应的用户")
    if role == Role.AGENCY and agency_id is None:
        raise AccountError("社会组织账号必须绑定一个机构")
    clash = session.exec(
        select(User).where(User.name == user.name, User.role == role, User.id != user.id)
    ).first()
    if clash is not None:
        raise AccountError(f"已有同名的{role}用户「{user.name}」，请先改名")
    user.role = role
    user.agency_id = agency_id if role == Role.AGENCY else None
    session.add(user)
    session.flush()
    return user


def _get(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise AccountError(f"找不到账号 #{account_id}")
    return account
