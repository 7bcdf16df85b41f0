"""`gongyi users add` creates portal accounts; `gongyi web` is there to start the portal."""

from __future__ import annotations

import pytest
from alembic import command
from sqlmodel import Session, select

from cli import app
from models.account import Account
from models.agency import Agency
from store.accounts import is_password_correct
from store.database import get_engine
from store.migrate import get_alembic_config


@pytest.fixture(autouse=True)
def stamped(database_url: str) -> None:
    """The test database, marked as migrated so the CLI's upgrade step leaves it alone."""
    command.stamp(get_alembic_config(database_url), "head")


def test_users_add_creates_an_agency_account_with_a_hashed_password(
    runner,
    database_url: str,  # type: ignore[no-untyped-def]
) -> None:
    with Session(get_engine(database_url)) as session:
        from datetime import date

        session.add(
            Agency(
                name="青禾社会工作服务中心",
                org_type="社会服务机构",
                credit_code="52340100MJ528112XW",
                registered_on=date(2015, 6, 18),
                annual_inspection="合格",
            )
        )
        session.commit()
    result = runner.invoke(
        app,
        [
            "users",
            "add",
            "wang",
            "--role",
            "agency",
            "--agency",
            "青禾社会工作服务中心",
            "--name",
            "王社工",
            "--password",
            "long-enough-1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "账号 wang（agency）已创建" in result.output
    with Session(get_engine(database_url)) as session:
        account = session.exec(select(Account).where(Account.login == "wang")).one()
    assert is_password_correct(account.password_hash, "long-enough-1")


def test_users_add_refuses_an_unknown_role_and_a_short_password(
    runner,
    database_url: str,  # type: ignore[no-untyped-def]
) -> None:
    bad_role = runner.invoke(
        app, ["users", "add", "x", "--role", "boss", "--password", "long-enough-1"]
    )
    short = runner.invoke(app, ["users", "add", "x", "--role", "staff", "--password", "short"])
    assert bad_role.exit_code == 1 and "未知角色" in bad_role.output
    assert short.exit_code == 1 and "至少 8 位" in short.output


def test_web_command_is_offered(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["web", "--help"])
    assert result.exit_code == 0 and "门户" in result.output


def test_users_token_issues_a_token_the_api_accepts_once_shown(
    runner,
    database_url: str,  # type: ignore[no-untyped-def]
) -> None:
    from store.accounts import get_token_holder

    added = runner.invoke(
        app, ["users", "add", "zhou", "--role", "staff", "--password", "long-enough-1"]
    )
    assert added.exit_code == 0, added.output
    issued = runner.invoke(app, ["users", "token", "zhou", "--label", "手机端"])
    assert issued.exit_code == 0, issued.output
    token = issued.output.strip().splitlines()[-1]
    with Session(get_engine(database_url)) as session:
        holder = get_token_holder(session, token)
        assert holder is not None and holder.role == "staff"
        assert get_token_holder(session, token + "x") is None
    unknown = runner.invoke(app, ["users", "token", "nobody"])
    assert unknown.exit_code == 1 and "没有登录名为 'nobody' 的账号" in unknown.output
