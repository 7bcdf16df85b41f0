"""What every flow reads from settings: the database, the folders and the time zone.

Flows are entrypoints, so they may read settings; they hand plain values to
`store` and `reports`. Write tasks use `io_task`, which never caches, so a
second run of a flow really reads and writes the database again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlmodel import Session

from settings import get_settings
from store.database import open_session

io_task = task(cache_policy=NO_CACHE)


@contextmanager
def session_scope() -> Iterator[Session]:
    """Open a short session on the configured database."""
    with open_session(get_settings().database_url) as session:
        yield session


def get_tz() -> ZoneInfo:
    """Return the office's time zone."""
    return ZoneInfo(get_settings().timezone)


def get_output_dir() -> Path:
    """Return the folder PDFs are written to."""
    return get_settings().output_dir


def get_templates_dir() -> Path:
    """Return the templates folder."""
    return get_settings().templates_dir
