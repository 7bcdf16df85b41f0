"""Reading one proposal whole: its budget lines, monthly KPI targets and cited needs.

What an evaluator reads before scoring (`services.proposal_view`); the call-wide
lists in `store.proposals` serve the selection and the contracts.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from models.cycle import Community, Domain
from models.need import Need
from models.proposal import BudgetLine, KpiTarget


def list_proposal_budget(session: Session, *, proposal_id: int) -> list[BudgetLine]:
    """Return a proposal's budget lines in the order they were written."""
    return list(
        session.exec(
            select(BudgetLine)
            .where(BudgetLine.proposal_id == proposal_id)
            .order_by(col(BudgetLine.id))
        )
    )


def list_proposal_kpis(session: Session, *, proposal_id: int) -> list[KpiTarget]:
    """Return a proposal's KPI targets in month order."""
    return list(
        session.exec(
            select(KpiTarget)
            .where(KpiTarget.proposal_id == proposal_id)
            .order_by(col(KpiTarget.month), col(KpiTarget.id))
        )
    )


def list_cited_needs(session: Session, *, need_ids: Iterable[int]) -> list[tuple[Need, str, str]]:
    """Return the needs with these ids, each with its community's and domain's name, by id."""
    wanted = sorted(set(need_ids))
    if not wanted:
        return []
    rows = session.exec(
        select(Need, Community.name, Domain.name)
        .join(Community, col(Community.id) == Need.community_id)
        .join(Domain, col(Domain.id) == Need.domain_id, isouter=True)
        .where(col(Need.id).in_(wanted))
        .order_by(col(Need.id))
    )
    return [(need, community, domain or "") for need, community, domain in rows]


def get_place_names(session: Session, *, community_id: int, domain_id: int) -> tuple[str, str]:
    """Return a community's and a domain's names (empty when missing)."""
    community = session.get(Community, community_id)
    domain = session.get(Domain, domain_id)
    return (community.name if community else "", domain.name if domain else "")
