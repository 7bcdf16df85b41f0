"""The fund ledger (基金台账) as the office reads it: as of a day, by donor and by project.

Staff and admins only (`services.project_pages.check_office`). The totals and
each award's money come from `services.figures` (the one definition of money
as of a day); a donor's share of what each award was committed and paid comes
from the pro-rata rule of `models.attribution` over the ledger entries dated
by that day, exactly as the donor statements compute it. Gifts made after the
day are left out, and so is every entry dated after it. An individual donor's
name is masked (王**); a body keeps its name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from models.attribution import Gift, attribute_gifts
from models.figures import MoneyFigures
from models.fund import DONOR_TYPE_LABELS, DonorType, GiftKind
from models.ledger import Movement
from models.privacy import mask_person, mask_text
from services import Actor, NotFound, Refused, figures
from services.project_pages import Choice, check_office
from store import figures as facts
from store import fund
from store import project_pages as pages


@dataclass(frozen=True)
class DonorLine:
    """What one donor gave by the day, and its share of what the fund committed and paid."""

    name: str
    donor_type: str
    gifts: int
    cash_fen: int
    in_kind: int
    committed_fen: int
    paid_fen: int


@dataclass(frozen=True)
class AwardLine:
    """One project's money as of the day."""

    project_id: int
    title: str
    contract_no: str
    amount_fen: int
    money: MoneyFigures


@dataclass(frozen=True)
class Ledger:
    """The fund as of a day: its totals, by donor and by project."""

    cycle_id: int
    cycle: str
    cycles: list[Choice]
    fund: str
    as_of: date
    totals: MoneyFigures
    donors: list[DonorLine]
    projects: list[AwardLine]


def _donor_name(name: str, donor_type: str) -> str:
    # A person who gave is named masked (王**); a body keeps its name, numbers masked.
    return mask_person(name) if donor_type == DonorType.INDIVIDUAL else mask_text(name)


def _donors(session: Session, fund_id: int, as_of: date) -> list[DonorLine]:
    gifts = [g for g in fund.list_donations(session, fund_id=fund_id) if g.donated_on <= as_of]
    dated = facts.list_dated_movements(session, fund_id=fund_id, as_of=as_of)
    movements = [Movement(m.kind, m.amount_fen, m.domain_id, m.award_id) for m in dated]
    cash = [
        Gift(g.id or 0, g.restricted_domain_id, g.amount_fen)
        for g in gifts
        if g.kind == GiftKind.CASH
    ]
    shares = attribute_gifts(cash, movements)
    by_gift: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for share in shares:
        by_gift[share.donation_id][0] += share.committed_fen
        by_gift[share.donation_id][1] += share.paid_fen
    grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for gift in gifts:
        grouped[(gift.donor_name, gift.donor_type)].append(gift)
    lines = []
    for (name, kind), own in grouped.items():
        ids = [g.id or 0 for g in own]
        lines.append(
            DonorLine(
                name=_donor_name(name, kind),
                donor_type=DONOR_TYPE_LABELS.get(kind, kind),  # type: ignore[call-overload]
                gifts=len(own),
                cash_fen=sum(g.amount_fen for g in own if g.kind == GiftKind.CASH),
                in_kind=sum(1 for g in own if g.kind == GiftKind.IN_KIND),
                committed_fen=sum(by_gift[i][0] for i in ids),
                paid_fen=sum(by_gift[i][1] for i in ids),
            )
        )
    return sorted(lines, key=lambda line: (-line.cash_fen, line.name))


def show_ledger(
    session: Session, *, actor: Actor, as_of: date, cycle_id: int | None = None
) -> Ledger:
    """Return the fund of a cycle (the newest by default) as of a day, by donor and by project."""
    check_office(actor)
    cycles = pages.list_cycles(session)
    cycle = next((c for c in cycles if cycle_id is None or c.id == cycle_id), None)
    if cycle is None:
        raise NotFound(
            "还没有创投周期" if cycle_id is None else f"没有编号为 {cycle_id} 的创投周期"
        )
    fund_id = facts.find_fund_id(session, cycle_id=cycle.id or 0)
    if fund_id is None:
        raise Refused(f"创投周期「{cycle.name}」还没有公益基金：先登记捐赠")
    by_award = figures.award_money_as_of(session, cycle_id=cycle.id or 0, as_of=as_of)
    rows = pages.list_project_rows(session, cycle_id=cycle.id)
    return Ledger(
        cycle_id=cycle.id or 0,
        cycle=cycle.name,
        cycles=[Choice(c.id or 0, c.name) for c in cycles],
        fund=fund.get_fund(session, cycle_id=cycle.id or 0).name,
        as_of=as_of,
        totals=figures.money_as_of(session, cycle_id=cycle.id or 0, as_of=as_of),
        donors=_donors(session, fund_id, as_of),
        projects=[
            AwardLine(
                row.project.id or 0,
                row.project.title,
                row.award.contract_no,
                row.award.amount_fen,
                by_award.get(row.award.id or 0, MoneyFigures(as_of=as_of)),
            )
            for row in rows
        ],
    )
