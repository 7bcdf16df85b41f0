"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, Prefect, the CLI.

Every test that asks for `database_url` or `session` runs twice, once per
backend (`[sqlite]` and `[postgresql]` in its id). PostgreSQL is the server
on 127.0.0.1:5432, database `test`, in a schema made for this run and dropped
after it. When GONGYI_TEST_REQUIRE_POSTGRES=1 (CI sets it) a server that
cannot be reached fails the run instead of skipping its tests.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

# Prefect reads these when it is first imported, so they are set before any test
# module imports it: a private home and result store per run, and no analytics.
_PREFECT_DIR = Path(tempfile.mkdtemp(prefix="gongyi-prefect-"))
os.environ["PREFECT_HOME"] = str(_PREFECT_DIR / "home")
os.environ["PREFECT_LOCAL_STORAGE_PATH"] = str(_PREFECT_DIR / "storage")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL"] = "WARNING"

import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlmodel import Session, SQLModel, create_engine  # noqa: E402

import models  # noqa: E402, F401
from store.database import get_engine  # noqa: E402

BACKENDS = ("sqlite", "postgresql")
PG_USERS = ("postgres", "root")
SCHEMA = f"gongyi_test_{uuid.uuid4().hex[:10]}"


def _postgres_base_url() -> str | None:
    configured = os.environ.get("GONGYI_TEST_POSTGRES_URL")
    candidates = (
        [configured]
        if configured
        else [f"postgresql+psycopg://{user}@127.0.0.1:5432/test" for user in PG_USERS]
    )
    for url in candidates:
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return url
        except OperationalError:
            continue
        finally:
            engine.dispose()
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """Create this run's schema on the PostgreSQL server and yield a URL bound to it."""
    base = _postgres_base_url()
    if base is None:
        message = "PostgreSQL 127.0.0.1:5432（数据库 test）无法连接"
        if os.environ.get("GONGYI_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message + "；设置 GONGYI_TEST_REQUIRE_POSTGRES=1 可使其成为失败")
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    url = f"{base}?options=-csearch_path%3D{SCHEMA}"
    SQLModel.metadata.create_all(get_engine(url))
    yield url
    get_engine(url).dispose()
    with admin.begin() as connection:
        connection.execute(text("SET LOCAL lock_timeout = '60s'"))  # as in _truncate
        connection.execute(text(f'DROP SCHEMA "{SCHEMA}" CASCADE'))
    admin.dispose()


def _truncate(url: str) -> None:
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with get_engine(url).begin() as connection:
        # A session an earlier test left open (idle in transaction) would hold the tables
        # and make TRUNCATE wait for ever: fail that test's successor within a minute instead.
        connection.execute(text("SET LOCAL lock_timeout = '60s'"))
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A fresh, empty database for one test; also set as GONGYI_DATABASE_URL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'gongyi.db'}"
        SQLModel.metadata.create_all(get_engine(url))
    else:
        url = request.getfixturevalue("postgres_url")
        _truncate(url)
    monkeypatch.setenv("GONGYI_DATABASE_URL", url)
    monkeypatch.setenv("GONGYI_OUTPUT_DIR", str(tmp_path / "output"))
    yield url
    if request.param == "sqlite":
        get_engine(url).dispose()


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """A session on a fresh database."""
    with Session(get_engine(database_url), expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """Run flows against a throwaway Prefect server, with heartbeats off."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (
        prefect_test_harness(server_startup_timeout=60),
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
        yield


@pytest.fixture
def runner():  # type: ignore[no-untyped-def]
    """The `gongyi` CLI, invoked in-process."""
    from typer.testing import CliRunner

    return CliRunner()


def pytest_collection_modifyitems(config, items) -> None:  # type: ignore[no-untyped-def]
    """Run a test marked `one_backend` (a slow journey) once, on SQLite, not per backend.

    Its PostgreSQL copy is deselected: the store and service tests under it run on both
    backends, and `test_demo_cycle_runs_whole_on_postgresql` takes the whole cycle there.
    """
    kept, dropped = [], []
    for item in items:
        once = item.get_closest_marker("one_backend") is not None
        (dropped if once and "[postgresql" in item.nodeid else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    """Say how many database tests ran on each backend."""
    counts = {backend: {"passed": 0, "failed": 0, "skipped": 0} for backend in BACKENDS}
    for outcome in ("passed", "failed", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            for backend in BACKENDS:
                if f"[{backend}" in getattr(report, "nodeid", "") and report.when in (
                    "call",
                    "setup",
                ):
                    counts[backend][outcome] += 1
    line = "；".join(
        f"{name}：{c['passed']} 通过，{c['failed']} 失败，{c['skipped']} 跳过"
        for name, c in zip(("SQLite", "PostgreSQL"), counts.values(), strict=True)
    )
    terminalreporter.write_line(f"数据库测试 — {line}")


def pytest_sessionfinish(session, exitstatus) -> None:  # type: ignore[no-untyped-def]
    """Remove this run's Prefect home."""
    shutil.rmtree(_PREFECT_DIR, ignore_errors=True)
