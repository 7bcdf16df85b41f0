"""Reading a proposal whole, as its evaluator scores it: budget, KPIs, cited needs, schedule.

The scoring page and the API's assignment both read it from here, so they show
the same. Personal data is masked (`models.privacy.mask_text` with the cycle's
known names). At 初审 under a blind call (`blind_preliminary`) the agency is not
named: its name is left out, and wherever it (or its contact person) appears in
the proposal's own text it is replaced, so the evaluator scores the plan, not the
applicant. 服务人次 (visits) and 受益人数 (people) keep their own units.

The proposal's attachments (附件) are listed too, and an evaluator downloads one
through the seat (`read_seat_attachment`, audited). At a blind 初审 they carry
neutral names (附件1.pdf …) and no uploader, and the kept workbook (原始申报书),
which names the agency in its 机构名称 column, is not offered: its content is this
page, already cleaned.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from models.agency import Agency
from models.attachment_rules import neutral_name
from models.privacy import mask_text
from models.proposal import KPI_UNITS, Proposal
from models.selection_rules import read_selection_rules
from models.status import Stage
from services import Actor, Forbidden, attachments
from services.attachments import AttachmentFile, AttachmentLine
from services.reviews import NotSeated, seat_of
from store import attachments as attachment_rows
from store import calls, people, proposal_reading
from store.attachments import AttachmentFolder
from store.portal import Seat

HIDDEN_AGENCY = "（申报机构）"


@dataclass(frozen=True)
class BudgetItem:
    """One budget line and its share of the whole budget (percent, one decimal)."""

    category: str
    amount_fen: int
    share: float


@dataclass(frozen=True)
class KpiPlan:
    """One indicator: its unit, its total over the run and its target in each month."""

    indicator: str
    unit: str
    total: int
    by_month: tuple[int | None, ...]  # month 1..N; None where the month plans nothing


@dataclass(frozen=True)
class CitedNeed:
    """A resident's need the proposal answers, its text masked."""

    id: int
    text: str
    community: str
    domain: str
    target_group: str


@dataclass(frozen=True)
class ScheduleLine:
    """What the project does in one of its months."""

    month: int
    activity: str


@dataclass(frozen=True)
class ProposalView:
    """Everything an evaluator reads before scoring one proposal."""

    proposal_id: int
    title: str
    summary: str
    stage: str
    blind: bool
    agency: str | None  # None when blind
    domain: str
    community: str
    requested_fen: int
    matching_fen: int
    budget_total_fen: int
    planned_visits: int  # 服务人次, the proposal's headline figure
    months: int
    target_groups: tuple[str, ...]
    budget: tuple[BudgetItem, ...]
    kpis: tuple[KpiPlan, ...]
    needs: tuple[CitedNeed, ...]
    schedule: tuple[ScheduleLine, ...]
    attachments: tuple[AttachmentLine, ...] = ()


def is_blind(session: Session, seat: Seat) -> bool:
    """Whether this seat scores blind: 初审 under a call that says so."""
    rules = calls.get_call(session, seat.proposal.call_id).rules
    return (
        seat.assignment.stage == Stage.PRELIMINARY and read_selection_rules(rules).blind_preliminary
    )


def read_for_seat(session: Session, *, actor: Actor, assignment_id: int) -> ProposalView:
    """Read the proposal of the actor's own seat (another's seat is not found)."""
    return read_seat(session, seat=seat_of(session, actor=actor, assignment_id=assignment_id))


