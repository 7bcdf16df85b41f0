"""Proposals (申报书): receiving a batch under a call, and withdrawing one.

Every door comes here: the portal's upload and withdraw buttons, the
`receive_bids` and `withdraw_proposal` flows and the CLI. So the answers are
the same everywhere:
- The call must still be open when the batch is received. An agency submits at the
  server's time (`now`, handed in), whatever its file says. The office entering a
  batch received on paper earlier gives that business moment explicitly
  (`received_at`, the CLI's `--on`); otherwise it is `now`. A workbook's 提交时间 is
  never read. A batch received after the deadline is refused, naming the deadline.
  A proposal is withdrawn only before the deadline.
- A cited need of another domain or community than the proposal's is a warning, kept
  on the proposal (`Proposal.citation_warnings`) for the officer's screening page; a
  cited id the cycle does not have refuses the row (field 引用需求编号).
- An agency acts on its own proposals only: it files in its own name, and another
  agency's proposal is "not found" (its existence is not revealed).
A batch is read and checked (`services.proposal_batch`) before anything is written,
and stored all or nothing in one unit of work, with one audit event. The workbook a
door hands in is kept in that unit of work as each received proposal's first
attachment, 原始申报书.xlsx (`services.attachments.keep_workbook`), when the batch is
one agency's; a refused batch keeps neither rows nor file. The deadline rule is
`services.deadlines`, shared with attachments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlmodel import Session

from models.call import Call
from models.call_rules import read_call_rules
from models.proposal import BudgetLine, KpiTarget, Proposal
from models.rows import Row, RowError, RowsRejected
from models.status import (
    PROPOSAL_TRANSITIONS,
    CallStatus,
    ProposalStatus,
    Role,
    Stage,
    TransitionError,
    apply_transition,
)
from services import Actor, Forbidden, NotFound, Refused, attachments, audit
from services.deadlines import CallClosed, closed_message, is_past_deadline, office_zone
from services.proposal_batch import PROPOSAL_SHEET, BidContext, ParsedBid, parse_bids
from store import agencies, calls, cycles, needs, proposals
from store.attachments import AttachmentFolder
from store.database import unit_of_work

OFFICE_ROLES = frozenset({Role.STAFF, Role.ADMIN, Role.SYSTEM})
"""Who may enter proposals or withdrawals on an agency's behalf: the street office and its flows."""


@dataclass(frozen=True)
class BidsSummary:
    """What arrived: agencies on record and proposals received."""

    agencies: int = 0
    received: int = 0
    already_there: int = 0
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    citation_warnings: tuple[str, ...] = ()
    """Cited needs of another domain or community (also among `warnings`), by proposal title."""


def receive_proposals(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    call_id: int,
    tables: dict[str, list[Row]],
    submit: bool,
    refuse_repeats: bool,
    source: str = "",
    received_at: datetime | None = None,
    workbook: bytes | None = None,
    folder: AttachmentFolder | None = None,
) -> BidsSummary:
    """Check a batch of proposals against the call and store it, all or nothing.

    With `submit=False` the batch is saved as drafts and the call's objections are
    warnings. A problem in any row raises `RowsRejected` naming every row at fault.
    Agencies the caller stored in this session before (a registry imported with the
    batch) count as registered, and are committed with the proposals. `received_at`
    is the office's business moment for a paper batch received earlier (staff only);
    the proposals are filed as submitted then, and the entry itself at `now`.
    `workbook` (the uploaded XLSX's bytes) is kept in `folder` as each received
    proposal's 原始申报书 when the batch is one agency's, in the same unit of work.
    """
    call = _find_call(session, call_id)
    own = _own_agency_name(session, actor)
    if own is not None:
        _check_own_rows(tables, own)
        if received_at is not None:
            raise Forbidden("申报机构的提交时间以系统收到的时间为准，不能另行指定")
    elif actor.role not in OFFICE_ROLES:
        raise Forbidden("只有申报机构或街道工作人员可以提交申报书")
    moment = received_at or now
    if submit and is_past_deadline(call, moment):
        if received_at is None:
            raise CallClosed(closed_message(call, now, "不再受理申报书"))
        raise CallClosed(
            closed_message(
                call,
                now,
                f"收到时间 {moment.astimezone(office_zone(now)):%Y-%m-%d %H:%M} 已晚于截止时间，不予受理",
            )
        )
    context = _context(session, call, moment, zone=office_zone(now))
    changes = attachments.FileChanges(folder) if folder is not None else None
    try:
        summary = _receive(
            session, actor=actor, now=now, call=call, tables=tables, context=context,
            submit=submit, refuse_repeats=refuse_repeats, source=source,
            received_at=received_at, kept=(workbook, changes),
        )  # fmt: skip
    except BaseException:
        # A refused or failed batch keeps nothing: not its rows, nor the workbook's file.
        if changes is not None:
            changes.undo()
        raise
    if changes is not None:
        changes.settle(session)  # an earlier draft's workbook, now replaced
    return summary


