"""Tasks that turn selection outcomes into decisions, contracts, money and projects.

Used by `select_proposals`. Every write is keyed (award per proposal, ledger
entries by idempotency key, tranche per step, project per award), so a
second run adds nothing and pays nothing twice.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from flows.runtime import io_task, session_scope
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
    FUNDED_PATH,
    PROPOSAL_TRANSITIONS,
    TRANCHE_TRANSITIONS,
    AwardStatus,
    CycleStatus,
    ProposalStatus,
    Role,
    Stage,
    TrancheStatus,
    apply_transition,
)
from store import awards, calls, cycles, fund, proposals


@io_task
def award_contracts(
    call_id: int, outcomes: list[Allocation], decided_on: date, projects_start_on: date
) -> dict[int, str]:
    """Record each outcome; contract, commit, pay the first tranche and open a project."""
    with session_scope() as session:
        call = calls.get_call(session, call_id)
        by_id = {p.id: p for p in proposals.list_proposals(session, call_id=call_id)}
        cycle = cycles.get_cycle(session, call.cycle_id)
        for outcome in outcomes:
            proposal = by_id[outcome.proposal_id]
            if proposal.status != ProposalStatus.ELIGIBLE:
                continue
            if not outcome.is_funded:
                _reject(session, proposal, outcome.reason)
                continue
            _advance(session, proposal)
            award = _contract(session, proposal, outcome, year=cycle.year, decided_on=decided_on)
            _commit_and_pay(session, call.cycle_id, proposal, award, call.rules, decided_on)
            _open_project(session, call.cycle_id, proposal, award, projects_start_on)
        if cycle.status == CycleStatus.SELECTING:
            cycles.set_cycle_status(
                session,
                cycle,
                apply_transition(
                    CYCLE_TRANSITIONS, CycleStatus.SELECTING, CycleStatus.RUNNING, role=Role.SYSTEM
                ),
            )
        return {pid: p.title for pid, p in by_id.items()}  # type: ignore[misc]


def _reject(session: Session, proposal: Proposal, reason: str) -> None:
    status = apply_transition(
        PROPOSAL_TRANSITIONS, ProposalStatus.ELIGIBLE, ProposalStatus.REJECTED, role=Role.SYSTEM
    )
    proposals.set_proposal_status(
        session, proposal, status=status, stage=Stage.PRELIMINARY, note=reason
    )


def _advance(session: Session, proposal: Proposal) -> None:
    current = ProposalStatus(proposal.status)
    for target, stage in FUNDED_PATH:
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


def _commit_and_pay(
    session: Session, cycle_id: int, proposal: Proposal, award: Award, rules: dict, decided_on: date
) -> None:
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
            _release(session, the_fund.id, tranche, proposal, decided_on)  # type: ignore[arg-type]


def _release(
    session: Session, fund_id: int, tranche: Tranche, proposal: Proposal, day: date
) -> None:
    tranche.status = apply_transition(
        TRANCHE_TRANSITIONS, TrancheStatus.PLANNED, TrancheStatus.RELEASED, role=Role.SYSTEM
    )
    tranche.released_on = day
    session.add(tranche)
    fund.add_ledger_entry(
        session,
        LedgerEntry(
            fund_id=fund_id,
            kind=LedgerKind.PAYMENT,
            amount_fen=tranche.amount_fen,
            occurred_on=day,
            domain_id=proposal.domain_id,
            award_id=tranche.award_id,
            tranche_id=tranche.id,
            memo=f"第 {tranche.seq} 期拨付：{proposal.title}",
            idempotency_key=f"payment:tranche:{tranche.id}",
        ),
    )


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
