"""Queries for calls for proposals (申报指南).

A call is one version of a cycle's rules. The agency queries moved to
`store.agencies`; `list_agencies` is still importable from here because the
monitoring and report flows read it through this module.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.call import Call
from store.agencies import list_agencies

__all__ = ["add_call", "get_call", "get_latest_call", "list_agencies", "list_calls", "set_call"]


def add_call(session: Session, call: Call) -> tuple[Call, bool]:
    """Add a call version unless the cycle has it; say whether it was new."""
    found = session.exec(
        select(Call).where(Call.cycle_id == call.cycle_id, Call.version == call.version)
    ).first()
    if found:
        return found, False
    session.add(call)
    session.flush()
    return call, True


def set_call(session: Session, call: Call) -> None:
    """Store a call whose status or dates a rule changed."""
    session.add(call)
    session.flush()


def get_call(session: Session, call_id: int) -> Call:
    """Return a call by id, or raise LookupError."""
    call = session.get(Call, call_id)
    if call is None:
        raise LookupError(f"找不到申报指南 #{call_id}")
    return call


def get_latest_call(session: Session, *, cycle_id: int) -> Call:
    """Return the newest call version of a cycle, or raise LookupError."""
    call = session.exec(
        select(Call).where(Call.cycle_id == cycle_id).order_by(col(Call.version).desc())
    ).first()
    if call is None:
        raise LookupError(f"创投周期 #{cycle_id} 还没有申报指南")
    return call


def list_calls(session: Session, *, cycle_id: int) -> list[Call]:
    """List a cycle's call versions, oldest first."""
    return list(
        session.exec(select(Call).where(Call.cycle_id == cycle_id).order_by(col(Call.version)))
    )
