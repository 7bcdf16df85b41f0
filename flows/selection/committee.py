"""The committee's decision at 终审: given at any time, by every door through one service.

Closing 路演答辩 puts the proposed allocation before the committee
(`services.committee.propose_allocation`); nothing waits in a process. The
`committee_decision` flow — started by `gongyi selection decide`, by `selection
run` when a decision is given, by the demo, and by the portal's 终审 page (by
entrypoint, `web.flow_runs`) — records the decision through
`services.committee.record_committee_decision` (checked against the fund and the
caps before anything moves; outcomes recorded; the 公示 opened, dated `on`) and
renders the 公示 PDF. With `publish_only` it only renders the notice of a
decision already recorded (the portal records it in its own request first).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prefect import flow

from flows.runtime import get_now, session_scope
from flows.selection.selection_reports import write_notice_pdf
from models.status import Role
from services import Actor, Refused, committee
from store import selection

SYSTEM_ACTOR = Actor(login="select_projects", name="遴选流程", role=Role.SYSTEM)


@dataclass(frozen=True)
class CommitteeChoice:
    """What the committee decides on the ranked list (the demo reads it from committee.toml)."""

    accepted: bool = True
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    reasons: str = ""
    decided_by: str = "评审委员会"


@dataclass(frozen=True)
class DecisionOutcome:
    """What the decision did, and the 公示 it published."""

    decided: committee.Decided | None
    notice_pdf: str


def read_committee_choice(path: Path) -> CommitteeChoice:
    """Read a committee decision written as TOML (accepted, include, exclude, reasons, decided_by)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return CommitteeChoice(
            accepted=bool(data.get("accepted", True)),
            include=tuple(int(i) for i in data.get("include", [])),
            exclude=tuple(int(i) for i in data.get("exclude", [])),
            reasons=str(data.get("reasons", "")),
            decided_by=str(data.get("decided_by", "评审委员会")),
        )
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, TypeError, ValueError) as exc:
        raise Refused(f"终审决定文件 {path.name} 读不出来：{exc}") from None


def decide(call_id: int, choice: CommitteeChoice, *, on: date, actor: Actor) -> committee.Decided:
    """Record the committee's decision (business date `on`) through the service."""
    with session_scope() as session:
        return committee.record_committee_decision(
            session,
            actor=actor,
            now=get_now(),
            on=on,
            call_id=call_id,
            include=list(choice.include),
            exclude=list(choice.exclude),
            reasons=choice.reasons,
            decided_by=choice.decided_by,
        )


def has_notice(call_id: int) -> bool:
    """Whether the call's 公示 is open (a decision is on record)."""
    with session_scope() as session:
        return selection.get_notice(session, call_id=call_id) is not None


@flow(name="committee_decision", log_prints=True)
def committee_decision(
    call_id: int,
    accepted: bool = True,
    include: list[int] | None = None,
    exclude: list[int] | None = None,
    reasons: str = "",
    decided_by: str = "评审委员会",
    on: date | None = None,
    publish_only: bool = False,
) -> str:
    """Record the committee's decision on the proposed allocation and publish the 公示; return the PDF.

    A decision the fund or the caps cannot carry, or a call with no proposed
    allocation, is refused (`services.Refused`) before anything is stored.
    """
    decided = None
    if not publish_only:
        choice = CommitteeChoice(
            accepted=accepted,
            include=tuple(include or ()),
            exclude=tuple(exclude or ()),
            reasons=reasons,
            decided_by=decided_by,
        )
        actor = Actor(login="committee_decision", name=decided_by, role=Role.SYSTEM)
        decided = decide(call_id, choice, on=on or get_now().date(), actor=actor)
    if not has_notice(call_id):
        raise Refused(f"申报指南 #{call_id} 尚无终审决定，没有公示可发布")
    pdf = write_notice_pdf(call_id)
    if decided is not None:
        print(
            f"终审决定已记录：立项 {decided.approved} 个，候补 {decided.waitlisted} 个，"
            f"异议受理至 {decided.notice_ends_on}；{pdf}"
        )
    return pdf
