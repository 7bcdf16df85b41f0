"""Flow runs the office starts by hand: the record that it did, and how each run ended.

The run itself is orchestration and stays in `flows/` (the portal starts it through
`web.flow_runs`, and Prefect keeps its state); this records who started which run,
when, with what arguments, and the one-line result when it ended, so the 运行流程
page can show the history after a page reload or a restart of the portal, whichever
door started the run. A run is named (`run_name`) as Prefect names it, which joins
the two records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from models.status import Role
from services import SYSTEM, Actor, Forbidden, audit
from store import dashboard
from store.database import unit_of_work

STARTERS = frozenset({Role.STAFF, Role.ADMIN, Role.SYSTEM})
"""Who starts the office's flows: its staff and admin, and its schedules."""
_NAMED = re.compile(r"^\[(?P<run>[^\]]+)\] ?(?P<rest>.*)$", re.DOTALL)


@dataclass(frozen=True)
class FlowRecord:
    """One started run as the database knows it: who started it, when, and how it ended."""

    run_name: str
    started_by: str
    started_at: datetime
    detail: str
    state: str = ""
    result: str = ""


def note_flow_start(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str,
    detail: str = "",
    run_name: str = "",
    on: date | None = None,
) -> None:
    """Record that `actor` started the flow `name` (with `detail`: its arguments) as `run_name`.

    `on` is the business date the run acts on (its date parameter), kept beside the entry time.
    """
    if actor.role not in STARTERS:
        raise Forbidden("只有街道工作人员可以启动流程")
    with unit_of_work(session):
        audit.record(
            session,
            actor=actor,
            now=now,
            action="flow_start",
            subject_type="flow",
            detail=(f"[{run_name}] " if run_name else "") + (detail or name),
            on=on,
        )


def note_flow_end(
    session: Session, *, now: datetime, run_name: str, state: str, result: str
) -> None:
    """Record how the run `run_name` ended: its state (已完成/失败) and its one-line result."""
    with unit_of_work(session):
        audit.record(
            session,
            actor=SYSTEM,
            now=now,
            action="flow_end",
            subject_type="flow",
            detail=f"[{run_name}] {state}：{result}"[:1000],
        )


def list_flow_records(session: Session, *, actor: Actor, limit: int = 30) -> list[FlowRecord]:
    """The latest runs started by name, newest first, each with its end if it ended."""
    if actor.role not in STARTERS:
        raise Forbidden("只有街道工作人员可以查看流程记录")
    ends: dict[str, tuple[str, str]] = {}
    for event in dashboard.list_audit_events(session, action="flow_end", limit=limit * 3):
        found = _NAMED.match(event.detail)
        if found and found["run"] not in ends:
            state, _, result = found["rest"].partition("：")
            ends[found["run"]] = (state, result)
    records = []
    for event in dashboard.list_audit_events(session, action="flow_start", limit=limit):
        found = _NAMED.match(event.detail)
        run = found["run"] if found else ""
        state, result = ends.get(run, ("", ""))
        records.append(
            FlowRecord(
                run_name=run,
                started_by=event.actor,
                started_at=event.at,
                detail=found["rest"] if found else event.detail,
                state=state,
                result=result,
            )
        )
    return records
