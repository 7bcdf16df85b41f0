"""Queries for residents' needs: bulk import, duplicate groups, domains, review and splits.

Imports and the classifier touch every need of a cycle, so they run as bulk
statements (one executemany per batch), never as one ORM flush per row. All
of it happens inside the caller's session, so a failure writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, insert, update
from sqlmodel import Session, col, select

from models.call import Call
from models.cycle import Community, Domain
from models.demand import Citation, DemandNeed
from models.duplicates import Merge, NeedRef
from models.intake import NeedRow
from models.need import Need, NeedSplit
from models.proposal import Proposal
from models.status import NeedStatus, ProposalStatus

BATCH = 5_000
SORTED_STATUSES = (NeedStatus.CLASSIFIED, NeedStatus.CONFIRMED)
FUNDED_STATUSES = (ProposalStatus.APPROVED, ProposalStatus.PUBLICISED, ProposalStatus.CONTRACTED)
_NEED = Need.__table__  # type: ignore[attr-defined]


def add_needs(
    session: Session, *, cycle_id: int, rows: Iterable[NeedRow], community_ids: Mapping[str, int]
) -> tuple[int, int]:
    """Add needs not already imported; return (added, already there)."""
    known = set(session.exec(select(Need.fingerprint).where(Need.cycle_id == cycle_id)))
    fresh, skipped = [], 0
    for row in rows:
        if row.fingerprint in known:
            skipped += 1
            continue
        known.add(row.fingerprint)
        fresh.append(_need_values(cycle_id, row, community_ids[row.community]))
    connection = session.connection()
    for start in range(0, len(fresh), BATCH):
        connection.execute(insert(_NEED), fresh[start : start + BATCH])
    return len(fresh), skipped


def _need_values(cycle_id: int, row: NeedRow, community_id: int) -> dict[str, object]:
    return {
        "cycle_id": cycle_id,
        "community_id": community_id,
        "text": row.text,
        "target_group": row.target_group,
        "source": row.source,
        "submitted_on": row.submitted_on,
        "contact_name": row.contact_name,
        "contact_phone": row.contact_phone,
        "fingerprint": row.fingerprint,
        "status": NeedStatus.NEW,
        "weight": 1,
        "merge_reason": "",
    }


def get_need(session: Session, need_id: int) -> Need:
    """Return a need by id, or raise LookupError."""
    need = session.get(Need, need_id)
    if need is None:
        raise LookupError(f"找不到居民需求 #{need_id}")
    return need


def get_need_by_fingerprint(session: Session, *, cycle_id: int, fingerprint: str) -> Need:
    """Return the cycle's need stored from this submission (see `NeedRow.fingerprint`)."""
    need = session.exec(
        select(Need).where(Need.cycle_id == cycle_id, Need.fingerprint == fingerprint)
    ).first()
    if need is None:
        raise LookupError("找不到这条居民需求")
    return need


def list_needs(session: Session, *, cycle_id: int, leads_only: bool = False) -> list[Need]:
    """List a cycle's needs by id; `leads_only` leaves out merged duplicates."""
    query = select(Need).where(Need.cycle_id == cycle_id)
    if leads_only:
        query = query.where(col(Need.duplicate_of_id).is_(None))
    return list(session.exec(query.order_by(Need.id)))


def list_need_refs(session: Session, *, cycle_id: int) -> list[NeedRef]:
    """List the needs not in a group yet; those already sorted lead their own group."""
    query = select(Need.id, Need.community_id, Need.text, Need.submitted_on, Need.status).where(
        Need.cycle_id == cycle_id, col(Need.duplicate_of_id).is_(None)
    )
    return [
        NeedRef(need_id, community_id, text, day, settled=status != NeedStatus.NEW)
        for need_id, community_id, text, day, status in session.exec(query)
    ]


def set_merges(session: Session, *, merges: Sequence[Merge]) -> None:
    """Point each merged need at its group's lead, with the reason, and mark it merged."""
    statement = (
        update(_NEED)
        .where(_NEED.c.id == bindparam("need_id"))
        .values(
            duplicate_of_id=bindparam("lead_id"),
            status=NeedStatus.MERGED,
            merge_reason=bindparam("reason"),
        )
    )
    values = [{"need_id": m.need_id, "lead_id": m.lead_id, "reason": m.reason} for m in merges]
    connection = session.connection()
    for start in range(0, len(values), BATCH):
        connection.execute(statement, values[start : start + BATCH])


def set_group_weights(session: Session, *, cycle_id: int) -> None:
    """Set each lead's weight to one plus the needs merged into it."""
    members = dict(
        session.exec(
            select(Need.duplicate_of_id, func.count())
            .where(Need.cycle_id == cycle_id, col(Need.duplicate_of_id).is_not(None))
            .group_by(Need.duplicate_of_id)
        ).all()
    )
    leads = session.exec(
        select(Need.id, Need.weight).where(
            Need.cycle_id == cycle_id, col(Need.duplicate_of_id).is_(None)
        )
    )
    changed = [
        {"need_id": need_id, "weight": 1 + members.get(need_id, 0)}
        for need_id, weight in leads
        if weight != 1 + members.get(need_id, 0)
    ]
    if changed:
        statement = (
            update(_NEED)
            .where(_NEED.c.id == bindparam("need_id"))
            .values(weight=bindparam("weight"))
        )
        session.connection().execute(statement, changed)


