"""Panels (评审专家组): seating conflict-free reviewers on every proposal waiting in a stage.

The office seats the 初审 panels before any score is given, and the 路演答辩 panels
once 初审 is closed (`gongyi selection seat`, and the portal later). Seating again
keeps the seats already taken and seats only what is missing, so the step can be
taken again at any time; a proposal that cannot be staffed is named with how many
conflict-free reviewers it has, and nothing is seated.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session

from models.panel import PanelError, Seatable, assign_panels
from models.selection_rules import read_selection_rules
from models.status import STAGE_LABELS, Role, Stage
from services import Actor, Forbidden, Refused, audit
from services.reviews import WAITING_IN_STAGE, is_waiting
from services.selection import dated
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
) -> dict[str, list[str]]:
    """Seat k conflict-free reviewers on every proposal waiting in the stage; return panels by title."""
    if actor.role not in SEATING_ROLES:
        raise Forbidden("评审专家组由街道工作人员安排")
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
        pool = {users.add_user(session, name=n, role=Role.EVALUATOR).id: n for n in reviewer_names}
        try:
            panels = assign_panels(
                [Seatable(p.id, p.agency_id, p.title) for p in waiting],  # type: ignore[arg-type]
                reviewers=pool,  # type: ignore[arg-type]
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
            detail=dated(on)
            + f"{label}：{len(panels)} 份申报书，每份 {rules.reviewers_per_proposal} 位评审专家",
        )
    titles = {p.id: p.title for p in waiting}
    return {titles[pid]: [pool[r] for r in seated] for pid, seated in panels.items()}
