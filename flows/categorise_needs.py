"""Flow `categorise_needs`: sort the cycle's new needs into its domains.

The classifier suggests; a suggestion it is unsure of goes to the review
queue (status in_review) for staff to confirm. Needs already classified or
confirmed are left alone, so a second run changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from prefect import flow

from flows.runtime import io_task, session_scope
from models.categorisation import DomainSeed, suggest_domain
from models.status import NEED_TRANSITIONS, NeedStatus, Role, apply_transition
from store import cycles, needs


@dataclass(frozen=True)
class CategorisationSummary:
    """How many needs went to each domain, and how many wait for staff."""

    classified: int
    in_review: int
    by_domain: dict[str, int]


@io_task
def classify_new_needs(cycle_id: int) -> CategorisationSummary:
    """Suggest a domain for every new lead need and store it."""
    with session_scope() as session:
        domains = cycles.list_domains(session, cycle_id=cycle_id)
        seeds = [DomainSeed(d.key, d.name, d.theme, tuple(d.keywords)) for d in domains]
        ids = {d.key: d.id for d in domains}
        classified = in_review = 0
        for need in needs.list_needs(session, cycle_id=cycle_id, leads_only=True):
            if need.status != NeedStatus.NEW:
                continue
            suggestion = suggest_domain(need.text + " " + need.target_group, seeds)
            target = NeedStatus.IN_REVIEW if suggestion.needs_review() else NeedStatus.CLASSIFIED
            status = apply_transition(NEED_TRANSITIONS, NeedStatus.NEW, target, role=Role.SYSTEM)
            domain_id = ids.get(suggestion.domain_key) if suggestion.domain_key else None
            needs.set_need_domain(
                session, need, domain_id=domain_id, confidence=suggestion.confidence, status=status
            )
            classified += target == NeedStatus.CLASSIFIED
            in_review += target == NeedStatus.IN_REVIEW
        names = {d.id: d.name for d in domains}
        counts = Counter(
            names[n.domain_id]
            for n in needs.list_needs(session, cycle_id=cycle_id, leads_only=True)
            if n.domain_id is not None
        )
        return CategorisationSummary(classified, in_review, dict(counts))


@flow(name="categorise_needs", log_prints=True)
def categorise_needs(cycle_id: int) -> CategorisationSummary:
    """Suggest domains for new needs; send unsure ones to staff review."""
    summary = classify_new_needs(cycle_id)
    spread = "，".join(f"{name} {count}" for name, count in summary.by_domain.items())
    print(f"本次归类 {summary.classified} 条，待人工确认 {summary.in_review} 条；各领域：{spread}")
    return summary