def list_unconfirmed_leads(session: Session, *, cycle_id: int) -> list[tuple[int, str, str, str]]:
    """List (id, text, target group, status) of the leads staff have not confirmed."""
    query = select(Need.id, Need.text, Need.target_group, Need.status).where(
        Need.cycle_id == cycle_id,
        col(Need.duplicate_of_id).is_(None),
        col(Need.status).in_([NeedStatus.NEW, NeedStatus.CLASSIFIED, NeedStatus.IN_REVIEW]),
    )
    return [tuple(row) for row in session.exec(query.order_by(Need.id))]  # type: ignore[misc]


def set_need_domains(session: Session, *, updates: Sequence[Mapping[str, object]]) -> None:
    """Store domain, confidence and status for many needs: dicts of need_id, domain_id, confidence, status."""
    if not updates:
        return
    statement = (
        update(_NEED)
        .where(_NEED.c.id == bindparam("need_id"))
        .values(
            domain_id=bindparam("domain_id"),
            confidence=bindparam("confidence"),
            status=bindparam("status"),
        )
    )
    connection = session.connection()
    for start in range(0, len(updates), BATCH):
        connection.execute(statement, list(updates[start : start + BATCH]))


def set_need_domain(
    session: Session, need: Need, *, domain_id: int | None, confidence: float | None, status: str
) -> None:
    """Store one need's domain, confidence and status."""
    need.domain_id = domain_id
    need.confidence = confidence
    need.status = status
    session.add(need)
    session.flush()


def list_review_queue(session: Session, *, cycle_id: int) -> list[Need]:
    """List the leads waiting for staff to confirm their domain, most residents first."""
    query = select(Need).where(Need.cycle_id == cycle_id, Need.status == NeedStatus.IN_REVIEW)
    return list(session.exec(query.order_by(col(Need.weight).desc(), Need.id)))


def list_members(session: Session, *, lead_id: int) -> list[Need]:
    """List the needs merged into a lead, by id."""
    return list(session.exec(select(Need).where(Need.duplicate_of_id == lead_id).order_by(Need.id)))


def list_groups(session: Session, *, cycle_id: int) -> list[tuple[Need, list[Need]]]:
    """List every lead with merged needs, and its members, largest group first."""
    members: dict[int, list[Need]] = {}
    query = select(Need).where(Need.cycle_id == cycle_id, col(Need.duplicate_of_id).is_not(None))
    for need in session.exec(query.order_by(Need.id)):
        members.setdefault(need.duplicate_of_id, []).append(need)  # type: ignore[arg-type]
    leads = [get_need(session, lead_id) for lead_id in members]
    return sorted(((lead, members[lead.id]) for lead in leads), key=lambda g: (-len(g[1]), g[0].id))  # type: ignore[index]


def set_split(session: Session, *, need: Need, actor: str, at: datetime) -> None:
    """Take a merged need out of its group and keep it apart from the group's lead."""
    lead_id = need.duplicate_of_id
    assert lead_id is not None
    known = session.exec(
        select(NeedSplit).where(NeedSplit.need_id == need.id, NeedSplit.apart_from_id == lead_id)
    ).first()
    if known is None:
        session.add(
            NeedSplit(
                cycle_id=need.cycle_id,
                need_id=need.id,
                apart_from_id=lead_id,
                actor=actor,
                made_at=at,  # type: ignore[arg-type]
            )
        )
    need.duplicate_of_id = None
    need.status = NeedStatus.NEW
    need.merge_reason = f"由 {actor} 从 #{lead_id} 拆出"
    need.domain_id = None
    need.confidence = None
    session.add(need)
    session.flush()


def list_kept_apart(session: Session, *, cycle_id: int) -> list[tuple[int, int]]:
    """List the pairs of needs staff split apart in a cycle."""
    query = select(NeedSplit.need_id, NeedSplit.apart_from_id).where(NeedSplit.cycle_id == cycle_id)
    return [(a, b) for a, b in session.exec(query)]


def list_demand_needs(session: Session, *, cycle_id: int) -> list[DemandNeed]:
    """List every need of a cycle as the demand summary counts it (no contact data)."""
    query = (
        select(
            Need.id,
            Need.duplicate_of_id,
            Community.name,
            Need.target_group,
            Domain.key,
            Need.text,
            Need.source,
            Need.submitted_on,
            Need.status,
        )
        .join(Community, col(Community.id) == Need.community_id)
        .outerjoin(Domain, col(Domain.id) == Need.domain_id)
        .where(Need.cycle_id == cycle_id)
        .order_by(Need.id)
    )
    return [
        DemandNeed(
            need_id,
            lead_id or need_id,
            community,
            target or "",
            # A suggestion staff have not confirmed, and the classifier is unsure of, is no domain yet.
            key if key and status in SORTED_STATUSES else "",
            text,
            source,
            day,
        )
        for need_id, lead_id, community, target, key, text, source, day, status in session.exec(
            query
        )
    ]


def list_citations(session: Session, *, cycle_id: int) -> list[Citation]:
    """List the need ids each proposal of the cycle cites, and whether it was funded."""
    query = (
        select(Proposal.cited_need_ids, Proposal.status)
        .join(Call, col(Call.id) == Proposal.call_id)
        .where(Call.cycle_id == cycle_id)
    )
    return [
        Citation(tuple(int(i) for i in cited or ()), status in FUNDED_STATUSES)
        for cited, status in session.exec(query)
        if cited
    ]
