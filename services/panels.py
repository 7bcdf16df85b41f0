"""Panels (评审专家组): seating conflict-free reviewers on every proposal waiting in a stage.

The office seats the 初审 panels before any score is given, and the 路演答辩 panels
once 初审 is closed (`gongyi selection seat`, and the portal later). The reviewer pool and its
declared conflicts are read by `services.reviewer_pool` and stored here, in the
seating's own unit of work. Seating again
keeps the seats already taken and seats only what is missing, so the step can be
taken again at any time; a proposal that cannot be staffed is named with how many
conflict-free reviewers it has, and nothing is seated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from models.panel import AssignmentStatus, PanelError, Seatable, assign_panels
from models.selection_rules import read_selection_rules
from models.status import STAGE_LABELS, Role, Stage
from services import Actor, Forbidden, Refused, audit
from services.business_day import business_day
from services.reviewer_pool import DeclaredConflict, ReviewerPool, register_reviewer_pool
from services.reviews import WAITING_IN_STAGE, is_waiting
from services.selection import dated, waiting_in
from store import calls, proposals, selection, users
from store.database import unit_of_work

SEATING_ROLES = frozenset({Role.STAFF, Role.ADMIN, Role.SYSTEM})

STAGE_NAMES = {
    "初审": Stage.PRELIMINARY,
    "preliminary": Stage.PRELIMINARY,
    "路演": Stage.DEFENCE,
    "路演答辩": Stage.DEFENCE,
    "defence": Stage.DEFENCE,
}


def read_stage(text: str) -> Stage:
    """Read a scored stage's name (初审, 路演 or 路演答辩; preliminary, defence)."""
    try:
        return STAGE_NAMES[text.strip()]
    except KeyError:
        raise Refused(f"评审环节应为 初审 或 路演，收到 {text!r}") from None


def seat_stage(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    call_id: int,
    on: date | None = None,
    stage: str,
    reviewer_names: Sequence[str],
    conflicts: Sequence[DeclaredConflict] = (),
) -> dict[str, list[str]]:
    """Seat k conflict-free reviewers on every proposal waiting in the stage; return panels by title.

    The pool's reviewers and `conflicts` (declared with it) are stored first, in the same
    transaction: a seating refused stores neither.
    """
    if actor.role not in SEATING_ROLES:
        raise Forbidden("评审专家组由街道工作人员安排")
    if on is not None:
        business_day(on, now=now, what="安排日期")
    label = STAGE_LABELS[Stage(stage)]
    rules = read_selection_rules(calls.get_call(session, call_id).rules)
    waiting = [
        p
        for p in proposals.list_proposals(
            session, call_id=call_id, status=WAITING_IN_STAGE[Stage(stage)]
        )
        if is_waiting(p, stage)
    ]
    if not waiting:
        before = (
            "请先完成资格审查（gongyi call close）"
            if stage == Stage.PRELIMINARY
            else (f"请先结束初审：gongyi selection close-stage --call {call_id} --stage 初审")
        )
        raise Refused(f"没有等待{label}的申报书：{before}")
    if not reviewer_names:
        raise Refused("评审专家库是空的：请在评审专家表的「评审专家」列填写姓名")
    with unit_of_work(session):
        ids = register_reviewer_pool(
            session, ReviewerPool(tuple(dict.fromkeys(reviewer_names)), tuple(conflicts))
        )
        pool = {reviewer_id: name for name, reviewer_id in ids.items()}
        try:
            panels = assign_panels(
                [Seatable(p.id, p.agency_id, p.title) for p in waiting],  # type: ignore[arg-type]
                reviewers=pool,
                k=rules.reviewers_per_proposal,
                conflicts=selection.list_conflicts(session),
                abstentions=selection.list_abstentions(session, call_id=call_id, stage=stage),
            )
        except PanelError as error:
            raise Refused(f"{label}专家组无法安排：{error}") from None
        for proposal_id, reviewer_ids in panels.items():
            selection.set_panel(
                session, proposal_id=proposal_id, stage=stage, reviewer_ids=reviewer_ids, at=now
            )
        audit.record(
            session,
            actor=actor,
            now=now,
            action="seat_panels",
            subject_type="call",
            subject_id=call_id,
            on=on,
            detail=dated(on)
            + f"{label}：{len(panels)} 份申报书，每份 {rules.reviewers_per_proposal} 位评审专家",
        )
    titles = {p.id: p.title for p in waiting}
    return {titles[pid]: [pool[r] for r in seated] for pid, seated in panels.items()}


@dataclass(frozen=True)
class PanelLine:
    """A proposal waiting in a stage: its panel and how many of its seats are scored."""

    proposal_id: int
    title: str
    reviewers: list[str]
    scored: int


def list_stage_panels(session: Session, *, call_id: int, stage: str) -> list[PanelLine]:
    """Each proposal waiting in the stage, with its seated reviewers and scored seats."""
    names = {u.id: u.name for u in users.list_users(session)}
    seats = [
        a
        for a in selection.list_assignments(session, call_id=call_id, stage=stage)
        if a.status != AssignmentStatus.ABSTAINED
    ]
    return [
        PanelLine(
            proposal_id=p.id or 0,
            title=p.title,
            reviewers=[names.get(a.reviewer_id, "") for a in seats if a.proposal_id == p.id],
            scored=sum(
                1 for a in seats if a.proposal_id == p.id and a.status == AssignmentStatus.SCORED
            ),
        )
        for p in sorted(waiting_in(session, call_id=call_id, stage=stage), key=lambda p: p.id or 0)
    ]
