"""Proposal attachments (附件): their rows, and their bytes in a folder kept by digest.

The bytes are never in the database. Each file is stored once under its SHA-256
(`ab/abcdef…`) in the attachments folder the door names (`<var_dir>/attachments`),
written to a hidden file beside its key and renamed into place, so a reader never
sees half a file. The same bytes attached to two proposals are one file; a file is
discarded only when no row names it any more.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, func, select

from models.proposal import ProposalAttachment


@dataclass(frozen=True)
class AttachmentFolder:
    """The folder attachments are kept in, by digest."""

    root: Path

    def path_of(self, key: str) -> Path:
        """Return where a stored key's bytes are (the key is ours: `ab/<sha256>`)."""
        if not _is_key(key):
            raise LookupError(f"附件存储键无效：{key!r}")
        return self.root / key

    def put(self, data: bytes, *, sha256: str) -> tuple[str, bool]:
        """Store the bytes under their digest; return the key and whether they were new."""
        key = f"{sha256[:2]}/{sha256}"
        path = self.path_of(key)
        if path.exists() and path.stat().st_size == len(data):
            return key, False
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".part-", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return key, True

    def discard(self, key: str) -> None:
        """Remove a stored file (a missing one is fine)."""
        self.path_of(key).unlink(missing_ok=True)


def _is_key(key: str) -> bool:
    head, _, digest = key.partition("/")
    return len(digest) == 64 and digest[:2] == head and all(c in "0123456789abcdef" for c in digest)


def list_attachments(session: Session, *, proposal_id: int) -> list[ProposalAttachment]:
    """List a proposal's attachments in the order they came."""
    return list(
        session.exec(
            select(ProposalAttachment)
            .where(ProposalAttachment.proposal_id == proposal_id)
            .order_by(col(ProposalAttachment.id))
        )
    )


def list_attachments_of(
    session: Session, *, proposal_ids: list[int]
) -> dict[int, list[ProposalAttachment]]:
    """List the attachments of several proposals, by proposal id."""
    found: dict[int, list[ProposalAttachment]] = {i: [] for i in proposal_ids}
    if not proposal_ids:
        return found
    for row in session.exec(
        select(ProposalAttachment)
        .where(col(ProposalAttachment.proposal_id).in_(proposal_ids))
        .order_by(col(ProposalAttachment.id))
    ):
        found[row.proposal_id].append(row)
    return found


def get_attachment(session: Session, attachment_id: int) -> ProposalAttachment:
    """Return an attachment by id, or raise LookupError."""
    found = session.get(ProposalAttachment, attachment_id)
    if found is None:
        raise LookupError(f"找不到附件 #{attachment_id}")
    return found


def find_attachment(
    session: Session, *, proposal_id: int, sha256: str
) -> ProposalAttachment | None:
    """Return the proposal's attachment with these bytes, if it has one."""
    return session.exec(
        select(ProposalAttachment).where(
            ProposalAttachment.proposal_id == proposal_id, ProposalAttachment.sha256 == sha256
        )
    ).first()


def add_attachment(session: Session, attachment: ProposalAttachment) -> ProposalAttachment:
    """Add an attachment row (flushed, so it has its id)."""
    session.add(attachment)
    session.flush()
    return attachment


def remove_attachment(session: Session, attachment: ProposalAttachment) -> None:
    """Delete an attachment row (its file is the caller's to discard once unused)."""
    session.delete(attachment)
    session.flush()


def is_key_used(session: Session, storage_key: str) -> bool:
    """Whether any attachment row still names this stored file."""
    count = session.exec(
        select(func.count()).where(ProposalAttachment.storage_key == storage_key)
    ).one()
    return bool(count)


def folder_under(var_dir: Path) -> AttachmentFolder:
    """The attachments folder of a deployment: `attachments/` in its local state folder."""
    return AttachmentFolder(Path(var_dir) / "attachments")
