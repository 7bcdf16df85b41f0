"""Releases: money freed from an award's commitment when a tranche is refused or never decided.

A release is a new ledger entry, never an edit of the commitment: it lowers
what stays committed and raises what may be committed again, and it never
touches cash.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from models.fund import LedgerKind
from models.ledger import (
    FundError,
    Movement,
    available_by_pool,
    award_money,
    check_ledger,
    held_by_pool,
    paid_by_pool,
    plan_commitment,
    plan_payment,
    plan_refund,
    plan_release,
    sum_balance,
)

ELDERLY = 1
AWARD, OTHER = 10, 11


def funded() -> list[Movement]:
    """100,000 unrestricted and 30,000 elderly; AWARD committed 50,000 (30,000 elderly first)."""
    gifts = [Movement(LedgerKind.DONATION, 100_000), Movement(LedgerKind.DONATION, 30_000, ELDERLY)]
    return [*gifts, *plan_commitment(gifts, 50_000, domain_id=ELDERLY, award_id=AWARD)]


def paid_half() -> list[Movement]:
    movements = funded()
    return [*movements, plan_payment(movements, 25_000, award_id=AWARD)]


def test_a_release_lowers_committed_raises_available_and_never_touches_cash():
    before = paid_half()
    after = [*before, *plan_release(before, 25_000, award_id=AWARD)]
    old, new = sum_balance(before), sum_balance(after)
    assert new.committed_fen == old.committed_fen == 50_000  # the commitment itself stays
    assert new.released_fen == 25_000
    assert new.unpaid_fen == 0 == old.unpaid_fen - 25_000
    assert new.available_fen == old.available_fen + 25_000
    assert new.held_fen == old.held_fen
    assert held_by_pool(after) == held_by_pool(before)
    assert paid_by_pool(after) == paid_by_pool(before)
    assert new.net_committed_fen == new.net_paid_fen == 25_000


def test_a_release_is_a_new_entry_and_keeps_the_commitment_entries():
    before = paid_half()
    release = plan_release(before, 10_000, award_id=AWARD)
    after = [*before, *release]
    assert after[: len(before)] == before
    assert {m.kind for m in release} == {LedgerKind.RELEASE}
    assert {m.award_id for m in release} == {AWARD}


def test_a_release_frees_the_unpaid_tail_last_committed_pool_first():
    # 30,000 elderly then 20,000 unrestricted; 25,000 paid fills the elderly part first.
    before = paid_half()
    release = plan_release(before, 25_000, award_id=AWARD)
    assert release == [
        Movement(LedgerKind.RELEASE, 20_000, None, AWARD),
        Movement(LedgerKind.RELEASE, 5_000, ELDERLY, AWARD),
    ]
    pools = available_by_pool([*before, *release])
    assert pools == {None: 100_000, ELDERLY: 5_000}  # 25,000 elderly stays paid


def test_releases_in_steps_take_the_tail_once():
    movements = funded()
    first = plan_release(movements, 15_000, award_id=AWARD)
    assert first == [Movement(LedgerKind.RELEASE, 15_000, None, AWARD)]
    movements = [*movements, *first]
    second = plan_release(movements, 10_000, award_id=AWARD)
    assert second == [
        Movement(LedgerKind.RELEASE, 5_000, None, AWARD),
        Movement(LedgerKind.RELEASE, 5_000, ELDERLY, AWARD),
    ]
    movements = [*movements, *second]
    assert award_money(movements, award_id=AWARD).unpaid_fen == 25_000
    assert check_ledger(movements) == []


def test_a_released_commitment_can_no_longer_be_paid():
    movements = [*paid_half(), *plan_release(paid_half(), 5_000, award_id=AWARD)]
    assert award_money(movements, award_id=AWARD).unpaid_fen == 20_000
    with pytest.raises(FundError, match=r"尚未拨付的承诺只有 200\.00 元"):
        plan_payment(movements, 20_001, award_id=AWARD)
    assert plan_payment(movements, 20_000, award_id=AWARD).amount_fen == 20_000


def test_fund_refuses_to_release_more_than_is_unpaid():
    with pytest.raises(FundError) as refused:
        plan_release(paid_half(), 25_001, award_id=AWARD)
    assert str(refused.value) == (
        "释放超过未拨付的承诺：释放 250.01 元，立项 #10 尚未拨付的承诺只有 250.00 元"
    )
    with pytest.raises(FundError, match=r"立项 #11 尚未拨付的承诺只有 0\.00 元"):
        plan_release(paid_half(), 1, award_id=OTHER)
    with pytest.raises(FundError, match="释放金额必须大于 0"):
        plan_release(paid_half(), 0, award_id=AWARD)


def test_check_ledger_names_a_release_beyond_the_commitment_or_without_an_award():
    movements = [
        *paid_half(),
        Movement(LedgerKind.RELEASE, 30_000, None, AWARD),
        Movement(LedgerKind.RELEASE, 1, None, None),
    ]
    assert check_ledger(movements) == [
        "第 7 笔释放没有对应的立项",
        "立项 #10 拨付与释放合计超过承诺",
    ]


def test_after_a_close_committed_less_released_and_refunds_equals_paid_less_refunds():
    movements = paid_half()
    movements = [*movements, *plan_refund(movements, 4_000, award_id=AWARD)]
    movements = [*movements, *plan_release(movements, 25_000, award_id=AWARD)]
    balance = sum_balance(movements)
    assert balance.unpaid_fen == 0
    assert balance.net_committed_fen == balance.net_paid_fen == 21_000
    assert balance.available_fen == 130_000 - 21_000
    assert check_ledger(movements) == []


POOLS = st.sampled_from([None, 1, 2])
AMOUNTS = st.integers(min_value=1, max_value=200_000)
AWARDS = st.integers(min_value=1, max_value=4)


class LedgerWithReleases(RuleBasedStateMachine):
    """A fund that commits, pays, refunds and releases at random, checked after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.movements: list[Movement] = []
        self.domains: dict[int, int | None] = {}

    @rule(amount=AMOUNTS, pool=POOLS)
    def donate(self, amount: int, pool: int | None) -> None:
        self.movements.append(Movement(LedgerKind.DONATION, amount, pool))

    @rule(award=AWARDS, amount=AMOUNTS, domain=POOLS)
    def commit(self, award: int, amount: int, domain: int | None) -> None:
        domain = self.domains.setdefault(award, domain)
        with contextlib.suppress(FundError):
            self.movements += plan_commitment(
                self.movements, amount, domain_id=domain, award_id=award
            )

    @rule(award=AWARDS, amount=AMOUNTS)
    def pay(self, award: int, amount: int) -> None:
        with contextlib.suppress(FundError):
            self.movements.append(plan_payment(self.movements, amount, award_id=award))

    @rule(award=AWARDS, amount=AMOUNTS)
    def refund(self, award: int, amount: int) -> None:
        with contextlib.suppress(FundError):
            self.movements += plan_refund(self.movements, amount, award_id=award)

    @rule(award=AWARDS, amount=AMOUNTS)
    def release(self, award: int, amount: int) -> None:
        before = sum_balance(self.movements)
        owed = award_money(self.movements, award_id=award).unpaid_fen
        try:
            parts = plan_release(self.movements, amount, award_id=award)
        except FundError:
            assert amount > owed
            return
        assert sum(m.amount_fen for m in parts) == amount <= owed
        self.movements += parts
        after = sum_balance(self.movements)
        assert after.held_fen == before.held_fen
        assert after.available_fen == before.available_fen + amount

    @rule(award=AWARDS)
    def close(self, award: int) -> None:
        owed = award_money(self.movements, award_id=award).unpaid_fen
        if owed > 0:
            self.movements += plan_release(self.movements, owed, award_id=award)
        assert award_money(self.movements, award_id=award).unpaid_fen == 0

    @invariant()
    def the_ledger_stays_sound(self) -> None:
        assert check_ledger(self.movements) == []
        assert all(left >= 0 for left in available_by_pool(self.movements).values())
        assert all(cash >= 0 for cash in held_by_pool(self.movements).values())
        balance = sum_balance(self.movements)
        assert balance.held_fen >= balance.available_fen >= 0
        assert balance.unpaid_fen >= 0


LedgerWithReleases.TestCase.settings = settings(
    max_examples=100, stateful_step_count=40, deadline=None
)
test_ledger_with_releases_stays_sound = LedgerWithReleases.TestCase
