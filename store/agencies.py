"""Queries for the agency registry and agencies' track records from past cycles.

An agency is known by its unified social credit code: importing the registry
again updates the record of each code instead of adding a second agency.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.agency import Agency, AgencyTrackRecord

_RECORD_FIELDS = (
    "name",
    "org_type",
    "registered_on",
    "annual_inspection",
    "inspection_year",
    "on_abnormal_list",
    "on_serious_violation_list",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def add_agency(session: Session, agency: Agency) -> tuple[Agency, bool]:
    """Add an agency, or update the record of the one with the same credit code."""
    found = session.exec(select(Agency).where(Agency.credit_code == agency.credit_code)).first()
    if found is None:
        session.add(agency)
        session.flush()
        return agency, True
    for field in _RECORD_FIELDS:
        setattr(found, field, getattr(agency, field))
    session.add(found)
    session.flush()
    return found, False


def get_agency(session: Session, agency_id: int) -> Agency:
    """Return an agency by id, or raise LookupError."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise LookupError(f"找不到社会组织 #{agency_id}")
    return agency


def get_agency_by_name(session: Session, name: str) -> Agency:
    """Return the agency with that registered name, or raise LookupError."""
    agency = session.exec(select(Agency).where(Agency.name == name)).first()
    if agency is None:
        raise LookupError(f"未登记的社会组织：{name}")
    return agency


def list_agencies(session: Session) -> list[Agency]:
    """List every agency by id."""
    return list(session.exec(select(Agency).order_by(col(Agency.id))))


def list_agencies_by_id(session: Session, *, agency_ids: list[int]) -> list[Agency]:
    """List these agencies by id (ids without an agency are left out)."""
    if not agency_ids:
        return []
    return list(
        session.exec(select(Agency).where(col(Agency.id).in_(agency_ids)).order_by(col(Agency.id)))
    )


def set_track_record(session: Session, record: AgencyTrackRecord) -> AgencyTrackRecord:
    """Store an agency's result for one year, replacing an earlier entry for that year."""
    found = session.exec(
        select(AgencyTrackRecord).where(
            AgencyTrackRecord.agency_id == record.agency_id,
            AgencyTrackRecord.year == record.year,
        )
    ).first()
    if found is None:
        session.add(record)
        session.flush()
        return record
    found.grade, found.yellow_cards, found.note = record.grade, record.yellow_cards, record.note
    found.breaches = record.breaches
    session.add(found)
    session.flush()
    return found


def list_track_records(session: Session) -> list[AgencyTrackRecord]:
    """List every agency's past results, by agency and year."""
    return list(
        session.exec(
            select(AgencyTrackRecord).order_by(
                col(AgencyTrackRecord.agency_id), col(AgencyTrackRecord.year)
            )
        )
    )
