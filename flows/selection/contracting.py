"""Signing (签约): turn approved proposals into contracts, money and projects.

Used by `conclude_publicity` once the 公示 window has closed. The tranche paid on
signing is paid by `services.tranches.pay_tranche`, once the project is open. Every write is keyed (award per proposal, ledger
entries by idempotency key, tranche per step, project per award), so a
second run adds nothing and pays nothing twice.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from flows.runtime import get_now, io_task, session_scope
from models.award import Award, Tranche, TrancheCondition
from models.calendar import last_day_after_months
from models.call_rules import read_call_rules
from models.contract import contract_number, plan_tranches
from models.fund import LedgerEntry, LedgerKind
from models.ledger import plan_commitment
from models.project import Project
from models.proposal import Proposal
from models.selection import Allocation
from models.status import (
    AWARD_TRANSITIONS,
    CYCLE_TRANSITIONS,
    PROPOSAL_TRANSITIONS,
    AwardStatus,
    CycleStatus,
    ProposalStatus,
    Role,
    Stage,
    TrancheStatus,
    apply_transition,
)
from services import SYSTEM, tranches
from store import awards, calls, cycles, fund, proposals

SIGNING_PATH = (
    (ProposalStatus.PUBLICISED, Stage.PUBLICITY),
    (ProposalStatus.CONTRACTED, Stage.PUBLICITY),
)


@io_task
def sign_contracts(
    call_id: int, ranks: dict[int, int], signed_on: date, projects_start_on: date
) -> list[int]:
    """Sign every approved proposal: contract, commit, pay the first tranche, open the project."""
    signed = []
    now = get_now()
    with session_scope() as session:
        call = calls.get_call(session, call_id)
        cycle = cycles.get_cycle(session, call.cycle_id)
        for proposal in proposals.list_proposals(
            session, call_id=call_id, status=ProposalStatus.APPROVED
        ):
            _advance(session, proposal)
            outcome = Allocation(proposal.id, ranks[proposal.id], proposal.requested_fen, "立项")  # type: ignore[index, arg-type]
            award = _contract(session, proposal, outcome, year=cycle.year, decided_on=signed_on)
            on_signing = _commit(session, call.cycle_id, proposal, award, call.rules, signed_on)
            _open_project(session, call.cycle_id, proposal, award, projects_start_on)
            for tranche_id in on_signing:  # each payment commits this proposal's signing with it
                tranches.pay_tranche(
                    session, actor=SYSTEM, now=now, tranche_id=tranche_id, on=signed_on
                )
            signed.append(proposal.id)
        if cycle.status == CycleStatus.SELECTING:
            cycles.set_cycle_status(
                session,
                cycle,
                apply_transition(
                    CYCLE_TRANSITIONS, CycleStatus.SELECTING, CycleStatus.RUNNING, role=Role.SYSTEM
                ),
            )
    return signed  # type: ignore[return-value]


def _advance(session: Session, proposal: Proposal) -> None:
    current = ProposalStatus(proposal.status)
    for target, stage in SIGNING_PATH:
        current = apply_transition(PROPOSAL_TRANSITIONS, current, target, role=Role.SYSTEM)  # type: ignore[assignment]
        proposals.set_proposal_status(session, proposal, status=current, stage=stage)


def _contract(
    session: Session, proposal: Proposal, outcome: Allocation, *, year: int, decided_on: date
) -> Award:
    award, _ = awards.add_award(
        session,
        Award(
            proposal_id=proposal.id,
            amount_fen=outcome.amount_fen,
            rank=outcome.rank,  # type: ignore[arg-type]
            decided_on=decided_on,
            contract_no=contract_number(year, outcome.rank),
        ),
    )
    if award.status == AwardStatus.AWARDED:
        award.status = apply_transition(
            AWARD_TRANSITIONS, AwardStatus.AWARDED, AwardStatus.CONTRACTED, role=Role.SYSTEM
        )
        session.add(award)
    return award


def _commit(
    session: Session, cycle_id: int, proposal: Proposal, award: Award, rules: dict, decided_on: date
) -> list[int]:
    """Commit the award's money and plan its tranches; return the ones signing pays, unpaid."""
    the_fund = fund.get_fund(session, cycle_id=cycle_id)
    movements = fund.list_movements(session, fund_id=the_fund.id)  # type: ignore[arg-type]
    for index, part in enumerate(
        plan_commitment(movements, award.amount_fen, domain_id=proposal.domain_id)
    ):
        fund.add_ledger_entry(
            session,
            LedgerEntry(
                fund_id=the_fund.id,
                kind=LedgerKind.COMMITMENT,
                amount_fen=part.amount_fen,  # type: ignore[arg-type]
                occurred_on=decided_on,
                domain_id=part.domain_id,
                award_id=award.id,
                memo=f"立项承诺：{proposal.title}",
                idempotency_key=f"commitment:{award.id}:{index}",
            ),
        )
    due = []
    for planned in plan_tranches(award.amount_fen, read_call_rules(rules).tranches):
        tranche = awards.add_tranche(
            session,
            Tranche(
                award_id=award.id,
                seq=planned.seq,
                amount_fen=planned.amount_fen,
                condition=planned.condition,
            ),  # type: ignore[arg-type]
        )
        if (
            tranche.condition == TrancheCondition.ON_SIGNING
            and tranche.status == TrancheStatus.PLANNED
        ):
            due.append(tranche.id)
    return due  # type: ignore[return-value]


def _open_project(
    session: Session, cycle_id: int, proposal: Proposal, award: Award, starts_on: date
) -> None:
    awards.add_project(
        session,
        Project(
            award_id=award.id,
            cycle_id=cycle_id,
            agency_id=proposal.agency_id,  # type: ignore[arg-type]
            domain_id=proposal.domain_id,
            community_id=proposal.community_id,
            title=proposal.title,
            starts_on=starts_on,
            ends_on=last_day_after_months(starts_on, proposal.months),
            months=proposal.months,
            people_planned=proposal.planned_people,
        ),
    )
