"""Create or upgrade a database with the Alembic migrations under store/migrations."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from store.database import check_connection, get_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def get_alembic_config(url: str) -> Config:
    """Build the Alembic configuration for `url` without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str, *, revision: str = "head") -> str:
    """Apply every migration up to `revision` and return the revision now applied."""
    engine = get_engine(url)
    check_connection(engine)
    config = get_alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return get_current_revision(engine) or ""


def get_current_revision(engine: Engine) -> str | None:
    """Return the migration revision the database is at."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def get_head_revision(url: str) -> str:
    """Return the newest migration revision shipped with the code."""
    head = ScriptDirectory.from_config(get_alembic_config(url)).get_current_head()
    return head or ""
