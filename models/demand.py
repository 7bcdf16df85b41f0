"""Demand summary rules: how many residents asked for what, where, and what is still unanswered.

Every figure counts residents: a need merged into a group counts once for
its resident, in the group's domain, so a group of twelve weighs twelve. A
group's domain is its lead's; a group still waiting for staff review counts
under `UNSORTED`. A group is answered when a proposal cites any of its needs,
and funded when a funded proposal does.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

UNSORTED = ""
NO_TARGET_GROUP = "未填写"


class Coverage(StrEnum):
    """Whether any proposal answers a group of needs."""

    NONE = "none"
    PROPOSED = "proposed"
    FUNDED = "funded"


COVERAGE_LABELS = {
    Coverage.NONE: "尚无项目回应",
    Coverage.PROPOSED: "已有申报",
    Coverage.FUNDED: "已立项",
}


@dataclass(frozen=True)
class DemandNeed:
    """One stored need as the summary sees it; `lead_id` is its own id when it leads."""

    need_id: int
    lead_id: int
    community: str
    target_group: str
    domain_key: str
    text: str
    source: str = ""
    submitted_on: date | None = None


@dataclass(frozen=True)
class Citation:
    """The needs one proposal cites, and whether it was funded."""

    need_ids: tuple[int, ...]
    funded: bool


@dataclass(frozen=True)
class DemandCell:
    """Residents and distinct needs for one domain, community and target group."""

    domain_key: str
    community: str
    target_group: str
    residents: int
    groups: int


@dataclass(frozen=True)
class GroupDemand:
    """One group of needs: its lead, how many residents raised it, and who answers it."""

    lead_id: int
    community: str
    domain_key: str
    target_group: str
    text: str
    residents: int
    coverage: Coverage


def count_demand(needs: Iterable[DemandNeed]) -> list[DemandCell]:
    """Count residents and distinct needs by domain, community and target group."""
    needs = list(needs)
    domain_of = {n.need_id: n.domain_key for n in needs if n.need_id == n.lead_id}
    residents: Counter[tuple[str, str, str]] = Counter()
    groups: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for need in needs:
        key = (
            domain_of.get(need.lead_id, UNSORTED),
            need.community,
            need.target_group or NO_TARGET_GROUP,
        )
        residents[key] += 1
        groups[key].add(need.lead_id)
    return [DemandCell(*key, residents[key], len(groups[key])) for key in sorted(residents)]


def count_by_source(needs: Iterable[DemandNeed]) -> dict[str, int]:
    """Count residents by where their need came from (居民, 网格员, 问卷 …)."""
    return dict(Counter(need.source or NO_TARGET_GROUP for need in needs))


def total_by(cells: Iterable[DemandCell], field: str) -> dict[str, int]:
    """Add up residents by one field of the cells: domain_key, community or target_group."""
    totals: Counter[str] = Counter()
    for cell in cells:
        totals[getattr(cell, field)] += cell.residents
    return dict(totals)


def rank_groups(
    needs: Iterable[DemandNeed], *, citations: Iterable[Citation] = ()
) -> list[GroupDemand]:
    """List every group, most residents first, with whether a proposal answers it."""
    needs = list(needs)
    lead_of = {n.need_id: n.lead_id for n in needs}
    coverage = _coverage(lead_of, citations)
    weight = Counter(n.lead_id for n in needs)
    groups = [
        GroupDemand(
            lead_id=n.need_id,
            community=n.community,
            domain_key=n.domain_key,
            target_group=n.target_group,
            text=n.text,
            residents=weight[n.need_id],
            coverage=coverage.get(n.need_id, Coverage.NONE),
        )
        for n in needs
        if n.need_id == n.lead_id
    ]
    return sorted(groups, key=lambda g: (-g.residents, g.lead_id))


def top_unanswered(groups: Sequence[GroupDemand], *, limit: int) -> list[GroupDemand]:
    """Return the groups most residents raised that no proposal answers yet."""
    return [g for g in groups if g.coverage == Coverage.NONE][:limit]


def residents_by_coverage(groups: Iterable[GroupDemand]) -> dict[Coverage, int]:
    """Add up residents by whether their need is answered, proposed or funded."""
    totals = dict.fromkeys(Coverage, 0)
    for group in groups:
        totals[group.coverage] += group.residents
    return totals


def _coverage(lead_of: Mapping[int, int], citations: Iterable[Citation]) -> dict[int, Coverage]:
    found: dict[int, Coverage] = {}
    for citation in citations:
        level = Coverage.FUNDED if citation.funded else Coverage.PROPOSED
        for need_id in citation.need_ids:
            lead = lead_of.get(need_id)
            if lead is not None and found.get(lead) != Coverage.FUNDED:
                found[lead] = level
    return found
