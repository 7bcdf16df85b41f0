"""Contract terms of an award: the tranche plan in exact fen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.call_rules import TrancheShare


@dataclass(frozen=True)
class PlannedTranche:
    """One payment in the plan."""

    seq: int
    amount_fen: int
    condition: str


def plan_tranches(amount_fen: int, shares: Sequence[TrancheShare]) -> list[PlannedTranche]:
    """Split an award by the call's percentages; the last tranche takes the remainder."""
    planned = []
    left = amount_fen
    for seq, share in enumerate(shares, start=1):
        part = left if seq == len(shares) else amount_fen * share.percent // 100
        planned.append(PlannedTranche(seq, part, share.condition))
        left -= part
    return planned


def contract_number(year: int, rank: int) -> str:
    """Number a contract: GY-2026-007."""
    return f"GY-{year}-{rank:03d}"
