"""The ledger's invariants under random sequences of donations, commitments, payments, refunds, releases.

A hypothesis state machine plays a fund: donors give to random pools, awards
are committed in random domains, paid in random parts, refund random
amounts and have random parts of their unpaid commitment released. Every operation the rules allow is applied; every one they refuse
must be one that would have broken the fund. After every step no pool has
committed or paid more than it holds, and no award has been paid more than
it was committed or refunded more than it was paid.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from models.attribution import Gift, attribute_gifts
from models.fund import LedgerKind
from models.ledger import (
    FundError,
    Movement,
    available_by_pool,
    award_money,
    check_ledger,
    held_by_pool,
    plan_commitment,
    plan_payment,
    plan_refund,
    plan_release,
    sum_balance,
)

POOLS = st.sampled_from([None, 1, 2, 3])
AMOUNTS = st.integers(min_value=1, max_value=300_000)
AWARDS = st.integers(min_value=1, max_value=6)


class FundLedger(RuleBasedStateMachine):
    """A fund under random operations, checked after every one."""

    def __init__(self) -> None:
        super().__init__()
        self.movements: list[Movement] = []
        self.gifts: list[Gift] = []
        self.domains: dict[int, int | None] = {}

    @rule(amount=AMOUNTS, pool=POOLS)
    def donate(self, amount: int, pool: int | None) -> None:
        self.gifts.append(Gift(len(self.gifts) + 1, pool, amount))
        self.movements.append(Movement(LedgerKind.DONATION, amount, pool))

    @rule(award=AWARDS, amount=AMOUNTS, domain=POOLS)
    def commit(self, award: int, amount: int, domain: int | None) -> None:
        domain = self.domains.setdefault(award, domain)
        pools = available_by_pool(self.movements)
        reachable = max(pools[None], 0) + (max(pools.get(domain, 0), 0) if domain else 0)
        try:
            plan = plan_commitment(self.movements, amount, domain_id=domain, award_id=award)
        except FundError:
            assert amount > reachable
            return
        assert sum(m.amount_fen for m in plan) == amount
        assert {m.domain_id for m in plan} <= {domain, None}
        self.movements.extend(plan)

    @rule(award=AWARDS, amount=AMOUNTS)
    def pay(self, award: int, amount: int) -> None:
        owed = award_money(self.movements, award_id=award).unpaid_fen
        try:
            self.movements.append(plan_payment(self.movements, amount, award_id=award))
        except FundError:
            assert amount > owed or owed == 0
            return
        assert amount <= owed

    @rule(award=AWARDS, amount=AMOUNTS)
    def refund(self, award: int, amount: int) -> None:
        returnable = award_money(self.movements, award_id=award).net_paid_fen
        try:
            parts = plan_refund(self.movements, amount, award_id=award)
        except FundError:
            assert amount > returnable
            return
        assert sum(m.amount_fen for m in parts) == amount <= returnable
        self.movements.extend(parts)

    @rule(award=AWARDS, amount=AMOUNTS)
    def release(self, award: int, amount: int) -> None:
        owed = award_money(self.movements, award_id=award).unpaid_fen
        try:
            parts = plan_release(self.movements, amount, award_id=award)
        except FundError:
            assert amount > owed
            return
        assert sum(m.amount_fen for m in parts) == amount <= owed
        self.movements.extend(parts)

    @invariant()
    def fund_never_commits_or_pays_more_than_it_holds(self) -> None:
        assert check_ledger(self.movements) == []
        assert all(left >= 0 for left in available_by_pool(self.movements).values())
        assert all(cash >= 0 for cash in held_by_pool(self.movements).values())
        balance = sum_balance(self.movements)
        assert balance.held_fen >= balance.available_fen >= 0

    @invariant()
    def every_committed_fen_is_attributed_to_gifts_it_came_from(self) -> None:
        shares = attribute_gifts(self.gifts, self.movements)
        given = {g.donation_id: g.amount_fen for g in self.gifts}
        per_gift: dict[int, int] = {}
        for share in shares:
            assert 0 <= share.paid_fen <= share.committed_fen
            per_gift[share.donation_id] = per_gift.get(share.donation_id, 0) + share.committed_fen
        assert all(per_gift[g] <= given[g] for g in per_gift)
        balance = sum_balance(self.movements)
        assert sum(s.committed_fen for s in shares) == balance.net_committed_fen
        assert sum(s.paid_fen for s in shares) == balance.paid_fen - balance.refunded_fen


FundLedger.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
test_fund_ledger_keeps_its_invariants_under_random_operations = FundLedger.TestCase
