"""The Alembic migrations build exactly the schema the models declare, on both databases."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel, create_engine

from store.database import get_engine
from store.migrate import get_current_revision, get_head_revision, upgrade_database


@pytest.fixture(params=("sqlite", "postgresql"))
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    base = request.getfixturevalue("postgres_url").split("?")[0]
    schema = f"gongyi_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}?options=-csearch_path%3D{schema}"
    yield url
    get_engine(url).dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_upgrade_creates_every_table_of_the_model(empty_database_url: str) -> None:
    revision = upgrade_database(empty_database_url)
    tables = set(inspect(get_engine(empty_database_url)).get_table_names())
    assert revision == get_head_revision(empty_database_url)
    assert set(SQLModel.metadata.tables) <= tables


def test_migrated_schema_matches_the_models(empty_database_url: str) -> None:
    upgrade_database(empty_database_url)
    with get_engine(empty_database_url).connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []


def test_upgrading_twice_changes_nothing(empty_database_url: str) -> None:
    first = upgrade_database(empty_database_url)
    second = upgrade_database(empty_database_url)
    assert first == second == get_current_revision(get_engine(empty_database_url))