def _receive(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    call: Call,
    tables: dict[str, list[Row]],
    context: BidContext,
    submit: bool,
    refuse_repeats: bool,
    source: str,
    received_at: datetime | None,
    kept: tuple[bytes | None, attachments.FileChanges | None],
) -> BidsSummary:
    call_id, moment = call.id or 0, received_at or now
    with unit_of_work(session):
        bids = parse_bids(tables, context, submit=submit)
        ids = _ids(session, call.cycle_id)
        stored: list[Proposal] = []
        errors: list[RowError] = []
        for bid in bids:
            try:
                found = _store_bid(
                    session,
                    call,
                    bid,
                    ids,
                    submit=submit,
                    refuse_repeats=refuse_repeats,
                    tz=context.tz,
                )
            except RowError as error:
                errors.append(error)
            else:
                if found is not None:
                    stored.append(found)
        if errors:
            raise RowsRejected(errors)
        _keep_workbook(session, actor=actor, now=now, bids=bids, stored=stored, kept=kept)
        received = len(stored)
        summary = BidsSummary(
            received=received,
            already_there=len(bids) - received,
            warnings=tuple(f"「{b.draft.title}」{w}" for b in bids for w in b.warnings),
            citation_warnings=tuple(
                f"「{b.draft.title}」{w}" for b in bids for w in b.citation_warnings
            ),
        )
        audit.record(
            session,
            actor=actor,
            now=now,
            action="proposal_submit" if submit else "proposal_draft",
            subject_type="call",
            subject_id=call_id,
            detail=f"{source}：{summary.received} 份，已有相同 {summary.already_there} 份"
            + (
                f"，纸质申报收到时间 {moment.astimezone(context.tz):%Y-%m-%d %H:%M}"
                if received_at
                else ""
            )
            + (
                f"，引用需求提醒 {len(summary.citation_warnings)} 条"
                if summary.citation_warnings
                else ""
            ),
        )
    return summary


def _keep_workbook(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    bids: list[ParsedBid],
    stored: list[Proposal],
    kept: tuple[bytes | None, attachments.FileChanges | None],
) -> None:
    """Keep the workbook on each proposal it filed, when it is one agency's own.

    An office batch naming several agencies is not kept: each agency, and each
    proposal's evaluators, would be handed the other agencies' bids.
    """
    workbook, changes = kept
    if workbook is None or changes is None or len({b.agency for b in bids}) != 1:
        return
    for proposal in stored:
        attachments.keep_workbook(
            session,
            actor=actor,
            now=now,
            changes=changes,
            proposal_id=proposal.id or 0,
            data=workbook,
        )


def withdraw_proposal(
    session: Session, *, actor: Actor, now: datetime, proposal_id: int
) -> Proposal:
    """Withdraw a submitted proposal before the call's deadline (the agency's own, or by the office)."""
    proposal = _find_proposal(session, proposal_id, actor)
    call = _find_call(session, proposal.call_id)
    if is_past_deadline(call, now):
        raise CallClosed(closed_message(call, now, f"不能再撤回「{proposal.title}」"))
    try:
        status = apply_transition(
            PROPOSAL_TRANSITIONS,
            ProposalStatus(proposal.status),
            ProposalStatus.WITHDRAWN,
            role=Role.AGENCY,  # withdrawing is the agency's decision, whoever enters it
        )
    except TransitionError:
        raise Refused(f"「{proposal.title}」状态为 {proposal.status}，不能撤回") from None
    with unit_of_work(session):
        proposals.set_proposal_status(session, proposal, status=status, stage=proposal.stage)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="proposal_withdraw",
            subject_type="proposal",
            subject_id=proposal_id,
        )
    return proposal


