"""The days off of a cycle's projects: the call's public holidays and each project's excused days.

No daily report is due on a day off (`models.compliance.due_days(..., off=...)`).
Every count of due, late and missing reports takes its days off from here, so
the evening check, the weekly agenda, the monthly and final measures and the
portal count the same days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session

from models.call_rules import read_call_rules
from store import calls, excused_days


def list_holidays(session: Session, *, cycle_id: int) -> frozenset[date]:
    """Return the public holidays the cycle's newest call lists (none before there is a call)."""
    try:
        call = calls.get_latest_call(session, cycle_id=cycle_id)
    except LookupError:
        return frozenset()
    return frozenset(read_call_rules(call.rules).holidays)


def list_days_off(
    session: Session,
    *,
    cycle_id: int,
    project_ids: Iterable[int],
    first: date | None = None,
    last: date | None = None,
) -> dict[int, frozenset[date]]:
    """Return each project's days off: the cycle's holidays and its excused days in [first, last]."""
    ids = list(project_ids)
    holidays = list_holidays(session, cycle_id=cycle_id)
    excused = excused_days.list_excused_days(session, project_ids=ids, first=first, last=last)
    return {pid: holidays | excused.get(pid, set()) for pid in ids}
