"""The engine and sessions, for SQLite (embedded default) and PostgreSQL.

Engines are built on first use and kept per URL, never at import time. A bad
URL or an unreachable server becomes one `DatabaseError` line telling the
user what to set, instead of a driver traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine

import models  # noqa: F401  (registers every table on the metadata)

SUPPORTED = ("sqlite", "postgresql")


class DatabaseError(RuntimeError):
    """A database that cannot be used, with what to do about it."""


@cache
def get_engine(url: str) -> Engine:
    """Return the engine for `url`, building it on first use."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"数据库地址无法解析：{url!r}。请设置 GONGYI_DATABASE_URL，"
            "例如 sqlite:///var/gongyi.db 或 postgresql+psycopg://user@127.0.0.1:5432/gongyi"
        ) from None
    if parsed.get_backend_name() not in SUPPORTED:
        raise DatabaseError(
            f"不支持的数据库：{parsed.get_backend_name()}（支持 SQLite 和 PostgreSQL）"
        )
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        # As many connections as the portal has request threads (40), within the server's 100.
        return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=30)
    except NoSuchModuleError:
        raise DatabaseError(
            f"缺少数据库驱动：{parsed.drivername}，请使用 postgresql+psycopg://"
        ) from None


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        folder = Path(database).expanduser().resolve().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"无法创建数据库目录 {folder}：{exc.strerror}") from None
    # The portal serves requests from up to 40 threads, each holding a connection until its
    # request ends: a pool smaller than that makes threads wait on each other for connections.
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=10,
        max_overflow=50,
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of the program
    # loses nothing, a power cut may lose the last commits (SQLite's advice for WAL). Offices
    # that need more run on PostgreSQL.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def check_connection(engine: Engine) -> None:
    """Raise a one-line `DatabaseError` if the database cannot be reached."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseError(
            f"无法连接数据库 {engine.url.render_as_string(hide_password=True)}：{reason}。"
            "请检查 GONGYI_DATABASE_URL 和数据库服务是否已启动"
        ) from None


@contextmanager
def open_session(url: str) -> Iterator[Session]:
    """Open a short session that commits on success and rolls back on error."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def begin_write(session: Session) -> None:
    """Begin the session's transaction as a writer, before it reads anything.

    On SQLite this takes the database's write lock at once (`BEGIN IMMEDIATE`,
    waiting out the busy timeout), so what the transaction reads cannot change
    before it writes, even from another process; a plain transaction would only
    find out at its first write, and fail. PostgreSQL begins as usual.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Run one use case's writes as one transaction: commit on success, roll back on error.

    Services wrap their writes in this, so no door commits: a refused or failed use
    case leaves nothing partial behind.
    """
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
