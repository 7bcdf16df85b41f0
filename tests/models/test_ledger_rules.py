"""Fund ledger rules: balances come from movements, and commitments never overspend."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.fund import LedgerKind
from models.ledger import (
    FundError,
    Movement,
    available_by_pool,
    plan_commitment,
    sum_balance,
)

ELDERLY, YOUTH = 1, 2


def donation(fen: int, domain_id: int | None = None) -> Movement:
    return Movement(LedgerKind.DONATION, fen, domain_id)


def commitment(fen: int, domain_id: int | None = None) -> Movement:
    return Movement(LedgerKind.COMMITMENT, fen, domain_id)


def payment(fen: int, domain_id: int | None = None) -> Movement:
    return Movement(LedgerKind.PAYMENT, fen, domain_id)


def refund(fen: int, domain_id: int | None = None) -> Movement:
    return Movement(LedgerKind.REFUND, fen, domain_id)


def test_balance_sums_each_kind_of_movement():
    balance = sum_balance(
        [
            donation(100_000),
            donation(50_000, ELDERLY),
            commitment(80_000),
            payment(30_000),
            refund(5_000),
        ]
    )
    assert (balance.raised_fen, balance.committed_fen, balance.paid_fen, balance.refunded_fen) == (
        150_000,
        80_000,
        30_000,
        5_000,
    )


def test_held_cash_is_raised_plus_refunded_minus_paid():
    balance = sum_balance([donation(100_000), commitment(80_000), payment(30_000), refund(5_000)])
    assert balance.held_fen == 75_000


def test_available_cash_is_raised_plus_refunded_minus_committed_and_ignores_payments():
    movements = [donation(100_000), commitment(80_000), refund(5_000)]
    before = sum_balance(movements).available_fen
    after = sum_balance([*movements, payment(30_000)]).available_fen
    assert before == after == 25_000


def test_empty_fund_has_nothing_and_an_empty_unrestricted_pool():
    assert sum_balance([]).available_fen == 0
    assert available_by_pool([]) == {None: 0}


def test_each_pool_keeps_its_own_donations_less_its_commitments():
    pools = available_by_pool(
        [
            donation(100_000),
            donation(40_000, ELDERLY),
            donation(10_000, YOUTH),
            commitment(30_000, ELDERLY),
            commitment(20_000),
            refund(1_000, YOUTH),
            payment(99_000, ELDERLY),
        ]
    )
    assert pools == {None: 80_000, ELDERLY: 10_000, YOUTH: 11_000}


def test_commitment_draws_on_restricted_pool_before_unrestricted():
    movements = [donation(100_000), donation(30_000, ELDERLY)]
    assert plan_commitment(movements, 50_000, domain_id=ELDERLY) == [
        commitment(30_000, ELDERLY),
        commitment(20_000, None),
    ]


def test_commitment_that_fits_its_restricted_pool_touches_nothing_else():
    movements = [donation(100_000), donation(30_000, ELDERLY)]
    assert plan_commitment(movements, 30_000, domain_id=ELDERLY) == [commitment(30_000, ELDERLY)]


def test_commitment_without_a_restricted_pool_draws_on_unrestricted_only():
    movements = [donation(100_000), donation(30_000, ELDERLY)]
    assert plan_commitment(movements, 40_000, domain_id=YOUTH) == [commitment(40_000, None)]


def test_commitment_never_draws_on_another_domains_restricted_money():
    movements = [donation(10_000), donation(90_000, ELDERLY)]
    with pytest.raises(FundError):
        plan_commitment(movements, 20_000, domain_id=YOUTH)


def test_commitment_with_no_domain_ignores_restricted_money():
    movements = [donation(10_000), donation(90_000, ELDERLY)]
    with pytest.raises(FundError):
        plan_commitment(movements, 20_000, domain_id=None)
    assert plan_commitment(movements, 10_000, domain_id=None) == [commitment(10_000, None)]


def test_fund_refuses_commitment_beyond_what_it_holds():
    movements = [donation(1_000_000), donation(200_000, ELDERLY), commitment(300_000)]
    with pytest.raises(FundError) as refused:
        plan_commitment(movements, 1_500_000, domain_id=ELDERLY)
    assert str(refused.value) == "基金余额不足：需 15,000.00 元，可用 9,000.00 元"


def test_fund_commits_exactly_what_it_holds():
    movements = [donation(100_000), donation(50_000, ELDERLY)]
    plan = plan_commitment(movements, 150_000, domain_id=ELDERLY)
    assert sum(m.amount_fen for m in plan) == 150_000
    assert available_by_pool([*movements, *plan]) == {None: 0, ELDERLY: 0}


def test_refund_returns_money_to_be_committed_again():
    movements = [donation(100_000), commitment(100_000)]
    with pytest.raises(FundError):
        plan_commitment(movements, 1, domain_id=None)
    assert plan_commitment([*movements, refund(5_000)], 5_000, domain_id=None) == [
        commitment(5_000)
    ]


@pytest.mark.parametrize("amount", [0, -100])
def test_commitment_must_be_more_than_nothing(amount):
    with pytest.raises(FundError, match="承诺金额必须大于 0"):
        plan_commitment([donation(100_000)], amount, domain_id=None)


def test_fund_error_is_a_value_error():
    assert issubclass(FundError, ValueError)


DOMAINS = st.sampled_from([None, ELDERLY, YOUTH, 3])
STEPS = st.lists(
    st.tuples(
        st.sampled_from(["donate", "commit", "refund"]),
        st.integers(min_value=1, max_value=500_000),
        DOMAINS,
    ),
    max_size=40,
)


@given(STEPS)
def test_ledger_never_overspends_any_pool(steps):
    movements: list[Movement] = []
    for action, amount, domain_id in steps:
        if action == "donate":
            movements.append(donation(amount, domain_id))
        elif action == "refund":
            movements.append(refund(amount, domain_id))
        else:
            pools = available_by_pool(movements)
            reachable = pools[None] + (pools.get(domain_id, 0) if domain_id is not None else 0)
            try:
                plan = plan_commitment(movements, amount, domain_id=domain_id)
            except FundError:
                assert amount > reachable
                continue
            assert sum(m.amount_fen for m in plan) == amount
            assert all(m.amount_fen > 0 for m in plan)
            assert {m.domain_id for m in plan} <= {domain_id, None}
            movements.extend(plan)
        assert all(left >= 0 for left in available_by_pool(movements).values())
        assert sum_balance(movements).available_fen >= 0
