"""The CLI answers, and every problem a user can fix is one line without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli import app


def test_help_lists_the_demo(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "demo" in result.output and "公益创投" in result.output


def test_db_upgrade_creates_the_sqlite_database(runner, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GONGYI_DATABASE_URL", f"sqlite:///{tmp_path / 'g.db'}")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "数据库已是最新结构" in result.output
    assert (tmp_path / "g.db").exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("nonsense", "GONGYI_DATABASE_URL"),
        ("postgresql+psycopg://x@127.0.0.1:1/none", "无法连接数据库"),
    ],
)
def test_a_bad_database_url_is_one_clear_line(runner, monkeypatch, url: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GONGYI_DATABASE_URL", url)
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 3


def test_an_unwritable_output_folder_is_one_clear_line(runner, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GONGYI_OUTPUT_DIR", str(blocker / "output"))
    monkeypatch.setenv("GONGYI_DATABASE_URL", f"sqlite:///{tmp_path / 'g.db'}")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "GONGYI_OUTPUT_DIR" in result.output
    assert "Traceback" not in result.output


def test_an_empty_database_url_is_refused_by_settings(runner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GONGYI_DATABASE_URL", " ")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "GONGYI_DATABASE_URL" in result.output
