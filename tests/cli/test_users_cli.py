"""`gongyi users list`, `reset`, `disable`, `enable` and `role`: the admin's use cases, from the CLI."""

from __future__ import annotations

import pytest
from alembic import command
from sqlmodel import Session
from typer.testing import CliRunner

from cli import app
from store.accounts import check_login
from store.database import get_engine
from store.migrate import get_alembic_config
from store.users import list_audit_events
from tests.services.test_accounts import NOW


@pytest.fixture(autouse=True)
def _stamped_and_wide(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A migrated test database; tables as on a wide terminal."""
    from cli.common import console

    command.stamp(get_alembic_config(database_url), "head")
    monkeypatch.setattr(console, "width", 200)


def _add(runner: CliRunner, login: str, role: str) -> None:
    added = runner.invoke(
        app,
        ["users", "add", login, "--role", role, "--name", f"{login}姓名"],
        input="long-enough-1\nlong-enough-1\n",
    )
    assert added.exit_code == 0, added.output


def _signs_in(url: str, login: str, password: str) -> bool:
    with Session(get_engine(url)) as session:
        return check_login(session, login=login, password=password, ip="", now=NOW) is not None


def test_list_shows_each_account_with_role_and_status(runner: CliRunner, database_url: str) -> None:
    empty = runner.invoke(app, ["users", "list"])
    assert empty.exit_code == 0 and "gongyi users add" in empty.output
    _add(runner, "boss", "admin")
    _add(runner, "zhou", "staff")
    listed = runner.invoke(app, ["users", "list"])
    assert listed.exit_code == 0, listed.output
    lines = {
        line.split()[1]: line
        for line in listed.output.splitlines()
        if "姓名" in line and "│" in line
    }
    assert "管理员" in lines["boss"] and "有效" in lines["boss"]
    assert "街道工作人员" in lines["zhou"] and "—" in lines["zhou"]  # never signed in


def test_reset_prompts_hidden_and_the_new_password_signs_in(
    runner: CliRunner, database_url: str
) -> None:
    _add(runner, "zhou", "staff")
    reset = runner.invoke(app, ["users", "reset", "zhou"], input="brand-new-pass\nbrand-new-pass\n")
    assert reset.exit_code == 0, reset.output
    assert "brand-new-pass" not in reset.output and "密码已重设" in reset.output
    assert _signs_in(database_url, "zhou", "brand-new-pass")
    assert not _signs_in(database_url, "zhou", "long-enough-1")
    short = runner.invoke(app, ["users", "reset", "zhou", "--password", "short"])
    assert short.exit_code == 1 and "错误：账号 zhou：密码至少 8 位" in short.output
    with Session(get_engine(database_url)) as session:
        details = [e.detail for e in list_audit_events(session)]
    assert not any("brand-new-pass" in d for d in details)


def test_disable_enable_and_the_last_admin(runner: CliRunner, database_url: str) -> None:
    _add(runner, "boss", "admin")
    _add(runner, "zhou", "staff")
    disabled = runner.invoke(app, ["users", "disable", "zhou"])
    assert disabled.exit_code == 0 and "账号 zhou 已停用" in disabled.output
    assert not _signs_in(database_url, "zhou", "long-enough-1")
    listed = runner.invoke(app, ["users", "list"])
    assert "已停用" in listed.output
    enabled = runner.invoke(app, ["users", "enable", "zhou"])
    assert enabled.exit_code == 0 and _signs_in(database_url, "zhou", "long-enough-1")
    last = runner.invoke(app, ["users", "disable", "boss"])
    assert last.exit_code == 1 and "最后一个管理员" in last.output
    assert "Traceback" not in last.output
    demoted = runner.invoke(app, ["users", "role", "boss", "--role", "staff"])
    assert demoted.exit_code == 1 and "最后一个管理员" in demoted.output
    promoted = runner.invoke(app, ["users", "role", "zhou", "--role", "admin"])
    assert promoted.exit_code == 0 and "角色已改为管理员" in promoted.output
    unknown = runner.invoke(app, ["users", "disable", "nobody"])
    assert unknown.exit_code == 1 and "没有登录名为 'nobody' 的账号" in unknown.output
