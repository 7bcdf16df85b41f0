"""Staff confirming or changing a need's domain: the one function the CLI and the portal call."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models.classifier import classifier_input
from models.status import NEED_TRANSITIONS, NeedStatus, Role, apply_transition
from store import cycles, needs, training


def set_need_confirmed(session: Session, need_id: int, key: str, actor: str, now: datetime) -> str:
    """Confirm a need's suggested domain or change it to `key`; keep it as a correction."""
    need = needs.get_need(session, need_id)
    if need.duplicate_of_id is not None:
        raise ValueError(
            f"#{need_id} 已并入 #{need.duplicate_of_id}，请确认 #{need.duplicate_of_id}"
        )
    domains = {d.key: d for d in cycles.list_domains(session, cycle_id=need.cycle_id)}
    keys = {d.id: k for k, d in domains.items()}
    suggested = keys.get(need.domain_id, "") if need.domain_id else ""
    chosen = key or suggested
    if chosen not in domains:
        raise ValueError(
            f"#{need_id}：请用 --domain 指定服务领域（{'、'.join(domains)}），收到 {chosen!r}"
        )
    if need.status != NeedStatus.CONFIRMED:
        apply_transition(
            NEED_TRANSITIONS, NeedStatus(need.status), NeedStatus.CONFIRMED, role=Role.STAFF
        )
    training.add_correction(
        session,
        need=need,
        text=classifier_input(need.text, need.target_group),
        domain_key=chosen,
        suggested_key=suggested,
        actor=actor,
        at=now,
    )
    needs.set_need_domain(
        session,
        need,
        domain_id=domains[chosen].id,
        confidence=need.confidence,
        status=NeedStatus.CONFIRMED,
    )
    change = "确认" if chosen == suggested else f"由 {suggested or '—'} 改为"
    return f"#{need_id} {change} {domains[chosen].name}（{chosen}）"
