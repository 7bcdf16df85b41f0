"""What an agency and a donor see of their own: contracts and documents, statements and gifts.

An agency's 合同与文件 are the register's documents whose subject is one of its
projects or proposals (`services.documents.scope_of`), its 资助协议 first; a
donor's page lists its 捐赠资金去向说明 (subject `donor:<its name>`), named by
title and date, beside the figures of its gifts: given in cash, committed to
projects and paid out as of today under the fund's pro rata attribution
(`models.attribution`, as the statement counts it), and its gifts in kind.
Downloads still go through `services.documents.open_document`, audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session

from models.attribution import Gift, attribute_gifts
from models.fund import (
    DONOR_TYPE_LABELS,
    IN_KIND_LABELS,
    Donation,
    DonorType,
    GiftKind,
    InKindCategory,
)
from models.ledger import Movement
from models.status import Role
from services import Actor, Forbidden
from services.documents import Document, Listing, list_documents, scope_of
from store import donor_gifts
from store import figures as store_figures
from store import fund as fund_store


def list_agency_documents(session: Session, *, actor: Actor, output_dir: Path) -> Listing:
    """The documents of the agency's own projects and proposals, contracts first."""
    if actor.role != Role.AGENCY:
        raise Forbidden("只有社会组织可以查看本机构的合同与文件")
    scope = scope_of(session, actor=actor)
    subjects = {f"project:{i}" for i in scope.projects} | {f"proposal:{i}" for i in scope.proposals}
    return list_documents(session, actor=actor, output_dir=output_dir, subjects=subjects)


@dataclass(frozen=True)
class GiftLine:
    """One gift as the donor's page shows it."""

    donated_on: date
    fund: str
    kind: str  # 现金, or the in-kind category
    amount_fen: int  # cash, or the in-kind valuation (0 when not valued)
    description: str


@dataclass(frozen=True)
class DonorPage:
    """A donor's statements and the figures of its gifts, as of a day."""

    donor: str
    donor_type: str
    as_of: date
    cash_fen: int
    committed_fen: int
    paid_fen: int
    in_kind: int
    gifts: tuple[GiftLine, ...]
    statements: tuple[Document, ...]


def read_donor_page(session: Session, *, actor: Actor, output_dir: Path, today: date) -> DonorPage:
    """The donor's own gifts and statements (a donor is known by its account's name)."""
    if actor.role != Role.DONOR:
        raise Forbidden("只有捐赠方可以查看捐赠去向")
    name = actor.name.strip()
    rows = donor_gifts.list_donor_gifts(session, donor_name=name)
    given = [(g, f) for g, f in rows if g.donated_on <= today]
    committed = paid = 0
    for fund_id in sorted({f.id or 0 for _, f in given}):
        c, p = _attributed(session, fund_id=fund_id, donor=name, today=today)
        committed, paid = committed + c, paid + p
    listing = list_documents(
        session, actor=actor, output_dir=output_dir, subjects={f"donor:{name}"}
    )
    statements = sorted(
        (d for s in listing.sections for g in s.groups for d in g.documents),
        key=lambda d: (d.as_of, d.id),
        reverse=True,
    )
    return DonorPage(
        donor=name,
        donor_type=_donor_type(given[0][0].donor_type) if given else "",
        as_of=today,
        cash_fen=sum(g.amount_fen for g, _ in given if g.kind == GiftKind.CASH),
        committed_fen=committed,
        paid_fen=paid,
        in_kind=sum(1 for g, _ in given if g.kind != GiftKind.CASH),
        gifts=tuple(_line(g, f.name) for g, f in given),
        statements=tuple(statements),
    )


def _donor_type(value: str) -> str:
    try:
        return DONOR_TYPE_LABELS[DonorType(value)]
    except ValueError:
        return ""


def _line(gift: Donation, fund_name: str) -> GiftLine:
    cash = gift.kind == GiftKind.CASH
    return GiftLine(
        donated_on=gift.donated_on,
        fund=fund_name,
        kind="现金" if cash else _in_kind(gift.category),
        amount_fen=gift.amount_fen if cash else gift.valuation_fen or 0,
        description="" if cash else gift.description,
    )


def _attributed(session: Session, *, fund_id: int, donor: str, today: date) -> tuple[int, int]:
    gifts = [
        g
        for g in fund_store.list_donations(session, fund_id=fund_id)
        if g.donated_on <= today and g.kind == GiftKind.CASH
    ]
    movements = [
        Movement(m.kind, m.amount_fen, m.domain_id, m.award_id)
        for m in store_figures.list_dated_movements(session, fund_id=fund_id, as_of=today)
    ]
    own = {g.id for g in gifts if g.donor_name == donor}
    shares = attribute_gifts(
        [Gift(g.id or 0, g.restricted_domain_id, g.amount_fen) for g in gifts], movements
    )
    mine = [s for s in shares if s.donation_id in own]
    return sum(s.committed_fen for s in mine), sum(s.paid_fen for s in mine)


def _in_kind(category: str) -> str:
    try:
        return IN_KIND_LABELS[InKindCategory(category)]
    except ValueError:
        return category or "实物"
