"""Where each donor's money went: pro rata attribution of commitments and payments to gifts.

The rule is pro rata within a pool. Money is fungible, so no gift is "spent
first": every award's commitment from a pool is shared among all the cash
gifts in that pool in proportion to their size. A gift restricted to a
domain can only meet commitments from that domain's pool; an unrestricted
gift shares in everything the unrestricted pool committed. Refunds shrink the
award's commitment, so they shrink every sharer's part alike. Payments are
shared the same way as the commitment they pay.

Pro rata was chosen over first-in-first-out because it does not depend on
the order gifts arrived: under FIFO an early donor would be told their money
paid for everything and a late one that theirs lies idle, though both gave to
the same pool for the same purpose. The price is that a gift arriving after
money was committed takes its share of those commitments too, so a
statement is true as of the day it is printed, and says so.

Amounts are whole fen. Each split uses the largest-remainder method, so the
parts always add up exactly: every award's column sums to what was committed
from the pool, and no gift is ever attributed more than it gave.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from models.fund import LedgerKind
from models.ledger import Movement, Pool, paid_by_pool


@dataclass(frozen=True)
class Gift:
    """A cash gift as attribution sees it."""

    donation_id: int
    pool: Pool
    amount_fen: int


@dataclass(frozen=True)
class GiftShare:
    """The part of one gift committed to and paid to one award."""

    donation_id: int
    award_id: int
    committed_fen: int
    paid_fen: int


def split_pro_rata(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` fen in proportion to `weights`, exactly, by largest remainder."""
    whole = sum(weights)
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("只能按非负权重分配非负金额")
    if whole == 0:
        if total:
            raise ValueError("权重全为 0，无法分配")
        return [0 for _ in weights]
    parts = [total * w // whole for w in weights]
    # Earlier gifts win ties, so the split is the same every time.
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def attribute_gifts(gifts: Sequence[Gift], movements: Sequence[Movement]) -> list[GiftShare]:
    """Share every award's commitment and payment among the gifts of the pools it drew on."""
    by_pool: dict[Pool, list[Gift]] = defaultdict(list)
    for gift in gifts:
        by_pool[gift.pool].append(gift)
    committed = _net_commitments(movements)
    paid = paid_by_pool(movements)
    shares: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for pool, pool_gifts in by_pool.items():
        columns = [(award, fen) for (award, p), fen in committed.items() if p == pool and fen > 0]
        cells = _fill(pool_gifts, columns)
        for (award_id, _), column in zip(columns, cells, strict=True):
            paid_parts = split_pro_rata(max(paid.get((award_id, pool), 0), 0), column)
            for gift, part, paid_part in zip(pool_gifts, column, paid_parts, strict=True):
                shares[(gift.donation_id, award_id)][0] += part
                shares[(gift.donation_id, award_id)][1] += paid_part
    return [
        GiftShare(donation_id, award_id, c, p)
        for (donation_id, award_id), (c, p) in shares.items()
        if c or p
    ]


def _net_commitments(movements: Sequence[Movement]) -> dict[tuple[int, Pool], int]:
    # Ledger order is kept, so awards are filled in the order they were committed. A refund
    # and a release (a refused or undecided tranche freed at the close) both shrink it.
    net: dict[tuple[int, Pool], int] = {}
    for m in movements:
        if m.award_id is None or m.kind not in (
            LedgerKind.COMMITMENT,
            LedgerKind.REFUND,
            LedgerKind.RELEASE,
        ):
            continue
        sign = 1 if m.kind == LedgerKind.COMMITMENT else -1
        net[(m.award_id, m.domain_id)] = net.get((m.award_id, m.domain_id), 0) + sign * m.amount_fen
    return net


def _fill(gifts: Sequence[Gift], columns: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Split each column among the gifts, in proportion to what each gift has left."""
    total = sum(fen for _, fen in columns)
    raised = sum(g.amount_fen for g in gifts)
    if total > raised:
        raise ValueError("承诺超过该资金池的捐赠，台账有误")
    # Each gift's total share first, then column by column from what is left of it,
    # so rows and columns both add up exactly.
    left = split_pro_rata(total, [g.amount_fen for g in gifts])
    cells = []
    for _, fen in columns:
        column = split_pro_rata(fen, left)
        left = [a - b for a, b in zip(left, column, strict=True)]
        cells.append(column)
    return cells
