"""Objections to the 公示 (公示异议): taking them within the window, resolving them, the notice.

One use case for every door: `gongyi selection object` / `resolve`, the portal's 公示
page and the demo's driver call these. An objection is taken only within the
notice's window (`models.publicity.check_objection_date`) and only against a proposal
on the notice. An upheld objection withdraws that proposal's approval at once; the
money it frees goes to the next proposal on the waiting list when `conclude_publicity`
runs. Each act is an audit event with who did it, the entry time and its business date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session

from models.publicity import (
    OBJECTION_TRANSITIONS,
    Objection,
    ObjectionStatus,
    PublicityError,
    check_objection_date,
)
from models.status import (
    PROPOSAL_TRANSITIONS,
    ProposalStatus,
    Role,
    Stage,
    TransitionError,
    apply_transition,
)
from models.text import text_problem
from services import Actor, Forbidden, Refused, audit
from services.business_day import business_day
from store import proposals, selection
from store.database import unit_of_work

OBJECTION_ROLES = frozenset({Role.STAFF, Role.ADMIN, Role.SYSTEM})
OUTCOME_LABELS = {ObjectionStatus.UPHELD: "成立", ObjectionStatus.DISMISSED: "不成立"}


@dataclass(frozen=True)
class ObjectionLine:
    """One objection as the 公示 page lists it."""

    id: int
    proposal_id: int
    title: str
    submitted_on: date
    submitter: str
    text: str
    status: str
    resolution: str
    resolved_on: date | None


@dataclass(frozen=True)
class PublicityView:
    """The call's 公示: its dates, the proposals on it, the objections received."""

    published_on: date | None
    ends_on: date | None
    concluded_on: date | None
    listed: list[tuple[int, str]]
    objections: list[ObjectionLine]


def _check(actor: Actor, *texts: tuple[str, str]) -> None:
    if actor.role not in OBJECTION_ROLES:
        raise Forbidden("公示异议由街道工作人员登记和处理")
    for field, value in texts:
        if not value.strip():
            raise Refused(f"请填写{field}")
        if (problem := text_problem(value)) is not None:
            raise Refused(f"{field}{problem}")


def lodge_objection(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    call_id: int,
    proposal_id: int,
    submitter: str,
    text: str,
    on: date,
    contact: str = "",
) -> int:
    """Record a written objection received on `on` against a proposal on the notice; return its id.

    The contact (phone or address) is kept with the objection's text for the office only:
    documents print the number of objections, never their text.
    """
    _check(actor, ("异议人", submitter), ("异议的事实和理由", text))
    business_day(on, now=now, what="收到日期")
    if len(submitter.strip()) > 100 or len(text.strip()) + len(contact.strip()) > 1900:
        raise Refused("异议人不超过 100 字，异议内容不超过 1900 字")
    notice = selection.get_notice(session, call_id=call_id)
    if notice is None:
        raise Refused(f"申报指南 #{call_id} 尚未公示")
    try:
        check_objection_date(on, published_on=notice.published_on, ends_on=notice.ends_on)
    except PublicityError as error:
        raise Refused(str(error)) from None
    approved = {
        p.id
        for p in proposals.list_proposals(session, call_id=call_id, status=ProposalStatus.APPROVED)
    }
    if proposal_id not in approved:
        raise Refused(f"申报书 #{proposal_id} 不在本次公示名单中")
    body = text.strip() + (f"\n联系方式：{contact.strip()}" if contact.strip() else "")
    with unit_of_work(session):
        objection = selection.add_objection(
            session,
            Objection(
                proposal_id=proposal_id, submitted_on=on, submitter=submitter.strip(), text=body
            ),
        )
        audit.record(
            session,
            actor=actor,
            now=now,
            action="objection_lodged",
            subject_type="objection",
            subject_id=objection.id,
            detail=f"{on.isoformat()} 申报书 #{proposal_id}",
            on=on,
        )
    return objection.id or 0


def resolve_objection(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    call_id: int,
    objection_id: int,
    uphold: bool,
    reason: str,
    on: date,
) -> str:
    """Uphold or dismiss an objection with a reason, dated `on`; upholding withdraws the approval."""
    _check(actor, ("处理理由", reason))
    business_day(on, now=now, what="处理日期")
    objection = next(
        (o for o in selection.list_objections(session, call_id=call_id) if o.id == objection_id),
        None,
    )
    if objection is None:
        raise Refused(f"申报指南 #{call_id} 没有编号为 {objection_id} 的异议")
    target = ObjectionStatus.UPHELD if uphold else ObjectionStatus.DISMISSED
    try:
        status = apply_transition(
            OBJECTION_TRANSITIONS, ObjectionStatus(objection.status), target, role=Role.STAFF
        )
    except TransitionError as error:
        raise Refused(f"异议 {objection_id} 已处理：{error}") from None
    with unit_of_work(session):
        objection.status, objection.resolution = status, reason.strip()[:1000]
        objection.resolved_at, objection.resolved_on = now.astimezone(UTC), on
        session.add(objection)
        if uphold:
            _withdraw(session, call_id, objection.proposal_id, reason.strip())
        audit.record(
            session,
            actor=actor,
            now=now,
            action="objection_" + target.value,
            subject_type="objection",
            subject_id=objection_id,
            detail=f"{on.isoformat()} {reason.strip()}",
            on=on,
        )
    return target.value


def _withdraw(session: Session, call_id: int, proposal_id: int, reason: str) -> None:
    proposal = next(
        p for p in proposals.list_proposals(session, call_id=call_id) if p.id == proposal_id
    )
    status = apply_transition(
        PROPOSAL_TRANSITIONS, ProposalStatus.APPROVED, ProposalStatus.REJECTED, role=Role.STAFF
    )
    proposals.set_proposal_status(
        session, proposal, status=status, stage=Stage.PUBLICITY, note=f"公示异议成立：{reason}"
    )


def record_conclusion(
    session: Session, *, actor: Actor, now: datetime, call_id: int, on: date
) -> None:
    """Mark the 公示 concluded on `on` (once) and record the audit event; nothing if already done."""
    notice = selection.get_notice(session, call_id=call_id)
    if notice is None or notice.concluded_on is not None:
        return
    with unit_of_work(session):
        notice.concluded_on = on
        session.add(notice)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="conclude_publicity",
            subject_type="call",
            subject_id=call_id,
            detail=f"{on.isoformat()} 公示结束，签约",
            on=on,
        )


def publicity_view(session: Session, *, call_id: int) -> PublicityView:
    """The call's 公示 as the page shows it: dates, proposals on it, objections."""
    notice = selection.get_notice(session, call_id=call_id)
    found = proposals.list_proposals(session, call_id=call_id)
    titles = {p.id: p.title for p in found}
    on_notice = (ProposalStatus.APPROVED, ProposalStatus.CONTRACTED)
    return PublicityView(
        published_on=notice.published_on if notice else None,
        ends_on=notice.ends_on if notice else None,
        concluded_on=notice.concluded_on if notice else None,
        listed=[(p.id or 0, p.title) for p in found if p.status in on_notice],
        objections=[
            ObjectionLine(
                id=o.id or 0,
                proposal_id=o.proposal_id,
                title=titles.get(o.proposal_id, ""),
                submitted_on=o.submitted_on,
                submitter=o.submitter,
                text=o.text,
                status=o.status,
                resolution=o.resolution,
                resolved_on=o.resolved_on,
            )
            for o in selection.list_objections(session, call_id=call_id)
        ]
        if notice
        else [],
    )
