"""Accounts through `services.accounts`: sign-in throttling, account creation, API tokens."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from models.account import FAILED_LOGIN_WINDOW, MAX_FAILED_LOGINS
from models.status import Role
from services import Actor, NotFound, Refused, accounts
from store import accounts as accounts_store
from store.accounts import get_account, get_token_holder, get_web_session
from store.api_tokens import list_api_tokens
from store.users import list_audit_events

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
LIFETIME = timedelta(hours=8)
ADMIN = Actor(login="cli-admin", name="管理员", role=Role.ADMIN)


def _account(session: Session, login: str = "staff", role: Role = Role.STAFF) -> Actor:
    account = accounts.add_portal_account(
        session,
        actor=ADMIN,
        now=NOW,
        login=login,
        password="longenough",
        name=f"{login}用户",
        role=role,
    )
    return Actor(
        login=login, name=f"{login}用户", role=role, user_id=account.user_id, address="10.0.0.1"
    )


def _sign_in(session: Session, password: str, *, at: datetime, address: str = "10.0.0.9"):  # type: ignore[no-untyped-def]
    return accounts.sign_in(
        session, login="staff", password=password, address=address, now=at, lifetime=LIFETIME
    )


def test_a_right_password_starts_a_session_that_ends_on_sign_out(session: Session) -> None:
    actor = _account(session)
    signed_in = _sign_in(session, "longenough", at=NOW)
    assert signed_in.user.login == "staff" and signed_in.user.role == Role.STAFF
    assert get_web_session(session, signed_in.secret, now=NOW + timedelta(hours=7)) is not None
    assert get_web_session(session, signed_in.secret, now=NOW + LIFETIME) is None
    accounts.sign_out(session, actor=actor, now=NOW, secret=signed_in.secret)
    assert get_web_session(session, signed_in.secret, now=NOW) is None
    assert [e.action for e in list_audit_events(session)] == ["account_add", "login", "logout"]


def test_a_locked_out_login_is_refused_even_with_the_right_password(session: Session) -> None:
    _account(session)
    for n in range(MAX_FAILED_LOGINS):
        with pytest.raises(accounts.WrongPassword):
            _sign_in(session, "guess", at=NOW + timedelta(seconds=n))
    with pytest.raises(accounts.LockedOut) as refused:
        _sign_in(session, "longenough", at=NOW + timedelta(minutes=1))
    assert refused.value.minutes == 15  # FAILED_LOGIN_WINDOW from the first failure
    assert "15 分钟" in refused.value.message
    session.rollback()  # the refusals were committed: nothing is pending
    actions = [(e.action, e.actor, e.ip) for e in list_audit_events(session)]
    assert actions[1:] == [("login_failed", "匿名", "10.0.0.9")] * MAX_FAILED_LOGINS + [
        ("login_locked", "匿名", "10.0.0.9")
    ]
    # Once the window has passed, the right password signs in again.
    later = NOW + FAILED_LOGIN_WINDOW + timedelta(minutes=1)
    assert _sign_in(session, "longenough", at=later).user.login == "staff"


def test_bad_passwords_from_one_address_do_not_lock_the_account_for_another(
    session: Session,
) -> None:
    _account(session)
    for n in range(MAX_FAILED_LOGINS + 2):
        with pytest.raises(accounts.Refused):
            _sign_in(session, "guess", at=NOW + timedelta(seconds=n), address="203.0.113.66")
    later = NOW + timedelta(minutes=1)
    # The attacker's address is locked out of the login, even with the right password...
    with pytest.raises(accounts.LockedOut):
        _sign_in(session, "longenough", at=later, address="203.0.113.66")
    # ...but its owner, signing in from the office, is not.
    assert _sign_in(session, "longenough", at=later, address="10.0.0.9").user.login == "staff"
    session.rollback()
    actions = [(e.action, e.ip) for e in list_audit_events(session)]
    assert actions[-2:] == [("login_locked", "203.0.113.66"), ("login", "10.0.0.9")]


def test_an_address_trying_password_after_password_across_logins_waits_too(
    session: Session,
) -> None:
    _account(session)
    limit = accounts_store.ADDRESS_FAILURE_LIMIT
    for n in range(limit):
        with pytest.raises(accounts.WrongPassword):
            accounts.sign_in(
                session,
                login=f"guess{n}",
                password="x",
                address="203.0.113.66",
                now=NOW + timedelta(seconds=n),
                lifetime=LIFETIME,
            )
    later = NOW + timedelta(minutes=1)
    with pytest.raises(accounts.LockedOut):
        _sign_in(session, "longenough", at=later, address="203.0.113.66")
    assert _sign_in(session, "longenough", at=later, address="10.0.0.9").user.login == "staff"


def test_an_unknown_login_and_a_wrong_password_get_the_same_refusal(session: Session) -> None:
    _account(session)
    with pytest.raises(accounts.WrongPassword) as wrong:
        _sign_in(session, "guess", at=NOW)
    with pytest.raises(accounts.WrongPassword) as unknown:
        accounts.sign_in(
            session, login="nobody", password="x", address="", now=NOW, lifetime=LIFETIME
        )
    assert wrong.value.message == unknown.value.message == "登录名或密码不正确。"


def test_a_taken_login_or_a_short_password_is_refused_and_nothing_is_kept(
    session: Session,
) -> None:
    _account(session)
    with pytest.raises(Refused, match="已存在"):
        _account(session)
    with pytest.raises(Refused, match="至少"):
        accounts.add_portal_account(
            session, actor=ADMIN, now=NOW, login="b", password="short", name="乙", role=Role.STAFF
        )
    with pytest.raises(Refused, match="机构"):
        _account(session, "agency", Role.AGENCY)
    assert get_account(session, "b") is None and get_account(session, "agency") is None
    assert [e.action for e in list_audit_events(session)] == ["account_add"]


def test_a_token_revoked_twice_keeps_its_first_time_and_one_event(session: Session) -> None:
    actor = _account(session)
    issued = accounts.issue_api_token(
        session, actor=actor, now=NOW, account_id=issued_account(session), label=" 手机 "
    )
    assert issued.token.label == "手机" and get_token_holder(session, issued.secret) is not None
    first = accounts.revoke_api_token(session, actor=actor, now=NOW, token_id=issued.token.id or 0)
    again = accounts.revoke_api_token(
        session, actor=actor, now=NOW + timedelta(hours=1), token_id=issued.token.id or 0
    )
    assert first.revoked_at == again.revoked_at
    session.expire_all()
    [token] = list_api_tokens(session, account_id=issued_account(session))
    revoked_at = token.revoked_at
    assert revoked_at is not None and revoked_at == NOW
    assert get_token_holder(session, issued.secret) is None
    assert [e.action for e in list_audit_events(session)] == [
        "account_add",
        "api_token_add",
        "api_token_revoke",
    ]


def test_another_accounts_token_is_not_found_and_stays_valid(session: Session) -> None:
    owner = _account(session)
    other = _account(session, "other")
    issued = accounts.issue_api_token(
        session, actor=owner, now=NOW, account_id=issued_account(session)
    )
    with pytest.raises(NotFound):
        accounts.revoke_api_token(session, actor=other, now=NOW, token_id=issued.token.id or 0)
    assert get_token_holder(session, issued.secret) is not None


def test_an_evaluator_may_not_issue_a_token_for_another_account_but_the_office_may(
    session: Session,
) -> None:
    _account(session)
    other = _account(session, "other", Role.EVALUATOR)
    with pytest.raises(NotFound):
        accounts.issue_api_token(session, actor=other, now=NOW, account_id=issued_account(session))
    issued = accounts.issue_api_token(
        session, actor=ADMIN, now=NOW, account_id=issued_account(session), label="脚本"
    )
    holder = get_token_holder(session, issued.secret)
    assert holder is not None and holder.login == "staff"
    event = list_audit_events(session, action="api_token_issue")[0]
    assert (event.actor, event.subject_type, event.detail) == (
        "管理员",
        "account",
        "为 staff 签发 API 令牌 脚本",
    )


def issued_account(session: Session) -> int:
    account = get_account(session, "staff")
    assert account is not None and account.id is not None
    return account.id
