"""One transaction around many use cases: each runs in a savepoint of the caller's transaction.

A batch (approve 22 evaluations in one action) calls a use case once per record,
and each call commits its own unit of work. `savepoint_session` gives every call
a session on the caller's connection whose commit only releases a savepoint and
whose rollback only undoes that one call; the caller's own unit of work then
commits the whole batch or rolls all of it back.

SQLite's driver begins a transaction only before a write, and a savepoint taken
outside a transaction would be committed by its own release. So the batch first
begins a real transaction (`BEGIN IMMEDIATE`, as `store.database.begin_write`):
the savepoints nest inside it, and what the batch checked cannot change before it
writes. PostgreSQL begins as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlmodel import Session


def begin_batch(session: Session) -> Connection:
    """Begin the session's transaction for real, before the batch's first savepoint."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not getattr(raw, "in_transaction", True):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    return connection


@contextmanager
def savepoint_session(connection: Connection) -> Iterator[Session]:
    """A session on the batch's connection: its commit releases a savepoint, nothing more."""
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as session:
        yield session
