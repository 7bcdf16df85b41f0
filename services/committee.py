"""The committee at 终审 (评审委员会): the proposed allocation and its decision, at any time.

Closing 路演答辩 (`propose_allocation`) ranks the finalists, computes the allocation
from the stored scores and puts it before the committee: a pending
`CommitteeDecision` row, and each finalist moved to 终审 (still shortlisted), so
路演答辩 takes no more scores. Nothing waits in a process: the decision can be
given whenever the committee meets (`record_committee_decision`, from
`gongyi selection decide` and the portal's 终审 page). It is checked against the
fund and the caps before anything moves, then stored with its business date,
the outcomes recorded (funded, refused by the committee, waiting list 候补) and
the 公示 opened with its objection window. The notice's PDF is rendered by the
`committee_decision` flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from models.call_rules import read_call_rules
from models.committee import DecisionError, check_adjustments
from models.money import format_fen
from models.publicity import window_end
from models.selection import Allocation, AllocationError
from models.selection_rules import read_selection_rules
from models.status import PROPOSAL_TRANSITIONS, ProposalStatus, Role, Stage, apply_transition
from services import Actor, Forbidden, Refused, audit
from services.allocation import check_decision, compute_allocation
from services.business_day import business_day
from services.selection import (
    CLOSING_ROLES,
    check_stage_complete,
    dated,
    selection_progress,
    store_normalised,
)
from store import calls, proposals, selection
from store.database import unit_of_work

DECIDING_ROLES = frozenset({Role.STAFF, Role.SYSTEM})


@dataclass(frozen=True)
class Proposed:
    """The allocation put before the committee."""

    outcomes: list[Allocation]
    funded: int
    funded_fen: int


@dataclass(frozen=True)
class Decided:
    """What the committee's decision did: approvals, the waiting list and the 公示 window."""

    approved: int
    approved_fen: int
    waitlisted: int
    committee: str
    notice_published_on: date
    notice_ends_on: date


def propose_allocation(
    session: Session, *, actor: Actor, now: datetime, call_id: int, on: date | None = None
) -> Proposed:
    """Close 路演答辩 and put the proposed allocation before the committee."""
    if actor.role not in CLOSING_ROLES:
        raise Forbidden("只有街道工作人员可以结束评审环节")
    if on is not None:
        business_day(on, now=now, what="结束日期")
    if selection.get_pending_decision(session, call_id=call_id) is not None:
        raise Refused(
            f"拟资助方案已提交评审委员会。{selection_progress(session, call_id=call_id).message}"
        )
    waiting = check_stage_complete(session, call_id=call_id, stage=Stage.DEFENCE)
    with unit_of_work(session):
        store_normalised(session, call_id=call_id, stage=Stage.DEFENCE)
        outcomes, _ = compute_allocation(session, call_id=call_id)
        funded = [o for o in outcomes if o.is_funded]
        if not funded:
            why = outcomes[0].reason if outcomes else "没有进入终审的申报书"
            raise Refused(
                f"拟资助 0 个项目（{why}）：请先核对公益基金余额、单项上限与立项线，再结束路演"
            )
        ranks = {o.proposal_id: o for o in outcomes}
        for proposal in waiting:
            outcome = ranks.get(proposal.id)  # type: ignore[arg-type]
            note = (
                f"进入终审：路演排名第 {outcome.rank}，{'拟资助' if outcome.is_funded else outcome.reason}"
                if outcome
                else "进入终审"
            )
            proposals.set_proposal_status(
                session, proposal, status=proposal.status, stage=Stage.FINAL, note=note
            )
        selection.add_decision_request(session, call_id=call_id, flow_run_id="", at=now)
        amount = sum(o.amount_fen for o in funded)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="propose_allocation",
            subject_type="call",
            subject_id=call_id,
            on=on,
            detail=dated(on)
            + f"路演答辩结束：拟资助 {len(funded)} 个项目，{format_fen(amount)} 元",
        )
    return Proposed(outcomes, len(funded), amount)


