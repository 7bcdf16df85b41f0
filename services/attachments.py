"""Proposal attachments (附件): an agency adds supporting files; the office and evaluators read them.

Who may do what:
- add and remove: the proposal's own agency, or street-office staff; only while the
  proposal is a draft, or before the call's deadline at the server's time (the same
  rule as submitting, `services.deadlines`). A withdrawn proposal takes none.
- read: the agency (its own), staff and admins. An evaluator reads through a seat on
  the proposal's panel (`services.proposal_view.read_seat_attachment`), blind at 初审.
  Another agency's proposal, or an evaluator without a seat, is refused (403).
Files are PDF, JPG, PNG, DOCX or XLSX by their first bytes (`models.attachment_rules`),
at most 10 MiB each and 10 per proposal besides the kept workbook (原始申报书.xlsx).
A batch of files is all or nothing; the same bytes twice are one attachment. Every
refusal names the file and the reason. Every read is audited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from models.attachment_rules import (
    MAX_FILES,
    WORKBOOK_NAME,
    XLSX,
    AttachmentError,
    check_file,
    clean_filename,
    size_label,
)
from models.call import Call
from models.proposal import Proposal, ProposalAttachment
from models.status import ProposalStatus, Role
from services import Actor, Forbidden, NotFound, Refused, audit
from services.deadlines import check_call_open, is_past_deadline
from store import attachments as rows
from store import calls, proposals
from store.attachments import AttachmentFolder
from store.database import unit_of_work

OFFICE_ROLES = frozenset({Role.STAFF, Role.ADMIN, Role.SYSTEM})


@dataclass(frozen=True)
class Upload:
    """A file as a door received it: the name the user gave and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class AttachmentLine:
    """One attachment as a page lists it (no bytes)."""

    id: int
    name: str
    content_type: str
    size_bytes: int
    size: str
    uploaded_at: datetime | None
    uploaded_by: str | None  # None where the uploader is not shown (blind review)
    is_workbook: bool


@dataclass(frozen=True)
class AttachmentFile:
    """A file to send: where its bytes are, the name to give it and its type."""

    path: Path
    name: str
    content_type: str


class AttachmentsRefused(Refused):
    """One or more files refused; each problem names its file."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = tuple(problems)


def line_of(row: ProposalAttachment, *, name: str | None = None, by: bool = True) -> AttachmentLine:
    """The listing of one attachment (`name` replaces its own where it is withheld)."""
    return AttachmentLine(
        id=row.id or 0,
        name=name or row.filename,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        size=size_label(row.size_bytes),
        uploaded_at=row.uploaded_at if by else None,
        uploaded_by=row.uploaded_by if by else None,
        is_workbook=is_workbook(row),
    )


def is_workbook(row: ProposalAttachment) -> bool:
    """Whether the attachment is the proposal's kept workbook (原始申报书)."""
    return row.filename == WORKBOOK_NAME and row.content_type == XLSX.content_type


def ordered(found: Sequence[ProposalAttachment]) -> list[ProposalAttachment]:
    """The workbook first, then the others in the order they came."""
    return sorted(found, key=lambda r: (not is_workbook(r), r.id or 0))


def list_attachments(session: Session, *, actor: Actor, proposal_id: int) -> list[AttachmentLine]:
    """List a proposal's attachments for its agency or the office."""
    proposal = _readable(session, actor, proposal_id)
    return [
        line_of(r) for r in ordered(rows.list_attachments(session, proposal_id=proposal.id or 0))
    ]


