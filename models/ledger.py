"""Fund rules: balances derived from ledger entries, and commitments that never overspend.

Cash sits in pools: the unrestricted pool (key `None`) and one pool per domain
a donor restricted money to. A commitment for a project in domain D draws on
D's restricted pool first, then on the unrestricted pool. Payments and refunds
move cash but never change what is available to commit:
available = donations + refunds - commitments, per pool.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from models.fund import LedgerKind
from models.money import format_fen


class FundError(ValueError):
    """A movement the fund cannot make because it does not hold the money."""


@dataclass(frozen=True)
class Movement:
    """What the rules need of a ledger entry."""

    kind: str
    amount_fen: int
    domain_id: int | None = None


@dataclass(frozen=True)
class FundBalance:
    """Totals of a fund, all derived from its movements."""

    raised_fen: int
    committed_fen: int
    paid_fen: int
    refunded_fen: int

    @property
    def held_fen(self) -> int:
        """Cash the fund holds now."""
        return self.raised_fen + self.refunded_fen - self.paid_fen

    @property
    def available_fen(self) -> int:
        """Cash neither committed nor paid."""
        return self.raised_fen + self.refunded_fen - self.committed_fen


def sum_balance(movements: Iterable[Movement]) -> FundBalance:
    """Add up a fund's movements by kind."""
    totals: dict[str, int] = defaultdict(int)
    for movement in movements:
        totals[movement.kind] += movement.amount_fen
    return FundBalance(
        raised_fen=totals[LedgerKind.DONATION],
        committed_fen=totals[LedgerKind.COMMITMENT],
        paid_fen=totals[LedgerKind.PAYMENT],
        refunded_fen=totals[LedgerKind.REFUND],
    )


def available_by_pool(movements: Iterable[Movement]) -> dict[int | None, int]:
    """Return the uncommitted cash in each pool (None = unrestricted)."""
    pools: dict[int | None, int] = defaultdict(int)
    pools[None] += 0
    for movement in movements:
        if movement.kind in (LedgerKind.DONATION, LedgerKind.REFUND):
            pools[movement.domain_id] += movement.amount_fen
        elif movement.kind == LedgerKind.COMMITMENT:
            pools[movement.domain_id] -= movement.amount_fen
    return dict(pools)


def plan_commitment(
    movements: Iterable[Movement], amount_fen: int, *, domain_id: int | None
) -> list[Movement]:
    """Split a commitment across pools, restricted first; raise if the fund is short."""
    if amount_fen <= 0:
        raise FundError("承诺金额必须大于 0")
    pools = available_by_pool(movements)
    restricted = max(pools.get(domain_id, 0), 0) if domain_id is not None else 0
    unrestricted = max(pools.get(None, 0), 0)
    if restricted + unrestricted < amount_fen:
        raise FundError(
            f"基金余额不足：需 {format_fen(amount_fen)} 元，"
            f"可用 {format_fen(restricted + unrestricted)} 元"
        )
    from_restricted = min(restricted, amount_fen)
    parts = []
    if from_restricted:
        parts.append(Movement(LedgerKind.COMMITMENT, from_restricted, domain_id))
    if amount_fen - from_restricted:
        parts.append(Movement(LedgerKind.COMMITMENT, amount_fen - from_restricted, None))
    return parts
