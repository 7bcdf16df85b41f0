"""Flow runs the office starts by hand (截止申报, 月评估, 按条件拨付): the record that it did.

The run itself is orchestration and stays in `flows/` (the portal starts it through
`web.flow_runs`); this records who started which run, when, with what arguments,
so starting a run is on the audit trail whichever door started it.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models.status import Role
from services import Actor, Forbidden, audit
from store.database import unit_of_work

STARTERS = frozenset({Role.STAFF, Role.SYSTEM})
"""Who starts the office's flows: its staff, and its schedules."""


def note_flow_start(
    session: Session, *, actor: Actor, now: datetime, name: str, detail: str = ""
) -> None:
    """Record that `actor` started the flow `name` (with `detail`: its arguments)."""
    if actor.role not in STARTERS:
        raise Forbidden("只有街道工作人员可以启动流程")
    with unit_of_work(session):
        audit.record(
            session,
            actor=actor,
            now=now,
            action="flow_start",
            subject_type="flow",
            detail=detail or name,
        )
