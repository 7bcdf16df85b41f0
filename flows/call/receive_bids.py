"""Flow `receive_bids`: take agencies' records and a batch of proposals under a call.

The registry and the four proposal tables (see `flows.call.bid_files`) are read
and every proposal validated against the call — amount, budget, matching
money, KPIs, schedule, cited needs, the deadline — before anything is
written; then agencies and proposals are stored in one transaction. A
proposal already received with the same content is kept as it is, so the
same batch can be received again; the same proposal with other content, or
one that was withdrawn, is refused. With `submit=False` the batch is saved
as drafts (草稿), with the call's objections listed as warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from prefect import flow
from sqlmodel import Session

from flows.call.bid_files import BidContext, ParsedBid, parse_bids, read_bid_files
from flows.call.register_agencies import read_registry, store_registry
from flows.runtime import get_tz, io_task, session_scope
from models.call_rules import read_call_rules
from models.proposal import BudgetLine, KpiTarget, Proposal
from models.rows import RowError, RowsRejected
from models.status import PROPOSAL_TRANSITIONS, ProposalStatus, Role, Stage, apply_transition
from store import agencies, calls, cycles, needs, proposals


@dataclass(frozen=True)
class BidsSummary:
    """What arrived: agencies on record and proposals received."""

    agencies: int = 0
    received: int = 0
    already_there: int = 0
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


@io_task
def load_bid_context(call_id: int, extra_agencies: list[str], now: datetime) -> BidContext:
    """Gather what the batch is checked against: the call, domains, communities, needs."""
    with session_scope() as session:
        call = calls.get_call(session, call_id)
        cycle = cycles.get_cycle(session, call.cycle_id)
        return BidContext(
            rules=read_call_rules(call.rules),
            deadline=call.deadline,
            agencies=frozenset(
                {a.name for a in agencies.list_agencies(session)} | set(extra_agencies)
            ),
            domains=frozenset(d.key for d in cycles.list_domains(session, cycle_id=cycle.id)),  # type: ignore[arg-type]
            communities=frozenset(
                c.name for c in cycles.list_communities(session, street_office=cycle.street_office)
            ),
            need_ids=frozenset(n.id for n in needs.list_needs(session, cycle_id=cycle.id)),  # type: ignore[arg-type, misc]
            now=now,
            tz=get_tz(),
        )


@io_task
def store_bids(
    call_id: int, registry: tuple, bids: list[ParsedBid], *, submit: bool, refuse_repeats: bool
) -> BidsSummary:
    """Add agencies and proposals in one transaction."""
    with session_scope() as session:
        registered = store_registry(session, *registry) if registry[0] else None
        call = calls.get_call(session, call_id)
        ids = _ids(session, call.cycle_id)
        received, errors = 0, []
        for bid in bids:
            try:
                received += _store_bid(
                    session, call_id, bid, ids, submit=submit, refuse_repeats=refuse_repeats
                )
            except RowError as error:
                errors.append(error)
        if errors:
            raise RowsRejected(errors)
        warnings = tuple(f"「{b.draft.title}」{w}" for b in bids for w in b.warnings)
        count = registered.added + registered.updated if registered else 0
        return BidsSummary(count, received, len(bids) - received, warnings)


def _ids(session: Session, cycle_id: int) -> dict[str, dict[str, int]]:
    cycle = cycles.get_cycle(session, cycle_id)
    return {
        "agency": {a.name: a.id for a in agencies.list_agencies(session)},  # type: ignore[misc]
        "domain": {d.key: d.id for d in cycles.list_domains(session, cycle_id=cycle_id)},  # type: ignore[misc]
        "community": {
            c.name: c.id
            for c in cycles.list_communities(session, street_office=cycle.street_office)  # type: ignore[misc]
        },
    }


def _store_bid(
    session: Session,
    call_id: int,
    bid: ParsedBid,
    ids: dict[str, dict[str, int]],
    *,
    submit: bool,
    refuse_repeats: bool,
) -> int:
    agency_id = ids["agency"][bid.agency]
    found = proposals.find_proposal(
        session, call_id=call_id, agency_id=agency_id, title=bid.draft.title
    )
    if found is not None and found.status != ProposalStatus.DRAFT:
        if (
            found.content_key == bid.content_key
            and not refuse_repeats
            and found.status != ProposalStatus.WITHDRAWN
        ):
            return 0
        raise bid.row.error("项目名称", _repeat_reason(found, get_tz()))
    proposal = found or Proposal(
        call_id=call_id,
        agency_id=agency_id,
        domain_id=0,
        community_id=0,
        title=bid.draft.title,
        requested_fen=0,
        planned_people=0,
        months=0,
    )
    _fill(proposal, bid, ids)
    if submit:
        proposal.status = apply_transition(
            PROPOSAL_TRANSITIONS, ProposalStatus.DRAFT, ProposalStatus.SUBMITTED, role=Role.AGENCY
        )
        proposal.submitted_at, proposal.stage = bid.submitted_at, Stage.ELIGIBILITY
    proposals.set_proposal(session, proposal)
    _save_lines(session, proposal.id, bid)  # type: ignore[arg-type]
    return 1


def _save_lines(session: Session, proposal_id: int, bid: ParsedBid) -> None:
    proposals.set_proposal_lines(
        session,
        proposal_id,
        budget=[
            BudgetLine(proposal_id=0, category=b.category, amount_fen=b.amount_fen)
            for b in bid.draft.budget
        ],
        kpis=[
            KpiTarget(proposal_id=0, month=k.month, indicator=k.indicator, planned=k.planned)
            for k in bid.draft.kpis
        ],
    )


def _repeat_reason(found: Proposal, tz: tzinfo) -> str:
    if found.status == ProposalStatus.WITHDRAWN:
        return "同名申报书已撤回，不能再次提交；请改用新的项目名称"
    when = f"{found.submitted_at.astimezone(tz):%Y-%m-%d %H:%M} " if found.submitted_at else ""
    return f"这份申报书已于 {when}提交（状态：{found.status}），不能重复提交；如需修改请先撤回"


def _fill(proposal: Proposal, bid: ParsedBid, ids: dict[str, dict[str, int]]) -> None:
    draft = bid.draft
    proposal.domain_id = ids["domain"][draft.domain_key]
    proposal.community_id = ids["community"][bid.community]
    proposal.requested_fen, proposal.matching_fen = draft.requested_fen, draft.matching_fen
    proposal.planned_people, proposal.months = draft.planned_people, draft.months
    proposal.summary, proposal.content_key = bid.summary, bid.content_key
    proposal.target_groups = list(draft.target_groups)
    proposal.cited_need_ids = list(draft.cited_need_ids)
    proposal.schedule = [{"month": s.month, "activity": s.activity} for s in draft.schedule]


@flow(name="receive_bids", log_prints=True)
def receive_bids(
    call_id: int,
    agencies_path: str,
    proposals_path: str,
    budget_path: str = "",
    kpis_path: str = "",
    schedule_path: str = "",
    received_at: datetime | None = None,
    submit: bool = True,
    refuse_repeats: bool = False,
) -> BidsSummary:
    """Receive agencies' records and proposals under a call, all or nothing."""
    now = received_at or datetime.now(get_tz())
    try:
        registry = read_registry(agencies_path) if agencies_path else ([], [])
        tables = read_bid_files(proposals_path, budget_path, kpis_path, schedule_path)
        context = load_bid_context(call_id, [a.name for a in registry[0]], now)
        bids = parse_bids(tables, context, submit=submit)
        summary = store_bids(call_id, registry, bids, submit=submit, refuse_repeats=refuse_repeats)
    except RowsRejected as rejected:
        print(f"申报材料被拒绝：{rejected}")
        return BidsSummary(errors=tuple(str(e) for e in rejected.errors))
    except RowError as error:
        print(f"申报材料被拒绝：{error}")
        return BidsSummary(errors=(str(error),))
    print(f"收到 {summary.agencies} 家机构的 {len(bids)} 份申报书（新增 {summary.received}）")
    return summary
