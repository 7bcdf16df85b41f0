"""Accounts through `services.accounts`: sign-in throttling, account creation, API tokens."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from models.account import FAILED_LOGIN_WINDOW, MAX_FAILED_LOGINS
from models.status import Role
from services import Actor, Forbidden, NotFound, Refused, accounts
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


@pytest.mark.one_backend
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


# --- Managing accounts: admin only, audited, never the password -------------------


def _id(session: Session, login: str) -> int:
    account = get_account(session, login)
    assert account is not None and account.id is not None
    return account.id


def test_only_an_admin_manages_accounts(session: Session) -> None:
    staff = _account(session)
    _account(session, "other")
    other = _id(session, "other")
    with pytest.raises(Forbidden):
        accounts.reset_password(
            session, actor=staff, now=NOW, account_id=other, password="another-pass"
        )
    with pytest.raises(Forbidden):
        accounts.disable_account(session, actor=staff, now=NOW, account_id=other)
    with pytest.raises(Forbidden):
        accounts.set_role(session, actor=staff, now=NOW, account_id=other, role=Role.ADMIN)
    with pytest.raises(Forbidden):
        accounts.add_portal_account(
            session,
            actor=staff,
            now=NOW,
            login="c",
            password="longenough",
            name="丙",
            role=Role.ADMIN,
        )
    with pytest.raises(Forbidden):
        accounts.list_portal_accounts(session, actor=staff)


def test_a_disabled_account_cannot_sign_in_and_its_session_and_token_stop_working(
    session: Session,
) -> None:
    actor = _account(session)
    signed_in = _sign_in(session, "longenough", at=NOW)
    issued = accounts.issue_api_token(
        session, actor=actor, now=NOW, account_id=_id(session, "staff")
    )
    row = accounts.disable_account(session, actor=ADMIN, now=NOW, account_id=_id(session, "staff"))
    assert not row.is_active
    assert get_web_session(session, signed_in.secret, now=NOW) is None
    assert get_token_holder(session, issued.secret) is None
    with pytest.raises(accounts.WrongPassword):
        _sign_in(session, "longenough", at=NOW + timedelta(minutes=1))
    listed = {r.login: r.is_active for r in accounts.list_portal_accounts(session, actor=ADMIN)}
    assert listed == {"staff": False}
    accounts.enable_account(session, actor=ADMIN, now=NOW, account_id=_id(session, "staff"))
    assert _sign_in(session, "longenough", at=NOW + timedelta(minutes=2)).user.login == "staff"
    assert get_token_holder(session, issued.secret) is not None
    events = [(e.action, e.detail) for e in list_audit_events(session) if "able" in e.action]
    assert events == [("account_disable", "停用账号 staff"), ("account_enable", "启用账号 staff")]


def test_a_new_password_replaces_the_old_ends_sessions_and_is_never_logged(
    session: Session,
) -> None:
    _account(session)
    signed_in = _sign_in(session, "longenough", at=NOW)
    staff = _id(session, "staff")
    with pytest.raises(Refused, match="staff：密码至少 8 位"):
        accounts.reset_password(session, actor=ADMIN, now=NOW, account_id=staff, password="short")
    accounts.reset_password(session, actor=ADMIN, now=NOW, account_id=staff, password="brand-new-1")
    assert get_web_session(session, signed_in.secret, now=NOW) is None
    with pytest.raises(accounts.WrongPassword):
        _sign_in(session, "longenough", at=NOW + timedelta(seconds=1))
    assert _sign_in(session, "brand-new-1", at=NOW + timedelta(seconds=2)).user.login == "staff"
    details = " ".join(e.detail for e in list_audit_events(session))
    assert "brand-new-1" not in details and "重设账号 staff 的密码" in details


def test_an_admin_cannot_disable_themself_nor_remove_the_last_admin(session: Session) -> None:
    boss = _account(session, "boss", Role.ADMIN)
    boss_id = _id(session, "boss")
    with pytest.raises(Refused, match="不能停用自己"):
        accounts.disable_account(session, actor=boss, now=NOW, account_id=boss_id)
    with pytest.raises(Refused, match="不能取消自己的管理员角色"):
        accounts.set_role(session, actor=boss, now=NOW, account_id=boss_id, role=Role.STAFF)
    # The command line acts as an admin without an account: the last admin stays.
    with pytest.raises(Refused, match="最后一个管理员"):
        accounts.disable_account(session, actor=ADMIN, now=NOW, account_id=boss_id)
    with pytest.raises(Refused, match="最后一个管理员"):
        accounts.set_role(session, actor=ADMIN, now=NOW, account_id=boss_id, role=Role.STAFF)
    _account(session, "deputy", Role.ADMIN)
    row = accounts.disable_account(session, actor=ADMIN, now=NOW, account_id=boss_id)
    assert not row.is_active


def test_a_role_change_is_applied_audited_and_an_agency_account_names_its_agency(
    session: Session,
) -> None:
    from datetime import date

    from models.agency import Agency

    _account(session)
    staff = _id(session, "staff")
    with pytest.raises(Refused, match="机构"):
        accounts.set_role(session, actor=ADMIN, now=NOW, account_id=staff, role=Role.AGENCY)
    with pytest.raises(NotFound, match="#999"):
        accounts.set_role(
            session, actor=ADMIN, now=NOW, account_id=staff, role=Role.AGENCY, agency_id=999
        )
    agency = Agency(
        name="青禾社会工作服务中心",
        org_type="社会服务机构",
        credit_code="52340100MJ528112XW",
        registered_on=date(2015, 6, 18),
    )
    session.add(agency)
    session.commit()
    row = accounts.set_role(
        session, actor=ADMIN, now=NOW, account_id=staff, role=Role.AGENCY, agency_id=agency.id
    )
    assert (row.role, row.agency_id, row.agency_name) == (Role.AGENCY, agency.id, agency.name)
    signed_in = _sign_in(session, "longenough", at=NOW)
    assert signed_in.user.role == Role.AGENCY and signed_in.user.agency_id == agency.id
    [event] = list_audit_events(session, action="account_role")
    assert event.detail == "账号 staff 的角色：街道工作人员 → 社会组织"
