"""Flow `close_call`: close the call and screen every proposal for eligibility (资格审查).

Screening checks each submitted proposal against the call's 资助主体, 资助内容
and 资助金额 standards and the agency's record, and writes down every reason
a proposal fails. Proposals already screened are left as they are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from prefect import flow

from flows.runtime import io_task, session_scope
from models.call_rules import read_call_rules
from models.eligibility import AgencyRecord, Bid, screen_bid
from models.status import (
    CALL_TRANSITIONS,
    CYCLE_TRANSITIONS,
    PROPOSAL_TRANSITIONS,
    CallStatus,
    CycleStatus,
    ProposalStatus,
    Role,
    Stage,
    apply_transition,
)
from store import calls, cycles, proposals


@dataclass(frozen=True)
class ScreeningSummary:
    """Eligible and ineligible proposals, with the reasons for each refusal."""

    eligible: int
    ineligible: dict[str, str]


@io_task
def screen_proposals(call_id: int, today: date) -> ScreeningSummary:
    """Screen every submitted proposal and close the call."""
    with session_scope() as session:
        call = calls.get_call(session, call_id)
        rules = read_call_rules(call.rules)
        agencies = {a.id: a for a in calls.list_agencies(session)}
        domain_keys = {d.id: d.key for d in cycles.list_domains(session, cycle_id=call.cycle_id)}
        submitted = proposals.list_proposals(session, call_id=call_id)
        per_agency = Counter(p.agency_id for p in submitted)
        for proposal in submitted:
            if proposal.status != ProposalStatus.SUBMITTED:
                continue
            agency = agencies[proposal.agency_id]
            reasons = screen_bid(
                Bid(
                    domain_keys[proposal.domain_id],
                    proposal.requested_fen,
                    proposal.submitted_at,
                    per_agency[proposal.agency_id],
                ),
                agency=AgencyRecord(
                    agency.org_type,
                    agency.registered_on,
                    agency.annual_inspection,
                    agency.on_abnormal_list,
                ),
                rules=rules,
                deadline=call.deadline,
                today=today,
            )
            target = ProposalStatus.INELIGIBLE if reasons else ProposalStatus.ELIGIBLE
            status = apply_transition(
                PROPOSAL_TRANSITIONS, ProposalStatus.SUBMITTED, target, role=Role.SYSTEM
            )
            proposals.set_proposal_status(
                session, proposal, status=status, stage=Stage.ELIGIBILITY, note="；".join(reasons)
            )
        _close(session, call)
        screened = proposals.list_proposals(session, call_id=call_id)
        return ScreeningSummary(
            eligible=sum(p.status != ProposalStatus.INELIGIBLE for p in screened),
            ineligible={
                p.title: p.screening_note for p in screened if p.status == ProposalStatus.INELIGIBLE
            },
        )


def _close(session, call) -> None:  # type: ignore[no-untyped-def]
    if call.status == CallStatus.PUBLISHED:
        call.status = apply_transition(
            CALL_TRANSITIONS, CallStatus.PUBLISHED, CallStatus.CLOSED, role=Role.SYSTEM
        )
        session.add(call)
    cycle = cycles.get_cycle(session, call.cycle_id)
    if cycle.status == CycleStatus.CALL_OPEN:
        cycles.set_cycle_status(
            session,
            cycle,
            apply_transition(
                CYCLE_TRANSITIONS, CycleStatus.CALL_OPEN, CycleStatus.SELECTING, role=Role.SYSTEM
            ),
        )


@flow(name="close_call", log_prints=True)
def close_call(call_id: int, today: date) -> ScreeningSummary:
    """Close the call and run the eligibility screening (资格审查)."""
    summary = screen_proposals(call_id, today)
    print(f"资格审查：通过 {summary.eligible} 份，未通过 {len(summary.ineligible)} 份")
    for title, reason in summary.ineligible.items():
        print(f"  未通过「{title}」：{reason}")
    return summary
