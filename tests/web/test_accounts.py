"""Accounts: Argon2 hashes, the throttling rule, sessions and API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from models.account import FAILED_LOGIN_WINDOW, MAX_FAILED_LOGINS, get_lockout_until
from models.status import Role
from store.accounts import (
    AccountError,
    add_account,
    add_api_token,
    add_web_session,
    check_login,
    get_login_lockout,
    get_token_holder,
    get_web_session,
    hash_password,
    is_password_correct,
    set_web_session_ended,
)

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


def test_a_password_is_stored_as_an_argon2_hash_that_verifies() -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert is_password_correct(stored, "correct horse")
    assert not is_password_correct(stored, "wrong horse")
    assert not is_password_correct("not a hash", "correct horse")


def test_fewer_failures_than_the_limit_do_not_lock() -> None:
    failures = [NOW - timedelta(minutes=n) for n in range(MAX_FAILED_LOGINS - 1)]
    assert get_lockout_until(failures, now=NOW) is None


def test_the_limit_of_recent_failures_locks_until_the_oldest_leaves_the_window() -> None:
    failures = [NOW - timedelta(minutes=n) for n in range(MAX_FAILED_LOGINS)]
    oldest = NOW - timedelta(minutes=MAX_FAILED_LOGINS - 1)
    assert get_lockout_until(failures, now=NOW) == oldest + FAILED_LOGIN_WINDOW


def test_failures_outside_the_window_are_forgotten() -> None:
    failures = [NOW - FAILED_LOGIN_WINDOW - timedelta(minutes=n) for n in range(10)]
    assert get_lockout_until(failures, now=NOW) is None


def test_an_agency_account_must_name_its_agency(session: Session) -> None:
    with pytest.raises(AccountError, match="机构"):
        add_account(session, login="a", password="longenough", name="甲", role=Role.AGENCY)


def test_a_short_password_and_a_taken_login_are_refused(session: Session) -> None:
    with pytest.raises(AccountError, match="至少"):
        add_account(session, login="a", password="short", name="甲", role=Role.STAFF)
    add_account(session, login="a", password="longenough", name="甲", role=Role.STAFF)
    with pytest.raises(AccountError, match="已存在"):
        add_account(session, login="a", password="longenough", name="乙", role=Role.STAFF)


def test_repeated_wrong_passwords_lock_the_login_from_that_address(session: Session) -> None:
    add_account(session, login="staff", password="longenough", name="甲", role=Role.STAFF)
    for n in range(MAX_FAILED_LOGINS):
        at = NOW + timedelta(seconds=n)
        assert check_login(session, login="staff", password="guess", ip="10.0.0.9", now=at) is None
    later = NOW + timedelta(minutes=1)
    # The lock is per login and address: the owner signing in from elsewhere is not locked.
    assert get_login_lockout(session, login="staff", ip="10.0.0.9", now=later) is not None
    assert get_login_lockout(session, login="staff", ip="10.0.0.1", now=later) is None
    assert get_login_lockout(session, login="other", ip="10.0.0.1", now=later) is None
    after = NOW + FAILED_LOGIN_WINDOW + timedelta(minutes=1)
    assert get_login_lockout(session, login="staff", ip="10.0.0.9", now=after) is None


def test_a_session_expires_and_ends_on_sign_out(session: Session) -> None:
    account = add_account(session, login="s", password="longenough", name="甲", role=Role.STAFF)
    secret, row = add_web_session(
        session, account_id=account.id or 0, ip="", now=NOW, lifetime=timedelta(hours=8)
    )
    assert row.token_hash != secret
    assert get_web_session(session, secret, now=NOW + timedelta(hours=7)) is not None
    assert get_web_session(session, secret, now=NOW + timedelta(hours=8)) is None
    set_web_session_ended(session, secret)
    assert get_web_session(session, secret, now=NOW) is None


def test_an_api_token_names_its_holder_and_a_wrong_one_nobody(session: Session) -> None:
    account = add_account(
        session, login="e", password="longenough", name="专家", role=Role.EVALUATOR
    )
    token = add_api_token(session, account_id=account.id or 0, now=NOW)
    holder = get_token_holder(session, token)
    assert holder is not None and holder.role == Role.EVALUATOR and holder.name == "专家"
    assert get_token_holder(session, token + "x") is None