def add_attachments(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    folder: AttachmentFolder,
    proposal_id: int,
    uploads: Sequence[Upload],
) -> list[AttachmentLine]:
    """Attach files to a proposal, all or nothing; the same bytes again are the one already there."""
    names = [clean_filename(u.name) for u in uploads]
    if not uploads:
        raise Refused("请选择要上传的附件")
    _changeable(session, actor, proposal_id, now, names, "添加")
    existing = rows.list_attachments(session, proposal_id=proposal_id)
    known = {r.sha256: r for r in existing}
    count = sum(1 for r in existing if not is_workbook(r))
    problems: list[str] = []
    checked: list[tuple[str, str, str, bytes]] = []  # name, content type, digest, bytes
    for upload in uploads:
        try:
            name, kind = check_file(upload.name, upload.data)
        except AttachmentError as error:
            problems.append(str(error))
            continue
        if name == WORKBOOK_NAME:
            problems.append(f"「{name}」是系统保存申报书原件所用的文件名，请改名后上传")
            continue
        digest = hashlib.sha256(upload.data).hexdigest()
        if digest not in known and digest not in {c[2] for c in checked}:
            count += 1
            if count > MAX_FILES:
                problems.append(f"「{name}」超出附件数量上限：每份申报书最多 {MAX_FILES} 个附件")
                continue
        checked.append((name, kind.content_type, digest, upload.data))
    if problems:
        raise AttachmentsRefused(problems)
    created: list[str] = []
    try:
        with unit_of_work(session):
            added = []
            for name, content_type, digest, data in checked:
                if digest in known:
                    continue
                known[digest] = _store(
                    session, folder, created, proposal_id, actor=actor, now=now,
                    name=name, content_type=content_type, data=data, digest=digest,
                )  # fmt: skip
                added.append(name)
            if added:  # the same files again change nothing, and record nothing
                audit.record(
                    session,
                    actor=actor,
                    now=now,
                    action="attachment_add",
                    subject_type="proposal",
                    subject_id=proposal_id,
                    detail="、".join(added),
                )
    except BaseException:
        for key in created:
            folder.discard(key)
        raise
    return [line_of(known[c[2]]) for c in checked]


@dataclass
class FileChanges:
    """The files a unit of work stored or let go in `folder`.

    `undo` discards those it stored, when the unit of work failed; `settle` discards
    those it let go that no row names any more, once it committed.
    """

    folder: AttachmentFolder
    created: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def undo(self) -> None:
        """Discard the files stored by a unit of work that did not commit."""
        for key in self.created:
            self.folder.discard(key)

    def settle(self, session: Session) -> None:
        """Discard the files let go by a committed unit of work, unless still named."""
        for key in self.dropped:
            if not rows.is_key_used(session, key):
                self.folder.discard(key)


def keep_workbook(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    changes: FileChanges,
    proposal_id: int,
    data: bytes,
) -> None:
    """Keep the uploaded workbook as the proposal's 原始申报书, replacing an earlier one.

    Runs inside the caller's unit of work, noting in `changes` what it stored and let go.
    """
    digest = hashlib.sha256(data).hexdigest()
    for row in rows.list_attachments(session, proposal_id=proposal_id):
        if is_workbook(row) and row.sha256 != digest:
            rows.remove_attachment(session, row)
            changes.dropped.append(row.storage_key)
    if rows.find_attachment(session, proposal_id=proposal_id, sha256=digest) is None:
        _store(
            session, changes.folder, changes.created, proposal_id, actor=actor, now=now,
            name=WORKBOOK_NAME, content_type=XLSX.content_type, data=data, digest=digest,
        )  # fmt: skip


def _store(
    session: Session,
    folder: AttachmentFolder,
    created: list[str],
    proposal_id: int,
    *,
    actor: Actor,
    now: datetime,
    name: str,
    content_type: str,
    data: bytes,
    digest: str,
) -> ProposalAttachment:
    key, new = folder.put(data, sha256=digest)
    if new:
        created.append(key)
    return rows.add_attachment(
        session,
        ProposalAttachment(
            proposal_id=proposal_id,
            filename=name,
            content_type=content_type,
            size_bytes=len(data),
            sha256=digest,
            storage_key=key,
            uploaded_at=now,
            uploaded_by=actor.label[:100],
        ),
    )


