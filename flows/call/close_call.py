"""Flow `close_call`: at the deadline, close the call and screen every proposal (资格审查).

Screening checks each submitted proposal and its agency against every rule
of the call — 资助主体 (type, age, inspection, lists, count, track record),
资助内容, 资助金额, 资助方式 and the deadline — and stores one pass/fail line
per rule with its reason. Proposals already screened (and any a staff member
overrode) are left as they are, so running it again changes nothing. The
results are posted as a Prefect artifact for staff to read in the UI.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.runtime import get_now, get_tz, io_task, session_scope
from models.call_rules import read_call_rules
from models.eligibility import AgencyRecord, Bid, PastCycle, RuleResult, failed_reasons, screen_bid
from models.proposal import Proposal, ScreeningCheck
from models.proposal_rules import BudgetItem, KpiPlan, ProposalDraft, ScheduleItem
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
from store import agencies, calls, cycles, needs, proposals


class CallNotDueError(ValueError):
    """Closing a call before its deadline."""


@dataclass(frozen=True)
class ScreeningSummary:
    """Eligible and ineligible proposals, with the reasons for each refusal."""

    eligible: int
    ineligible: dict[str, str]
    artifact: str = ""


@io_task
def screen_proposals(call_id: int, today: date) -> ScreeningSummary:
    """Screen every submitted proposal, store the results per rule, and close the call."""
    tz = get_tz()
    with session_scope() as session:
        call = calls.get_call(session, call_id)
        deadline = call.deadline.astimezone(tz)
        if today < deadline.date():
            raise CallNotDueError(
                f"申报指南「{call.title}」截止时间为 {deadline:%Y-%m-%d %H:%M}，"
                f"{today} 还不能截止并开展资格审查"
            )
        rules = read_call_rules(call.rules)
        bids = _bids(session, call_id, call.cycle_id)
        records = _agency_records(session)
        need_ids = [n.id for n in needs.list_needs(session, cycle_id=call.cycle_id)]
        checked_at = get_now().astimezone(UTC)
        for proposal, bid in bids:
            results = screen_bid(
                bid,
                agency=records[proposal.agency_id],
                rules=rules,
                deadline=deadline,
                today=today,
                known_need_ids=need_ids,  # type: ignore[arg-type]
            )
            _record(session, proposal, results, checked_at)
        _close(session, call)
        return _summary(proposals.list_proposals(session, call_id=call_id))


def _bids(session, call_id: int, cycle_id: int) -> list[tuple[Proposal, Bid]]:  # type: ignore[no-untyped-def]
    """Pair every proposal still to be screened with what screening reads of it."""
    domain_keys = {d.id: d.key for d in cycles.list_domains(session, cycle_id=cycle_id)}
    every = proposals.list_proposals(session, call_id=call_id)
    # Drafts and withdrawn proposals do not count towards an agency's number of bids.
    live = [p for p in every if p.status not in (ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN)]
    per_agency = Counter(p.agency_id for p in live)
    budget = proposals.list_budget_lines(session, call_id=call_id)
    kpis = proposals.list_kpi_targets(session, call_id=call_id)
    return [
        (
            p,
            Bid(
                to_draft(p, domain_keys, budget.get(p.id, []), kpis.get(p.id, [])),  # type: ignore[arg-type]
                p.submitted_at,
                per_agency[p.agency_id],
            ),
        )
        for p in every
        if p.status == ProposalStatus.SUBMITTED
    ]


def _agency_records(session) -> dict[int, AgencyRecord]:  # type: ignore[no-untyped-def]
    past: dict[int, list[PastCycle]] = {}
    for record in agencies.list_track_records(session):
        past.setdefault(record.agency_id, []).append(
            PastCycle(record.year, record.grade, record.yellow_cards, record.breaches)
        )
    return {
        a.id: AgencyRecord(
            a.org_type,
            a.registered_on,
            a.annual_inspection,
            a.on_abnormal_list,
            a.on_serious_violation_list,
            tuple(past.get(a.id, ())),  # type: ignore[arg-type]
        )
        for a in agencies.list_agencies(session)
    }


def to_draft(proposal: Proposal, domain_keys: dict, budget: list, kpis: list) -> ProposalDraft:  # type: ignore[type-arg]
    """Turn a stored proposal and its lines into the plain draft the rules read."""
    return ProposalDraft(
        title=proposal.title,
        domain_key=domain_keys[proposal.domain_id],
        requested_fen=proposal.requested_fen,
        matching_fen=proposal.matching_fen,
        months=proposal.months,
        planned_people=proposal.planned_people,
        budget=tuple(BudgetItem(b.category, b.amount_fen) for b in budget),
        kpis=tuple(KpiPlan(k.month, k.indicator, k.planned) for k in kpis),
        schedule=tuple(
            ScheduleItem(int(s["month"]), str(s["activity"])) for s in proposal.schedule
        ),
        cited_need_ids=tuple(proposal.cited_need_ids),
        target_groups=tuple(proposal.target_groups),
    )


def _record(session, proposal: Proposal, results: list[RuleResult], checked_at: datetime) -> None:  # type: ignore[no-untyped-def]
    proposals.set_screening_checks(
        session,
        proposal.id,  # type: ignore[arg-type]
        [
            ScreeningCheck(
                proposal_id=0,
                rule=r.rule,
                label=r.label,
                passed=r.passed,
                reason=r.reason[:500],
                checked_at=checked_at,
            )
            for r in results
        ],
        checked_at=checked_at,
    )
    reasons = failed_reasons(results)
    target = ProposalStatus.INELIGIBLE if reasons else ProposalStatus.ELIGIBLE
    status = apply_transition(
        PROPOSAL_TRANSITIONS, ProposalStatus.SUBMITTED, target, role=Role.SYSTEM
    )
    proposals.set_proposal_status(
        session, proposal, status=status, stage=Stage.ELIGIBILITY, note="；".join(reasons)[:1000]
    )


def _summary(screened: list[Proposal]) -> ScreeningSummary:
    done = [
        p
        for p in screened
        if p.status
        not in (ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN, ProposalStatus.SUBMITTED)
    ]
    return ScreeningSummary(
        eligible=sum(p.status != ProposalStatus.INELIGIBLE for p in done),
        ineligible={
            p.title: p.screening_note for p in done if p.status == ProposalStatus.INELIGIBLE
        },
    )


def _close(session, call) -> None:  # type: ignore[no-untyped-def]
    if call.status == CallStatus.PUBLISHED:
        call.status = apply_transition(
            CALL_TRANSITIONS, CallStatus.PUBLISHED, CallStatus.CLOSED, role=Role.SYSTEM
        )
        calls.set_call(session, call)
    cycle = cycles.get_cycle(session, call.cycle_id)
    if cycle.status == CycleStatus.CALL_OPEN:
        cycles.set_cycle_status(
            session,
            cycle,
            apply_transition(
                CYCLE_TRANSITIONS, CycleStatus.CALL_OPEN, CycleStatus.SELECTING, role=Role.SYSTEM
            ),
        )


@io_task
def post_screening_artifact(call_id: int) -> str:
    """Post the screening results of every proposal as a markdown artifact; return its key."""
    with session_scope() as session:
        call = calls.get_call(session, call_id)
        names = {a.id: a.name for a in agencies.list_agencies(session)}
        checks = proposals.list_screening_checks(session, call_id=call_id)
        rows = proposals.list_proposals(session, call_id=call_id)
    lines = [
        f"# 资格审查结果：{call.title}",
        "",
        "| 申报书 | 机构 | 结果 | 未通过的规则与原因 |",
        "| --- | --- | --- | --- |",
    ]
    for p in rows:
        if p.id not in checks:
            continue
        failed = [f"{c.label}：{c.reason}" for c in checks[p.id] if not c.passed]  # type: ignore[index]
        outcome = "通过" if p.status != ProposalStatus.INELIGIBLE else "未通过"
        if p.override_by:
            outcome += f"（{p.override_by}改判：{p.override_reason}）"
        lines.append(
            f"| {_cell(p.title)} | {_cell(names.get(p.agency_id, ''))} | {outcome} | {_cell('；'.join(failed)) or '—'} |"
        )
    key = f"screening-call-{call_id}"
    create_markdown_artifact(
        markdown="\n".join(lines), key=key, description="资格审查：每份申报书逐条规则的结果"
    )
    return key


def _cell(text: str) -> str:
    # A pipe or a line break in user text would break the markdown table.
    return text.replace("|", "｜").replace("\n", " ")


@flow(name="close_call", log_prints=True)
def close_call(call_id: int, today: date) -> ScreeningSummary:
    """Close the call at its deadline and run the eligibility screening (资格审查)."""
    summary = screen_proposals(call_id, today)
    key = post_screening_artifact(call_id)
    print(f"资格审查：通过 {summary.eligible} 份，未通过 {len(summary.ineligible)} 份")
    for title, reason in summary.ineligible.items():
        print(f"  未通过「{title}」：{reason}")
    return ScreeningSummary(summary.eligible, summary.ineligible, key)