def record_committee_decision(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    on: date,
    call_id: int,
    include: list[int],
    exclude: list[int],
    reasons: str,
    decided_by: str,
) -> Decided:
    """Record the committee's decision of business date `on`, record the outcomes, open the 公示."""
    if actor.role not in DECIDING_ROLES:
        raise Forbidden("只有街道工作人员可以录入终审决定")
    business_day(on, now=now, what="决定日期")
    try:
        check_adjustments(include=include, exclude=exclude, reasons=reasons)
    except DecisionError as error:
        raise Refused(str(error)) from None
    if not decided_by.strip():
        raise Refused("请写明决定人（评审委员会主任）")
    pending = selection.get_pending_decision(session, call_id=call_id)
    if pending is None:
        done = selection.get_decision(session, call_id=call_id)
        if done is not None:
            raise Refused(
                f"申报指南 #{call_id} 的终审决定已由{done.decided_by}作出。"
                f"{selection_progress(session, call_id=call_id).message}"
            )
        raise Refused(
            f"申报指南 #{call_id} 没有等待终审决定的遴选："
            f"{selection_progress(session, call_id=call_id).message}"
        )
    try:
        outcomes = check_decision(session, call_id=call_id, include=include, exclude=exclude)
    except AllocationError as error:
        raise Refused(str(error)) from None
    accepted = not (include or exclude)
    with unit_of_work(session):
        selection.set_decision(
            session,
            pending,
            accepted=accepted,
            include=include,
            exclude=exclude,
            reasons=reasons.strip(),
            decided_by=decided_by.strip(),
            at=now,
            on=on,
        )
        approved, amount, waitlisted = _record_outcomes(
            session, call_id, outcomes, exclude, reasons
        )
        ends_on = _open_notice(session, call_id, on)
        committee = "接受排名" if accepted else f"调整：{reasons.strip()}"
        audit.record(
            session,
            actor=actor,
            now=now,
            action="committee_decision",
            subject_type="call",
            subject_id=call_id,
            on=on,
            detail=f"{on.isoformat()} {decided_by.strip()}：纳入 {include} 排除 {exclude}：{reasons}",
        )
    return Decided(approved, amount, waitlisted, committee, on, ends_on)


def _record_outcomes(
    session: Session, call_id: int, outcomes: list[Allocation], exclude: list[int], reasons: str
) -> tuple[int, int, int]:
    """Approve the funded, refuse the committee's exclusions, waitlist the rest."""
    approved = amount = waitlisted = 0
    by_id = {p.id: p for p in proposals.list_proposals(session, call_id=call_id)}
    for outcome in outcomes:
        proposal = by_id[outcome.proposal_id]
        if proposal.status != ProposalStatus.SHORTLISTED:
            approved += proposal.status in (ProposalStatus.APPROVED, ProposalStatus.CONTRACTED)
            continue
        if outcome.is_funded:
            target, note = ProposalStatus.APPROVED, f"终审通过（排名第 {outcome.rank}）"
            approved, amount = approved + 1, amount + outcome.amount_fen
        elif outcome.proposal_id in exclude:
            target, note = ProposalStatus.REJECTED, f"评审委员会决定不予资助：{reasons.strip()}"
        else:
            waitlisted += 1
            proposals.set_proposal_status(
                session,
                proposal,
                status=proposal.status,
                stage=Stage.FINAL,
                note=f"候补：{outcome.reason}",
            )
            continue
        status = apply_transition(
            PROPOSAL_TRANSITIONS, ProposalStatus.SHORTLISTED, target, role=Role.SYSTEM
        )
        proposals.set_proposal_status(
            session, proposal, status=status, stage=Stage.FINAL, note=note
        )
    return approved, amount, waitlisted


def _open_notice(session: Session, call_id: int, published_on: date) -> date:
    """Publish the 公示 once (dated `published_on`) and return the last day objections are taken."""
    stored = calls.get_call(session, call_id).rules
    rules = read_selection_rules(stored)
    ends_on = window_end(
        published_on,
        rules.objection_days,
        holidays=rules.holidays,
        first_day_counts=read_call_rules(stored).objection_first_day_counts,
    )
    notice = selection.set_notice(
        session, call_id=call_id, published_on=published_on, ends_on=ends_on
    )
    return notice.ends_on