def remove_attachment(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    folder: AttachmentFolder,
    proposal_id: int,
    attachment_id: int,
) -> str:
    """Remove one attachment before the deadline; return its name. The workbook stays."""
    row = attachment_of(session, proposal_id, attachment_id)
    _changeable(session, actor, proposal_id, now, [row.filename], "删除")
    if is_workbook(row):
        raise Refused(f"「{row.filename}」是提交的申报书原件，不能删除；如需修改请重新上传申报书")
    name, key = row.filename, row.storage_key  # the row is gone after the commit
    with unit_of_work(session):
        rows.remove_attachment(session, row)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="attachment_remove",
            subject_type="proposal",
            subject_id=proposal_id,
            detail=name,
        )
    if not rows.is_key_used(session, key):
        folder.discard(key)
    return name


def read_attachment(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    folder: AttachmentFolder,
    proposal_id: int,
    attachment_id: int,
) -> AttachmentFile:
    """Open one attachment for its agency or the office; the read is audited."""
    _readable(session, actor, proposal_id)
    row = attachment_of(session, proposal_id, attachment_id)
    return open_file(session, actor=actor, now=now, folder=folder, row=row, name=row.filename)


def open_file(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    folder: AttachmentFolder,
    row: ProposalAttachment,
    name: str,
) -> AttachmentFile:
    """Log the read and return the file, sent under `name` (a permission already checked)."""
    path = folder.path_of(row.storage_key)
    if not path.is_file():
        raise NotFound(f"附件「{name}」的文件不在存储中，请联系街道工作人员")
    audit.log_view(
        session,
        actor=actor,
        now=now,
        action="view_attachment",
        subject_type="proposal",
        subject_id=row.proposal_id,
        detail=f"附件 #{row.id}「{row.filename}」"
        + (f"，显示为「{name}」" if name != row.filename else ""),
    )
    return AttachmentFile(path=path, name=name, content_type=row.content_type)


def attachment_of(session: Session, proposal_id: int, attachment_id: int) -> ProposalAttachment:
    """The proposal's attachment by id, or `Forbidden` when it is another proposal's."""
    try:
        row = rows.get_attachment(session, attachment_id)
    except LookupError:
        raise NotFound(f"申报书 #{proposal_id} 没有编号为 {attachment_id} 的附件") from None
    if row.proposal_id != proposal_id:
        raise Forbidden(f"附件 #{attachment_id} 不属于申报书 #{proposal_id}，无权查看")
    return row


def _proposal(session: Session, proposal_id: int) -> Proposal:
    try:
        return proposals.get_proposal(session, proposal_id)
    except LookupError:
        raise NotFound(f"找不到申报书 #{proposal_id}") from None


def _readable(session: Session, actor: Actor, proposal_id: int) -> Proposal:
    """The proposal, if the actor may read its attachments here (its agency or the office)."""
    proposal = _proposal(session, proposal_id)
    if actor.role in OFFICE_ROLES:
        return proposal
    if actor.role == Role.AGENCY and actor.agency_id == proposal.agency_id:
        return proposal
    if actor.role == Role.EVALUATOR:
        raise Forbidden("评审专家请从评审任务页查看附件")
    raise Forbidden(f"申报书 #{proposal_id} 不是本机构的申报书，无权查看其附件")


def can_change(proposal: Proposal, call: Call, now: datetime) -> bool:
    """Whether files may be added or removed now: a draft, or before the deadline."""
    if proposal.status == ProposalStatus.DRAFT:
        return True
    return proposal.status != ProposalStatus.WITHDRAWN and not is_past_deadline(call, now)


def _changeable(
    session: Session, actor: Actor, proposal_id: int, now: datetime, names: list[str], verb: str
) -> Proposal:
    """The proposal, if the actor may add or remove its attachments now."""
    if actor.role not in OFFICE_ROLES and actor.role != Role.AGENCY:
        raise Forbidden(f"只有申报机构或街道工作人员可以{verb}附件")
    proposal = _readable(session, actor, proposal_id)
    files = "、".join(f"「{n}」" for n in names) or "附件"
    if proposal.status == ProposalStatus.WITHDRAWN:
        raise Refused(f"「{proposal.title}」已撤回，不能再{verb}附件 {files}")
    if proposal.status != ProposalStatus.DRAFT:
        call = calls.get_call(session, proposal.call_id)
        check_call_open(call, now, f"不能再为「{proposal.title}」{verb}附件 {files}")
    return proposal
