"""Contract terms of an award (资助协议): the tranche plan in exact fen, from the call's rules.

The call's 资助方式 gives the tranche percentages and their release
conditions; under 配套资助 the agency's own money is due in the same steps,
so each tranche carries the matching part that must be in place with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.call_rules import CallRules, TrancheShare
from models.proposal_rules import required_matching_fen


@dataclass(frozen=True)
class PlannedTranche:
    """One payment in the plan."""

    seq: int
    amount_fen: int
    condition: str


@dataclass(frozen=True)
class ContractTerms:
    """What the contract of one award binds both sides to."""

    award_fen: int
    funding_mode: str
    matching_percent: int
    matching_fen: int
    tranches: tuple[PlannedTranche, ...]
    matching_tranches: tuple[PlannedTranche, ...]
    personnel_share_max: int
    admin_share_max: int
    reporting: tuple[tuple[str, str], ...]


def plan_tranches(amount_fen: int, shares: Sequence[TrancheShare]) -> list[PlannedTranche]:
    """Split an award by the call's percentages; the last tranche takes the remainder."""
    planned = []
    left = amount_fen
    for seq, share in enumerate(shares, start=1):
        part = left if seq == len(shares) else amount_fen * share.percent // 100
        planned.append(PlannedTranche(seq, part, share.condition))
        left -= part
    return planned


def draft_terms(rules: CallRules, *, award_fen: int, matching_fen: int) -> ContractTerms:
    """Write the contract terms of an award from the call's rules."""
    # The agency owes at least what the call asks, or what it offered if that is more.
    owed = (
        max(matching_fen, required_matching_fen(award_fen, rules)) if rules.matching_percent else 0
    )
    return ContractTerms(
        award_fen=award_fen,
        funding_mode=rules.funding_mode,
        matching_percent=rules.matching_percent,
        matching_fen=owed,
        tranches=tuple(plan_tranches(award_fen, rules.tranches)),
        matching_tranches=tuple(plan_tranches(owed, rules.tranches)) if owed else (),
        personnel_share_max=rules.personnel_share_max,
        admin_share_max=rules.admin_share_max,
        reporting=rules.calendar,
    )


def contract_number(year: int, rank: int) -> str:
    """Number a contract: GY-2026-007."""
    return f"GY-{year}-{rank:03d}"
