"""Fund rules: balances derived from ledger entries, and movements that never overspend.

Cash sits in pools: the unrestricted pool (key `None`) and one pool per domain
a donor restricted money to. A commitment for a project in domain D draws on
D's restricted pool first, then on the unrestricted pool. A payment pays one
award's commitment; it is attributed to that award's pools in the order they
were committed, so it needs no pool of its own. A refund (money an agency
returns) goes back to the pools it was paid from, the last-paid pool first,
and also shrinks the award's commitment by the same amount, so the money can
be committed again. A release frees the unpaid part of an award's commitment
(a tranche refused, or never decided by the close): it is a new entry, never
an edit of the commitment; it moves no cash and returns the money to the
pools of the commitment's unpaid tail, the last-committed pool first. Per
pool, therefore:
- available = donations + refunds + releases - commitments (what may still be committed)
- held = donations + refunds - payments (the cash in the bank)
and both stay at or above zero; per award, payments plus releases never
exceed commitments and refunds never exceed payments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from models.fund import LedgerKind
from models.money import format_fen

Pool = int | None


class FundError(ValueError):
    """A movement the fund cannot make because it does not hold the money."""


@dataclass(frozen=True)
class Movement:
    """What the rules need of a ledger entry.

    `domain_id` is the pool of a donation, commitment or refund; a payment's
    pools come from its award's commitments, so its `domain_id` is ignored.
    """

    kind: str
    amount_fen: int
    domain_id: int | None = None
    award_id: int | None = None


@dataclass(frozen=True)
class FundBalance:
    """Totals of a fund, all derived from its movements.

    `committed_fen` is every commitment ever made (commitments are never
    edited); `released_fen` is the part of it freed again by releases.
    """

    raised_fen: int = 0
    committed_fen: int = 0
    paid_fen: int = 0
    refunded_fen: int = 0
    released_fen: int = 0

    @property
    def held_fen(self) -> int:
        """Cash the fund holds now."""
        return self.raised_fen + self.refunded_fen - self.paid_fen

    @property
    def available_fen(self) -> int:
        """Cash neither committed nor paid."""
        return self.raised_fen + self.refunded_fen + self.released_fen - self.committed_fen

    @property
    def unpaid_fen(self) -> int:
        """Commitments still owed: neither paid nor released (0 once a cycle is closed)."""
        return self.committed_fen - self.released_fen - self.paid_fen

    @property
    def net_committed_fen(self) -> int:
        """Commitments less releases and refunds; equals net_paid_fen once nothing is unpaid."""
        return self.committed_fen - self.released_fen - self.refunded_fen

    @property
    def net_paid_fen(self) -> int:
        """Payments less refunds."""
        return self.paid_fen - self.refunded_fen


@dataclass(frozen=True)
class AwardMoney:
    """What the fund committed to one award, paid it, got back and released."""

    committed_fen: int
    paid_fen: int
    refunded_fen: int
    released_fen: int = 0

    @property
    def unpaid_fen(self) -> int:
        """Committed money neither paid out nor released."""
        return self.committed_fen - self.released_fen - self.paid_fen

    @property
    def net_paid_fen(self) -> int:
        """Money paid and not returned."""
        return self.paid_fen - self.refunded_fen


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
        released_fen=totals[LedgerKind.RELEASE],
    )


def available_by_pool(movements: Iterable[Movement]) -> dict[Pool, int]:
    """Return the uncommitted cash in each pool (None = unrestricted)."""
    pools: dict[Pool, int] = defaultdict(int)
    pools[None] += 0
    for movement in movements:
        if movement.kind in (LedgerKind.DONATION, LedgerKind.REFUND, LedgerKind.RELEASE):
            pools[movement.domain_id] += movement.amount_fen
        elif movement.kind == LedgerKind.COMMITMENT:
            pools[movement.domain_id] -= movement.amount_fen
    return dict(pools)


def award_money(movements: Iterable[Movement], *, award_id: int) -> AwardMoney:
    """Sum one award's commitments, payments, refunds and releases."""
    totals: dict[str, int] = defaultdict(int)
    for movement in movements:
        if movement.award_id == award_id:
            totals[movement.kind] += movement.amount_fen
    return AwardMoney(
        totals[LedgerKind.COMMITMENT],
        totals[LedgerKind.PAYMENT],
        totals[LedgerKind.REFUND],
        totals[LedgerKind.RELEASE],
    )