def read_seat(session: Session, *, seat: Seat) -> ProposalView:
    """Read the proposal of a seat already checked to be the actor's."""
    proposal = seat.proposal
    call = calls.get_call(session, proposal.call_id)
    blind = is_blind(session, seat)
    clean = _cleaner(session, proposal, cycle_id=call.cycle_id, blind=blind)
    community, domain = proposal_reading.get_place_names(
        session, community_id=proposal.community_id, domain_id=proposal.domain_id
    )
    budget = _budget(session, proposal.id or 0)
    return ProposalView(
        proposal_id=proposal.id or 0,
        title=clean(proposal.title),
        summary=clean(proposal.summary),
        stage=seat.assignment.stage,
        blind=blind,
        agency=None if blind else seat.agency_name,
        domain=domain,
        community=community,
        requested_fen=proposal.requested_fen,
        matching_fen=proposal.matching_fen,
        budget_total_fen=sum(b.amount_fen for b in budget),
        planned_visits=proposal.planned_people,
        months=proposal.months,
        target_groups=tuple(clean(g) for g in proposal.target_groups),
        budget=budget,
        kpis=_kpis(session, proposal),
        needs=tuple(
            CitedNeed(
                need.id or 0, clean(need.text), community_name, domain_name, need.target_group
            )
            for need, community_name, domain_name in proposal_reading.list_cited_needs(
                session, need_ids=proposal.cited_need_ids
            )
        ),
        schedule=tuple(
            ScheduleLine(int(item.get("month", 0)), clean(str(item.get("activity", ""))))
            for item in sorted(proposal.schedule, key=lambda i: int(i.get("month", 0)))
        ),
        attachments=tuple(line for line, _ in _seat_attachments(session, seat, blind=blind)),
    )


def _seat_attachments(
    session: Session, seat: Seat, *, blind: bool
) -> list[tuple[AttachmentLine, int]]:
    """The attachments a seat sees, with their ids: blind, neutral names and no workbook."""
    found = attachments.ordered(
        attachment_rows.list_attachments(session, proposal_id=seat.proposal.id or 0)
    )
    if not blind:
        return [(attachments.line_of(row), row.id or 0) for row in found]
    shown = [row for row in found if not attachments.is_workbook(row)]
    return [
        (attachments.line_of(row, name=neutral_name(n, row.content_type), by=False), row.id or 0)
        for n, row in enumerate(shown, start=1)
    ]


def read_seat_attachment(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    folder: AttachmentFolder,
    assignment_id: int,
    attachment_id: int,
) -> AttachmentFile:
    """Open an attachment of the seat's proposal, under the name the seat sees; audited."""
    try:
        seat = seat_of(session, actor=actor, assignment_id=assignment_id)
    except NotSeated:
        raise Forbidden(
            f"{actor.label} 未被分配评审任务 #{assignment_id}，不能查看其申报书附件"
        ) from None
    row = attachments.attachment_of(session, seat.proposal.id or 0, attachment_id)
    names = {
        i: line.name for line, i in _seat_attachments(session, seat, blind=is_blind(session, seat))
    }
    if attachment_id not in names:
        raise Forbidden(f"附件 #{attachment_id} 在本评审环节不向评审专家提供")
    return attachments.open_file(
        session, actor=actor, now=now, folder=folder, row=row, name=names[attachment_id]
    )


def _cleaner(session: Session, proposal: Proposal, *, cycle_id: int, blind: bool):  # type: ignore[no-untyped-def]
    names = list(people.list_known_names(session, cycle_id=cycle_id))
    agency = session.get(Agency, proposal.agency_id) if blind else None
    if agency is not None and agency.contact_name:
        names.append(agency.contact_name)

    def clean(text: str) -> str:
        if agency is not None and agency.name:
            text = text.replace(agency.name, HIDDEN_AGENCY)
        return mask_text(text, names)

    return clean


def _budget(session: Session, proposal_id: int) -> tuple[BudgetItem, ...]:
    lines = proposal_reading.list_proposal_budget(session, proposal_id=proposal_id)
    total = sum(line.amount_fen for line in lines)
    return tuple(
        BudgetItem(
            line.category,
            line.amount_fen,
            round(line.amount_fen * 100 / total, 1) if total else 0.0,
        )
        for line in lines
    )


def _kpis(session: Session, proposal: Proposal) -> tuple[KpiPlan, ...]:
    by_indicator: dict[str, dict[int, int]] = defaultdict(dict)
    for target in proposal_reading.list_proposal_kpis(session, proposal_id=proposal.id or 0):
        by_indicator[target.indicator][target.month] = target.planned
    months = max([proposal.months, *(m for plan in by_indicator.values() for m in plan)], default=0)
    order = [k for k in KPI_UNITS if k in by_indicator] + sorted(
        k for k in by_indicator if k not in KPI_UNITS
    )
    return tuple(
        KpiPlan(
            indicator=name,
            unit=KPI_UNITS.get(name, ""),
            total=sum(by_indicator[name].values()),
            by_month=tuple(by_indicator[name].get(m) for m in range(1, months + 1)),
        )
        for name in order
    )
