"""`gongyi cycle open`, `list`, `show` and `status`; a missing cycle is one red line for every command."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as on a wide terminal, whatever COLUMNS the shell running the tests had."""
    from cli.common import console

    monkeypatch.setattr(console, "width", 200)


OPEN = [
    "cycle",
    "open",
    "--street-office",
    "新安街道办事处",
    "--year",
    "2027",
    "--name",
    "2027 年度新安街道公益创投",
    "--starts",
    "2027-03-01",
    "--ends",
    "2027-12-31",
    "--communities",
    "明珠社区，新安社区",
]


@pytest.fixture
def empty_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database file that does not exist yet, as on a new office machine."""
    url = f"sqlite:///{tmp_path / 'new.db'}"
    monkeypatch.setenv("GONGYI_DATABASE_URL", url)
    monkeypatch.setenv("GONGYI_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("GONGYI_OUTPUT_DIR", str(tmp_path / "output"))
    return url


def _one_red_line(output: str, start: str) -> None:
    assert "Traceback" not in output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith(f"错误：{start}"), output


def test_open_list_and_show_a_cycle(runner: CliRunner, database_url: str) -> None:
    opened = runner.invoke(app, [*OPEN, "--domains", "情暖夕阳,文化传承", "--by", "王科长"])
    assert opened.exit_code == 0, opened.output
    assert "已开设创投周期 #1「2027 年度新安街道公益创投」" in opened.output
    assert "2 个社区" in opened.output and "情暖夕阳、文化传承" in opened.output
    assert "gongyi needs import" in opened.output

    listed = runner.invoke(app, ["cycle", "list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "新安街道办事处" in listed.output and "需求征集" in listed.output

    for command in ("show", "status"):
        shown = runner.invoke(app, ["cycle", command, "--cycle", "1"], env={"COLUMNS": "200"})
        assert shown.exit_code == 0, shown.output
        assert "社区：明珠社区、新安社区" in shown.output
        assert "→ 1. 需求征集：下一步（0 条需求）" in shown.output
        assert "6. 结项：未开始" in shown.output


def test_a_second_cycle_for_the_year_and_a_bad_date_are_one_red_line(
    runner: CliRunner, database_url: str
) -> None:
    assert runner.invoke(app, OPEN).exit_code == 0
    again = runner.invoke(app, OPEN, env={"COLUMNS": "300"})
    assert again.exit_code == 1
    _one_red_line(again.output, "新安街道办事处 2027 年度已有创投周期 #1")
    bad = runner.invoke(app, [*OPEN[:-3], "2027-02-30", *OPEN[-2:]], env={"COLUMNS": "300"})
    assert bad.exit_code == 1
    _one_red_line(bad.output, "日期格式应为")


def test_an_empty_database_says_to_open_a_cycle_first(
    runner: CliRunner, empty_database: str, tmp_path: Path
) -> None:
    listed = runner.invoke(app, ["cycle", "list"])
    assert listed.exit_code == 0
    assert "还没有创投周期：请先用 gongyi cycle open" in listed.output
    for command in (["fund", "show", "--cycle", "1"], ["cycle", "show", "--cycle", "1"]):
        result = runner.invoke(app, command, env={"COLUMNS": "300"})
        assert result.exit_code == 1, result.output
        _one_red_line(result.output, "找不到创投周期 #1：数据库还是空的，请先用 gongyi cycle open")


def test_a_flow_command_on_a_missing_cycle_stops_before_the_flow(
    runner: CliRunner, empty_database: str, tmp_path: Path
) -> None:
    needs = tmp_path / "needs.csv"
    needs.write_text("社区,需求内容,来源,提交日期\n明珠社区,老人助餐,走访,2027-03-01\n", "utf-8")
    result = runner.invoke(
        app, ["needs", "import", str(needs), "--cycle", "1"], env={"COLUMNS": "300"}
    )
    assert result.exit_code == 1, result.output
    _one_red_line(result.output, "找不到创投周期 #1：请先用 gongyi cycle open 开设创投周期")

    # Opening the first cycle creates the database; another id is still refused in one line.
    assert runner.invoke(app, OPEN).exit_code == 0
    for command in (
        ["needs", "review", "--cycle", "2"],
        ["monitor", "check", "--cycle", "2"],
        ["cycle", "new", "--from", "2"],
    ):
        result = runner.invoke(app, command, env={"COLUMNS": "300"})
        assert result.exit_code == 1, result.output
        _one_red_line(result.output, "找不到创投周期 #2：请先用 gongyi cycle open")