def paid_by_pool(movements: Sequence[Movement]) -> dict[tuple[int, Pool], int]:
    """Attribute each award's payments, less refunds, to the pools of its commitments."""
    net = _gross_paid_by_pool(movements)
    for m in movements:
        if m.kind == LedgerKind.REFUND and m.award_id is not None:
            net[(m.award_id, m.domain_id)] = net.get((m.award_id, m.domain_id), 0) - m.amount_fen
    return net


def held_by_pool(movements: Sequence[Movement]) -> dict[Pool, int]:
    """Return the cash each pool holds: donations and refunds in, attributed payments out."""
    pools: dict[Pool, int] = defaultdict(int)
    pools[None] += 0
    for m in movements:
        if m.kind in (LedgerKind.DONATION, LedgerKind.REFUND):
            pools[m.domain_id] += m.amount_fen
    for (_, pool), gross in _gross_paid_by_pool(movements).items():
        pools[pool] -= gross
    # A payment that names no award has no commitment to follow: it leaves unrestricted cash.
    pools[None] -= sum(
        m.amount_fen for m in movements if m.kind == LedgerKind.PAYMENT and m.award_id is None
    )
    return dict(pools)


def _gross_paid_by_pool(movements: Sequence[Movement]) -> dict[tuple[int, Pool], int]:
    # An award's payments fill its commitment parts in the order they were made.
    parts: dict[int, list[tuple[Pool, int]]] = defaultdict(list)
    paid: dict[int, int] = defaultdict(int)
    for m in movements:
        if m.award_id is not None and m.kind == LedgerKind.COMMITMENT:
            parts[m.award_id].append((m.domain_id, m.amount_fen))
        elif m.award_id is not None and m.kind == LedgerKind.PAYMENT:
            paid[m.award_id] += m.amount_fen
    gross: dict[tuple[int, Pool], int] = {}
    for award_id, left in paid.items():
        for pool, committed in parts[award_id]:
            take = min(left, committed)
            gross[(award_id, pool)] = gross.get((award_id, pool), 0) + take
            left -= take
        if left:  # paid beyond its commitments: only a broken ledger gets here
            gross[(award_id, None)] = gross.get((award_id, None), 0) + left
    return gross


def plan_commitment(
    movements: Iterable[Movement],
    amount_fen: int,
    *,
    domain_id: int | None,
    award_id: int | None = None,
) -> list[Movement]:
    """Split a commitment across pools, restricted first; raise if the fund is short."""
    _require_positive(amount_fen, "承诺")
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
        parts.append(Movement(LedgerKind.COMMITMENT, from_restricted, domain_id, award_id))
    if amount_fen - from_restricted:
        parts.append(Movement(LedgerKind.COMMITMENT, amount_fen - from_restricted, None, award_id))
    return parts


def plan_payment(movements: Sequence[Movement], amount_fen: int, *, award_id: int) -> Movement:
    """Return the payment of part of an award's commitment; raise if it is not owed or not held."""
    _require_positive(amount_fen, "拨付")
    money = award_money(movements, award_id=award_id)
    if money.committed_fen == 0:
        raise FundError(f"立项 #{award_id} 没有资金承诺，不能拨付")
    if amount_fen > money.unpaid_fen:
        raise FundError(
            f"拨付超过承诺：需 {format_fen(amount_fen)} 元，"
            f"该立项尚未拨付的承诺只有 {format_fen(money.unpaid_fen)} 元"
        )
    held = sum_balance(movements).held_fen
    if amount_fen > held:
        raise FundError(f"基金现金不足：需 {format_fen(amount_fen)} 元，现有 {format_fen(held)} 元")
    return Movement(LedgerKind.PAYMENT, amount_fen, None, award_id)


