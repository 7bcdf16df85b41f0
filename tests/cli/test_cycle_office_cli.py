"""`gongyi cycle office` sets the 落款 as the portal's form does; `cycle show` prints it and what blocks the next step."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli import app
from tests.cli.test_cycle_open_cli import OPEN


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output as on a wide terminal, whatever COLUMNS the shell running the tests had."""
    from cli.common import console

    monkeypatch.setattr(console, "width", 200)


def test_the_clerk_sets_the_office_and_show_prints_it(runner: CliRunner, database_url: str) -> None:
    assert runner.invoke(app, OPEN).exit_code == 0
    set_office = runner.invoke(
        app,
        [
            "cycle",
            "office",
            "--cycle",
            "1",
            "--name",
            "新安街道办事处",
            "--address",
            "新安路 1 号",
            "--phone",
            "0551-62881234",
            "--email",
            "gongyi@xinan.example.cn",
            "--by",
            "王科长",
        ],
    )
    assert set_office.exit_code == 0, set_office.output
    assert (
        "创投周期 #1 的落款已保存" in set_office.output
        and "电话：0551-62881234" in set_office.output
    )
    only_contact = runner.invoke(app, ["cycle", "office", "--cycle", "1", "--contact", "王老师"])
    assert only_contact.exit_code == 0 and "地址：新安路 1 号" in only_contact.output
    shown = runner.invoke(app, ["cycle", "show", "--cycle", "1"])
    assert shown.exit_code == 0, shown.output
    assert "联系人：王老师" in shown.output and "邮箱：gongyi@xinan.example.cn" in shown.output
    assert "还需：还没有居民需求" in shown.output


def test_a_bad_phone_is_one_red_line_naming_the_field(runner: CliRunner, database_url: str) -> None:
    assert runner.invoke(app, OPEN).exit_code == 0
    bad = runner.invoke(app, ["cycle", "office", "--cycle", "1", "--phone", "六二八八"])
    assert bad.exit_code != 0 and "Traceback" not in bad.output
    assert bad.output.strip().splitlines() == [
        "错误：联系电话：「六二八八」不是电话号码（如 0551-62881234 或 13800001111，7–15 位数字）"
    ]
