"""Queries for the document register: the latest version of a document, every row of a cycle, and file hashes.

Rows are only ever added; a document restored at the same version has its
row's SHA-256 brought up to date, nothing else.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlmodel import Session, col, select

from models.register import DocumentRecord


def get_latest(session: Session, *, kind: str, subject: str, period: str) -> DocumentRecord | None:
    """Return the newest version of a document, or None if it was never rendered."""
    return session.exec(
        select(DocumentRecord)
        .where(
            DocumentRecord.kind == kind,
            DocumentRecord.subject == subject,
            DocumentRecord.period == period,
        )
        .order_by(col(DocumentRecord.version).desc())
    ).first()


def add_record(session: Session, record: DocumentRecord) -> DocumentRecord:
    """Add a version of a document, or return the row already there for it."""
    found = session.exec(
        select(DocumentRecord).where(
            DocumentRecord.kind == record.kind,
            DocumentRecord.subject == record.subject,
            DocumentRecord.period == record.period,
            DocumentRecord.version == record.version,
        )
    ).first()
    if found is not None:
        return found
    session.add(record)
    session.flush()
    return record


def set_record_sha(session: Session, record: DocumentRecord, sha256: str) -> None:
    """Record the hash of a version written again in place (restored, or a draft rewritten)."""
    record.sha256 = sha256
    session.add(record)
    session.flush()


def list_records(
    session: Session, *, cycle_id: int | None = None, latest_only: bool = False
) -> list[DocumentRecord]:
    """List the register's rows (of one cycle if given), by kind, subject, period and version."""
    query = select(DocumentRecord)
    if cycle_id is not None:
        query = query.where(DocumentRecord.cycle_id == cycle_id)
    rows = list(
        session.exec(
            query.order_by(
                col(DocumentRecord.kind),
                col(DocumentRecord.subject),
                col(DocumentRecord.period),
                col(DocumentRecord.version),
            )
        )
    )
    if not latest_only:
        return rows
    newest: dict[tuple[str, str, str], DocumentRecord] = {}
    for row in rows:
        newest[(row.kind, row.subject, row.period)] = row
    return list(newest.values())


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file, or None if it is not there."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