def plan_refund(movements: Sequence[Movement], amount_fen: int, *, award_id: int) -> list[Movement]:
    """Split money an agency returns back to the pools it was paid from, last-paid first."""
    _require_positive(amount_fen, "退回")
    money = award_money(movements, award_id=award_id)
    if amount_fen > money.net_paid_fen:
        raise FundError(
            f"退回超过已拨付：退回 {format_fen(amount_fen)} 元，"
            f"该立项已拨付未退回的只有 {format_fen(money.net_paid_fen)} 元"
        )
    order = [
        m.domain_id for m in movements if m.award_id == award_id and m.kind == LedgerKind.COMMITMENT
    ]
    net = paid_by_pool(movements)
    parts, left = [], amount_fen
    for pool in reversed(list(dict.fromkeys(order))):
        take = min(left, net.get((award_id, pool), 0))
        if take > 0:
            parts.append(Movement(LedgerKind.REFUND, take, pool, award_id))
            left -= take
    return parts


def plan_release(
    movements: Sequence[Movement], amount_fen: int, *, award_id: int
) -> list[Movement]:
    """Free part of an award's unpaid commitment, from its last-committed pool back.

    Payments fill an award's commitment parts in the order they were made, so
    the unpaid money is the tail of those parts; earlier releases have already
    taken the very end of it. Raise if the award does not owe that much.
    """
    _require_positive(amount_fen, "释放")
    money = award_money(movements, award_id=award_id)
    if amount_fen > money.unpaid_fen:
        raise FundError(
            f"释放超过未拨付的承诺：释放 {format_fen(amount_fen)} 元，"
            f"立项 #{award_id} 尚未拨付的承诺只有 {format_fen(max(money.unpaid_fen, 0))} 元"
        )
    parts_in_order = [
        (m.domain_id, m.amount_fen)
        for m in movements
        if m.award_id == award_id and m.kind == LedgerKind.COMMITMENT
    ]
    skip = money.released_fen  # the tail already released
    plan: dict[Pool, int] = {}
    left = amount_fen
    for pool, part in reversed(parts_in_order):
        taken_before = min(skip, part)
        skip -= taken_before
        take = min(left, part - taken_before)
        if take > 0:
            plan[pool] = plan.get(pool, 0) + take
            left -= take
        if not left:
            break
    return [Movement(LedgerKind.RELEASE, fen, pool, award_id) for pool, fen in plan.items()]


def check_ledger(movements: Sequence[Movement]) -> list[str]:
    """List every way a ledger breaks the fund's rules; an empty list means it is sound."""
    problems = [
        f"第 {n} 笔金额应大于 0" for n, m in enumerate(movements, start=1) if m.amount_fen <= 0
    ]
    problems += [
        f"第 {n} 笔{_KIND_LABELS[m.kind]}没有对应的立项"
        for n, m in enumerate(movements, start=1)
        if m.kind in _KIND_LABELS and m.award_id is None
    ]
    label: dict[int | None, str] = {None: "非限定资金"}
    for pool, left in available_by_pool(movements).items():
        if left < 0:
            problems.append(f"{label.get(pool, f'限定领域 #{pool}')}承诺超出可用资金")
    for pool, cash in held_by_pool(movements).items():
        if cash < 0:
            problems.append(f"{label.get(pool, f'限定领域 #{pool}')}拨付超出持有现金")
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for m in movements:
        if m.award_id is not None:
            totals[m.award_id][m.kind] += m.amount_fen
    for award_id in sorted(totals):
        kinds = totals[award_id]
        if kinds[LedgerKind.PAYMENT] > kinds[LedgerKind.COMMITMENT]:
            problems.append(f"立项 #{award_id} 拨付超过承诺")
        elif kinds[LedgerKind.PAYMENT] + kinds[LedgerKind.RELEASE] > kinds[LedgerKind.COMMITMENT]:
            problems.append(f"立项 #{award_id} 拨付与释放合计超过承诺")
        if kinds[LedgerKind.REFUND] > kinds[LedgerKind.PAYMENT]:
            problems.append(f"立项 #{award_id} 退回超过拨付")
    return problems


_KIND_LABELS: dict[str, str] = {
    LedgerKind.PAYMENT: "拨付",
    LedgerKind.REFUND: "退回",
    LedgerKind.RELEASE: "释放",
}


def _require_positive(amount_fen: int, what: str) -> None:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise FundError(f"{what}金额必须是整数分，收到 {amount_fen!r}")
    if amount_fen <= 0:
        raise FundError(f"{what}金额必须大于 0")
