"""`gongyi monitor …`: reports, checks, meetings and evaluations from the command line, errors in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from sqlmodel import Session, SQLModel

from cli import app
from store.database import get_engine
from store.migrate import get_alembic_config
from tests.monitoring_builders import build_running_cycle

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture
def runner(runner):  # type: ignore[no-untyped-def]
    """The CLI runner, with Prefect's log handlers moved back to the real stderr after each call.

    Prefect binds its console handler to whatever stderr is when it sets up
    logging: inside `invoke` that is the runner's capture, closed afterwards.
    """
    from prefect.logging.configuration import setup_logging

    class Runner:
        def invoke(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            try:
                return runner.invoke(*args, **kwargs)
            finally:
                setup_logging(incremental=False)

    return Runner()


@pytest.fixture
def cycle(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A running cycle in a database the CLI's upgrade step leaves alone."""
    monkeypatch.setenv("GONGYI_VAR_DIR", str(tmp_path / "var"))
    SQLModel.metadata.create_all(get_engine(database_url))
    command.stamp(get_alembic_config(database_url), "head")
    with Session(get_engine(database_url)) as session:
        return build_running_cycle(session, projects=1)


def test_a_report_submitted_on_the_command_line_is_saved_then_refused_as_a_duplicate(
    runner, cycle
) -> None:  # type: ignore[no-untyped-def]
    args = [
        "monitor",
        "report",
        "submit",
        "测试项目1",
        "--day",
        "2026-06-03",
        "--activity",
        "小组:手工:8",
        "--spend",
        "活动费:12.5",
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "日报告已保存" in first.output
    second = runner.invoke(app, args)
    assert second.exit_code == 1
    assert "与已保存的第 1 版相同，未重复保存" in second.output and "Traceback" not in second.output


def test_a_bad_field_is_one_line_naming_it(runner, cycle) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app,
        [
            "monitor",
            "report",
            "submit",
            "测试项目1",
            "--day",
            "2026-06-03",
            "--activity",
            "讲座:健康:3",
        ],
    )
    assert result.exit_code == 1
    assert "「活动」活动类型应为 个案 / 小组 / 社区活动" in result.output
    assert "Traceback" not in result.output


def test_a_json_report_goes_through_the_same_checks(runner, cycle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.json"
    path.write_text(
        json.dumps(
            {"project": "测试项目1", "day": "2026-06-03", "no_activity_reason": "端午节前布置场地"}
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["monitor", "report", "submit", "测试项目1", "--json", str(path)])
    assert result.exit_code == 0, result.output


def test_reviewing_an_evaluation_that_does_not_exist_is_one_line(runner, cycle) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app, ["monitor", "review", "测试项目1", "2026-06", "--reviewer", "陈慧敏"]
    )
    assert result.exit_code == 1
    assert "还没有 2026-06 的月评估" in result.output and "Traceback" not in result.output


def test_a_month_written_wrongly_is_one_line(runner, cycle) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["monitor", "month", "2026/13"])
    assert result.exit_code == 1
    assert "月份格式应为 2026-06" in result.output
