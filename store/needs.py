"""Queries for residents' needs: adding an import, grouping duplicates, setting domains."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlmodel import Session, col, select

from models.intake import DuplicateGroup, NeedRow
from models.need import Need
from models.status import NeedStatus


def add_needs(
    session: Session, *, cycle_id: int, rows: Iterable[NeedRow], community_ids: Mapping[str, int]
) -> tuple[int, int]:
    """Add needs not already imported; return (added, already there)."""
    known = set(session.exec(select(Need.fingerprint).where(Need.cycle_id == cycle_id)))
    added = skipped = 0
    for row in rows:
        if row.fingerprint in known:
            skipped += 1
            continue
        known.add(row.fingerprint)
        session.add(
            Need(
                cycle_id=cycle_id,
                community_id=community_ids[row.community],
                text=row.text,
                target_group=row.target_group,
                source=row.source,
                submitted_on=row.submitted_on,
                contact_name=row.contact_name,
                contact_phone=row.contact_phone,
                fingerprint=row.fingerprint,
            )
        )
        added += 1
    session.flush()
    return added, skipped


def list_needs(session: Session, *, cycle_id: int, leads_only: bool = False) -> list[Need]:
    """List a cycle's needs by id; `leads_only` leaves out merged duplicates."""
    query = select(Need).where(Need.cycle_id == cycle_id)
    if leads_only:
        query = query.where(col(Need.duplicate_of_id).is_(None))
    return list(session.exec(query.order_by(Need.id)))


def set_duplicate_groups(session: Session, *, groups: Iterable[DuplicateGroup]) -> None:
    """Record each group's weight on its lead and point members at it."""
    for group in groups:
        lead = session.get(Need, group.lead_id)
        if lead is None:
            continue
        lead.weight = group.weight
        lead.merge_reason = group.reason
        session.add(lead)
        for member_id in group.member_ids:
            member = session.get(Need, member_id)
            if member is None:
                continue
            member.duplicate_of_id = lead.id
            member.status = NeedStatus.MERGED
            member.merge_reason = group.reason
            session.add(member)
    session.flush()


def set_need_domain(
    session: Session, need: Need, *, domain_id: int | None, confidence: float, status: str
) -> None:
    """Store the classifier's domain and confidence on a need."""
    need.domain_id = domain_id
    need.confidence = confidence
    need.status = status
    session.add(need)
