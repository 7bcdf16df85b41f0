"""Queries for calls for proposals and agencies."""

from __future__ import annotations

from sqlmodel import Session, select

from models.agency import Agency
from models.call import Call


def add_call(session: Session, call: Call) -> Call:
    """Add a call version, or return the stored one with the same cycle and version."""
    found = session.exec(
        select(Call).where(Call.cycle_id == call.cycle_id, Call.version == call.version)
    ).first()
    if found:
        return found
    session.add(call)
    session.flush()
    return call


def get_call(session: Session, call_id: int) -> Call:
    """Return a call by id, or raise LookupError."""
    call = session.get(Call, call_id)
    if call is None:
        raise LookupError(f"找不到申报指南 #{call_id}")
    return call


def get_latest_call(session: Session, *, cycle_id: int) -> Call:
    """Return the newest call version of a cycle, or raise LookupError."""
    call = session.exec(
        select(Call).where(Call.cycle_id == cycle_id).order_by(Call.version.desc())  # type: ignore[attr-defined]
    ).first()
    if call is None:
        raise LookupError(f"创投周期 #{cycle_id} 还没有申报指南")
    return call


def add_agency(session: Session, agency: Agency) -> Agency:
    """Add an agency, or update the record of the one with the same credit code."""
    found = session.exec(select(Agency).where(Agency.credit_code == agency.credit_code)).first()
    if found is None:
        session.add(agency)
        session.flush()
        return agency
    for field in (
        "name",
        "org_type",
        "registered_on",
        "annual_inspection",
        "on_abnormal_list",
        "contact_name",
        "contact_phone",
    ):
        setattr(found, field, getattr(agency, field))
    session.add(found)
    session.flush()
    return found


def list_agencies(session: Session) -> list[Agency]:
    """List every agency by id."""
    return list(session.exec(select(Agency).order_by(Agency.id)))
