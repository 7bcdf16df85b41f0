"""Flow `conclude_publicity`: after the 公示 window, give freed money to the waiting list and sign.

It refuses to run while the window is open or objections are unresolved.
Money freed by upheld objections goes to the waiting list in rank order
(递补) under the same fund, caps and quotas; the rest of the waiting list is
then refused with the reason. Every approved proposal is signed: contract
PDF, commitment in the ledger, tranche plan, first tranche paid, project
opened. Running it again signs nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.runtime import get_now, io_task, session_scope
from flows.selection.contracting import sign_contracts
from flows.selection.selection_allocation import compute_allocation
from flows.selection.selection_reports import write_contract_pdfs, write_selection_summary_pdf
from models.publicity import ObjectionStatus, PublicityError
from models.selection import Allocation
from models.status import PROPOSAL_TRANSITIONS, ProposalStatus, Role, Stage, apply_transition
from services import SYSTEM, Refused, objections
from services.business_day import business_day
from store import proposals, selection


@dataclass(frozen=True)
class ConclusionSummary:
    """How the notice ended: objections, replacements, contracts."""

    objections: int
    upheld: int
    replacements: tuple[str, ...]
    contracts: tuple[str, ...]
    summary_pdf: str


@io_task
def check_window(call_id: int, today: date) -> tuple[list[int], list[int], int]:
    """Refuse while the window is open or objections wait; return (excluded, upheld, objections).

    A signing date after today is refused too: the window is judged by the server's clock.
    """
    try:
        business_day(today, now=get_now(), what="签约日期")
    except Refused as refused:
        raise PublicityError(refused.message) from None
    with session_scope() as session:
        notice = selection.get_notice(session, call_id=call_id)
        if notice is None:
            raise PublicityError(f"申报指南 #{call_id} 尚未公示")
        if today <= notice.ends_on:
            raise PublicityError(f"公示期至 {notice.ends_on} 结束，届时才能签约")
        objections = selection.list_objections(session, call_id=call_id)
        waiting = [o.id for o in objections if o.status == ObjectionStatus.OPEN]
        if waiting:
            raise PublicityError(f"还有 {len(waiting)} 件异议未处理（编号 {waiting}）")
        decision = selection.get_decision(session, call_id=call_id)
        upheld = [o.proposal_id for o in objections if o.status == ObjectionStatus.UPHELD]
        return (list(decision.exclude) if decision else []) + upheld, upheld, len(objections)


@io_task
def settle_waiting_list(call_id: int, outcomes: list[Allocation]) -> list[str]:
    """Approve waiting proposals the freed money now covers (递补); refuse the rest."""
    replaced = []
    with session_scope() as session:
        by_id = {p.id: p for p in proposals.list_proposals(session, call_id=call_id)}
        for outcome in outcomes:
            proposal = by_id[outcome.proposal_id]
            if proposal.status != ProposalStatus.SHORTLISTED:
                continue
            target = ProposalStatus.APPROVED if outcome.is_funded else ProposalStatus.REJECTED
            note = (
                f"公示后递补立项（排名第 {outcome.rank}）"
                if outcome.is_funded
                else f"未获资助：{outcome.reason}"
            )
            status = apply_transition(
                PROPOSAL_TRANSITIONS, ProposalStatus.SHORTLISTED, target, role=Role.SYSTEM
            )
            proposals.set_proposal_status(
                session, proposal, status=status, stage=Stage.PUBLICITY, note=note
            )
            if outcome.is_funded:
                replaced.append(proposal.title)
    return replaced


@io_task
def mark_concluded(call_id: int, today: date) -> None:
    """Record the day the notice was concluded, with its audit event (`services.objections`)."""
    with session_scope() as session:
        objections.record_conclusion(
            session, actor=SYSTEM, now=get_now(), call_id=call_id, on=today
        )


@io_task
def list_contracted(call_id: int) -> list[int]:
    """The ids of the call's contracted proposals: each one has a 资助协议 to be in place."""
    with session_scope() as session:
        return [
            p.id  # type: ignore[misc]
            for p in proposals.list_proposals(
                session, call_id=call_id, status=ProposalStatus.CONTRACTED
            )
        ]


@flow(name="conclude_publicity", log_prints=True)
def conclude_publicity(call_id: int, today: date, projects_start_on: date) -> ConclusionSummary:
    """Close the 公示: settle the waiting list, sign contracts and write their PDFs."""
    excluded, upheld, objections = check_window(call_id, today)
    with session_scope() as session:
        approved = [
            p.id
            for p in proposals.list_proposals(session, call_id=call_id)
            if p.status in (ProposalStatus.APPROVED, ProposalStatus.CONTRACTED)
        ]
    outcomes, _ = compute_allocation(call_id, include=approved, exclude=excluded)
    replacements = settle_waiting_list(call_id, outcomes)
    signed = sign_contracts(
        call_id, {o.proposal_id: o.rank for o in outcomes}, today, projects_start_on
    )
    # Every contract of the call, not only those signed now: one lost when a run was killed
    # during 签约 is written by the next run (the register renders only what is missing).
    contracts = write_contract_pdfs(call_id, list_contracted(call_id), today)
    summary_pdf = write_selection_summary_pdf(call_id, today)
    mark_concluded(call_id, today)
    print(
        f"公示结束：异议成立 {len(upheld)} 件，递补 {len(replacements)} 个，新签协议 {len(signed)} 份，"
        f"资助协议 PDF 共 {len(contracts)} 份；{summary_pdf}"
    )
    create_markdown_artifact(
        key=f"selection-summary-call-{call_id}",
        markdown="# 遴选汇总\n\n"
        + "\n".join(f"- 递补：{t}" for t in replacements)
        + f"\n- 新签协议：{len(contracts)}\n",
        description="公示结束与签约",
    )
    return ConclusionSummary(
        max(objections, 0), len(upheld), tuple(replacements), tuple(contracts), summary_pdf
    )
