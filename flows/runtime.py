"""What every flow reads from settings: the database, the folders and the time zone.

Flows are entrypoints, so they may read settings; they hand plain values to
`store` and `reports`. Write tasks use `io_task`, which never caches, so a
second run of a flow really reads and writes the database again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zipfile import BadZipFile
from zoneinfo import ZoneInfo

from openpyxl.utils.exceptions import InvalidFileException
from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlmodel import Session

from models.rows import Row, RowError, RowsRejected
from reports.batch import RenderPool
from reports.errors import BatchFailed
from services import SYSTEM
from services.register import DocumentSpec, publish_documents
from settings import get_settings
from store.awards import get_monitored_cycle_id
from store.database import open_session
from store.spreadsheets import read_rows

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


def get_now() -> datetime:
    """Return the time now in the office's time zone."""
    return datetime.now(get_tz())


def get_render_processes() -> int:
    """Return how many processes render PDFs (0 in settings means one per CPU core)."""
    return get_settings().render_processes or os.cpu_count() or 1


def resolve_cycle(cycle_id: int | None) -> int:
    """Return `cycle_id`, or the newest cycle with running projects when it is None."""
    if cycle_id is not None:
        return cycle_id
    with session_scope() as session:
        return get_monitored_cycle_id(session)


@dataclass(frozen=True)
class MailSettings:
    """How to reach the SMTP server, and who hears of escalations."""

    host: str
    port: int
    sender: str
    user: str
    password: str
    starttls: bool
    officer_email: str


def get_mail_settings() -> MailSettings:
    """Return the SMTP settings."""
    s = get_settings()
    return MailSettings(
        s.smtp_host,
        s.smtp_port,
        s.smtp_sender,
        s.smtp_user,
        s.smtp_password,
        s.smtp_starttls,
        s.officer_email,
    )


_OPEN_POOLS: list[RenderPool] = []


def publish_specs(specs: list[DocumentSpec]) -> list[Path]:
    """Publish documents through the register as the system; return each one's current file.

    Unchanged documents are not rendered again (`services.register`). Each
    render's warnings are printed; a document that fails is named in
    `BatchFailed` after the others are written.
    """
    if not specs:
        return []
    with session_scope() as session:
        published = publish_documents(
            session,
            specs,
            output_dir=get_output_dir(),
            templates_dir=get_templates_dir(),
            actor=SYSTEM,
            now=get_now(),
        )
    for warning in published.warnings:
        print(f"警告：{warning}")
    if published.failures:
        raise BatchFailed(published.failures, ())
    return list(published.paths)


@contextmanager
def render_pool(processes: int, *, spawn: bool = False) -> Iterator[RenderPool]:
    """Open the render processes a flow's batch tasks share, and close them after.

    One process renders in the flow's own process unless `spawn` asks for a worker.
    """
    with RenderPool(processes, templates_dir=get_templates_dir(), spawn=spawn) as pool:
        _OPEN_POOLS.append(pool)
        try:
            yield pool
        finally:
            _OPEN_POOLS.remove(pool)


def current_render_pool() -> RenderPool:
    """Return the pool the running flow opened, or an in-process one (tasks run by `.fn()`)."""
    return _OPEN_POOLS[-1] if _OPEN_POOLS else RenderPool(1, templates_dir=get_templates_dir())


def read_sheet(path: Path, *, required: tuple[str, ...]) -> list[Row]:
    """Read a CSV or XLSX file's rows, turning a file that is not a spreadsheet into a RowError."""
    try:
        return read_rows(path, required=required)
    except (RowError, RowsRejected):
        raise  # a cell's own refusal keeps its row and column
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        raise RowError(
            path.name, 0, "-", f"无法读取表格（请另存为 XLSX 或 UTF-8 CSV）：{type(error).__name__}"
        ) from None