def _find_call(session: Session, call_id: int) -> Call:
    try:
        return calls.get_call(session, call_id)
    except LookupError:
        raise NotFound(f"没有编号为 {call_id} 的申报指南") from None


def _find_proposal(session: Session, proposal_id: int, actor: Actor) -> Proposal:
    """The proposal, if the actor may act on it: an agency its own, the office any."""
    if actor.role not in OFFICE_ROLES and actor.role != Role.AGENCY:
        raise Forbidden("只有申报机构或街道工作人员可以撤回申报书")
    try:
        proposal = proposals.get_proposal(session, proposal_id)
    except LookupError:
        proposal = None
    if proposal is None or (actor.role == Role.AGENCY and proposal.agency_id != actor.agency_id):
        raise NotFound(f"找不到申报书 #{proposal_id}，或您的账号无权访问")
    return proposal


def _own_agency_name(session: Session, actor: Actor) -> str | None:
    """The name an agency files under; None for the office."""
    if actor.role != Role.AGENCY:
        return None
    if actor.agency_id is None:
        raise Forbidden("这个账号没有关联社会组织，不能提交申报书")
    try:
        return agencies.get_agency(session, actor.agency_id).name
    except LookupError:
        raise Forbidden("这个账号没有关联社会组织，不能提交申报书") from None


def _check_own_rows(tables: dict[str, list[Row]], own: str) -> None:
    named = {row.values.get("机构名称", "").strip() for row in tables.get(PROPOSAL_SHEET, [])}
    if named - {own}:
        raise Forbidden(f"只能提交本机构的申报书：表中「机构名称」应为 {own}")


def _context(session: Session, call: Call, received: datetime, *, zone: tzinfo) -> BidContext:
    cycle = cycles.get_cycle(session, call.cycle_id)
    domains = cycles.list_domains(session, cycle_id=cycle.id)  # type: ignore[arg-type]
    return BidContext(
        rules=read_call_rules(call.rules),
        deadline=call.deadline,
        agencies=frozenset(a.name for a in agencies.list_agencies(session)),
        domains=frozenset(d.key for d in domains),
        communities=frozenset(
            c.name for c in cycles.list_communities(session, street_office=cycle.street_office)
        ),
        need_ids=frozenset(n.id for n in needs.list_needs(session, cycle_id=cycle.id)),  # type: ignore[arg-type, misc]
        now=received,
        tz=zone,
        needs={n.need_id: n for n in needs.list_demand_needs(session, cycle_id=cycle.id)},  # type: ignore[arg-type]
        domain_names={d.key: d.name for d in domains},
    )


def _ids(session: Session, cycle_id: int) -> dict[str, dict[str, int]]:
    cycle = cycles.get_cycle(session, cycle_id)
    return {
        "agency": {a.name: a.id for a in agencies.list_agencies(session)},  # type: ignore[misc]
        "domain": {d.key: d.id for d in cycles.list_domains(session, cycle_id=cycle_id)},  # type: ignore[misc]
        "community": {
            c.name: c.id  # type: ignore[misc]
            for c in cycles.list_communities(session, street_office=cycle.street_office)
        },
    }


def _store_bid(
    session: Session,
    call: Call,
    bid: ParsedBid,
    ids: dict[str, dict[str, int]],
    *,
    submit: bool,
    refuse_repeats: bool,
    tz: tzinfo,
) -> Proposal | None:
    """Store one bid; return its proposal, or None when the same bid is already there."""
    call_id = call.id or 0
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
            return None
        raise bid.row.error("项目名称", _repeat_reason(found, tz))
    if submit and call.status == CallStatus.CLOSED:
        # Screening is done: a proposal entered now, whatever its business date, would
        # never be screened. The same batch received again changes nothing (above).
        deadline = call.deadline.astimezone(tz)
        raise bid.row.error(
            "项目名称",
            f"申报已于 {deadline:%Y-%m-%d %H:%M} 截止并完成资格审查，不能再录入新的申报书",
        )
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
    return proposal


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
    proposal.citation_warnings = list(bid.citation_warnings)
    proposal.schedule = [{"month": s.month, "activity": s.activity} for s in draft.schedule]
