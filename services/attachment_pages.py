"""The agency's 附件 page for one proposal: what it has attached, and whether it may still change them.

The listing and the permission are `services.attachments`' (the proposal's own agency,
or the office); this adds what the page says around them: the proposal, the call's
deadline, whether files may still be added or removed now, and the blind-review
notice when the call scores 初审 blind.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from models.attachment_rules import ALLOWED, MAX_BYTES, MAX_FILES, size_label
from models.selection_rules import read_selection_rules
from services import Actor, attachments
from services.attachments import AttachmentLine
from services.deadlines import office_zone
from store import calls, proposals


@dataclass(frozen=True)
class AttachmentPage:
    """One proposal's attachments as its agency sees them."""

    proposal_id: int
    title: str
    status: str
    deadline: str
    can_change: bool
    blind_preliminary: bool
    lines: tuple[AttachmentLine, ...]
    allowed: str = ALLOWED
    max_size: str = size_label(MAX_BYTES)
    max_files: int = MAX_FILES


def read_attachment_page(
    session: Session, *, actor: Actor, now: datetime, proposal_id: int
) -> AttachmentPage:
    """Read the 附件 page of a proposal (the agency's own, or any for the office)."""
    lines = attachments.list_attachments(session, actor=actor, proposal_id=proposal_id)
    proposal = proposals.get_proposal(session, proposal_id)
    call = calls.get_call(session, proposal.call_id)
    return AttachmentPage(
        proposal_id=proposal_id,
        title=proposal.title,
        status=proposal.status,
        deadline=f"{call.deadline.astimezone(office_zone(now)):%Y-%m-%d %H:%M}",
        can_change=attachments.can_change(proposal, call, now),
        blind_preliminary=read_selection_rules(call.rules).blind_preliminary,
        lines=tuple(
            replace(line, uploaded_at=line.uploaded_at.astimezone(office_zone(now)))
            if line.uploaded_at
            else line
            for line in lines
        ),
    )
