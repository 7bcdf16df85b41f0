"""Objections to the 公示: taking them within the window and resolving them.

Called by `gongyi selection object` / `resolve` (and the portal later). An
upheld objection withdraws that proposal's approval at once; the money it
frees goes to the next proposal on the waiting list when `conclude_publicity`
runs. Every resolution is an audit event with who decided and why.
"""

from __future__ import annotations

from datetime import UTC, date

from flows.runtime import get_now, session_scope
from models.publicity import (
    OBJECTION_TRANSITIONS,
    Objection,
    ObjectionStatus,
    PublicityError,
    check_objection_date,
)
from models.status import PROPOSAL_TRANSITIONS, ProposalStatus, Role, Stage, apply_transition
from store import proposals, selection, users


def lodge_objection(call_id: int, *, proposal_id: int, submitter: str, text: str, day: date) -> int:
    """Record a written objection to a proposal on the call's notice; return its id."""
    if not text.strip() or not submitter.strip():
        raise PublicityError("异议须写明理由并署名")
    with session_scope() as session:
        notice = selection.get_notice(session, call_id=call_id)
        if notice is None:
            raise PublicityError(f"申报指南 #{call_id} 尚未公示")
        check_objection_date(day, published_on=notice.published_on, ends_on=notice.ends_on)
        listed = {
            p.id
            for p in proposals.list_proposals(
                session, call_id=call_id, status=ProposalStatus.APPROVED
            )
        }
        if proposal_id not in listed:
            raise PublicityError(f"申报书 #{proposal_id} 不在本次公示名单中")
        objection = selection.add_objection(
            session,
            Objection(
                proposal_id=proposal_id,
                submitted_on=day,
                submitter=submitter.strip(),
                text=text.strip(),
            ),
        )
        return objection.id  # type: ignore[return-value]


def resolve_objection(
    call_id: int, objection_id: int, *, uphold: bool, reason: str, by: str, on: date | None = None
) -> str:
    """Uphold or dismiss an objection with a reason; upholding withdraws the approval.

    `on` is the business date of the resolution (default today); the entry time is kept
    in `resolved_at`.
    """
    if not reason.strip():
        raise PublicityError("处理异议须写明理由")
    with session_scope() as session:
        objection = next(
            (
                o
                for o in selection.list_objections(session, call_id=call_id)
                if o.id == objection_id
            ),
            None,
        )
        if objection is None:
            raise PublicityError(f"申报指南 #{call_id} 没有编号为 {objection_id} 的异议")
        target = ObjectionStatus.UPHELD if uphold else ObjectionStatus.DISMISSED
        objection.status = apply_transition(
            OBJECTION_TRANSITIONS, ObjectionStatus(objection.status), target, role=Role.STAFF
        )
        objection.resolution, objection.resolved_at = reason.strip(), get_now().astimezone(UTC)
        objection.resolved_on = on or get_now().date()
        session.add(objection)
        if uphold:
            proposal = next(
                p
                for p in proposals.list_proposals(session, call_id=call_id)
                if p.id == objection.proposal_id
            )
            status = apply_transition(
                PROPOSAL_TRANSITIONS,
                ProposalStatus.APPROVED,
                ProposalStatus.REJECTED,
                role=Role.STAFF,
            )
            proposals.set_proposal_status(
                session,
                proposal,
                status=status,
                stage=Stage.PUBLICITY,
                note=f"公示异议成立：{reason.strip()}",
            )
        users.add_audit_event(
            session,
            actor=by,
            action="objection_" + target.value,
            subject_type="objection",
            subject_id=objection_id,
            detail=f"{(on or get_now().date()).isoformat()} {reason.strip()}",
            at=get_now(),
        )
        return target.value
