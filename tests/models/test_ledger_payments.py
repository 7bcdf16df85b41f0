"""Payments and refunds: a fund pays only what it committed, and takes back only what it paid."""

from __future__ import annotations

import pytest

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
    sum_balance,
)

ELDERLY = 1
AWARD, OTHER = 10, 11


def donation(fen: int, domain_id: int | None = None) -> Movement:
    return Movement(LedgerKind.DONATION, fen, domain_id)


def committed(
    movements: list[Movement], fen: int, domain_id=ELDERLY, award=AWARD
) -> list[Movement]:
    return [*movements, *plan_commitment(movements, fen, domain_id=domain_id, award_id=award)]


def funded() -> list[Movement]:
    """100,000 unrestricted and 30,000 elderly; AWARD committed 50,000 (30,000 elderly first)."""
    return committed([donation(100_000), donation(30_000, ELDERLY)], 50_000)


def test_a_commitment_carries_its_award_in_every_part():
    assert {m.award_id for m in funded()[2:]} == {AWARD}


def test_a_payment_of_part_of_a_commitment_is_allowed():
    pay = plan_payment(funded(), 25_000, award_id=AWARD)
    assert pay == Movement(LedgerKind.PAYMENT, 25_000, None, AWARD)


def test_fund_refuses_to_pay_more_than_it_committed_to_the_award():
    movements = [*funded(), plan_payment(funded(), 40_000, award_id=AWARD)]
    with pytest.raises(FundError) as refused:
        plan_payment(movements, 10_001, award_id=AWARD)
    assert str(refused.value) == ("拨付超过承诺：需 100.01 元，该立项尚未拨付的承诺只有 100.00 元")


def test_fund_refuses_to_pay_an_award_it_never_committed_to():
    with pytest.raises(FundError, match="立项 #11 没有资金承诺"):
        plan_payment(funded(), 1, award_id=OTHER)


@pytest.mark.parametrize("amount", [0, -5])
def test_payments_and_refunds_must_be_more_than_nothing(amount):
    with pytest.raises(FundError, match="拨付金额必须大于 0"):
        plan_payment(funded(), amount, award_id=AWARD)
    with pytest.raises(FundError, match="退回金额必须大于 0"):
        plan_refund(funded(), amount, award_id=AWARD)


def test_amounts_must_be_whole_fen():
    with pytest.raises(FundError, match="必须是整数分"):
        plan_payment(funded(), 10.5, award_id=AWARD)  # type: ignore[arg-type]


def test_payments_are_attributed_to_the_awards_pools_in_commitment_order():
    movements = funded()
    movements.append(plan_payment(movements, 35_000, award_id=AWARD))
    assert paid_by_pool(movements) == {(AWARD, ELDERLY): 30_000, (AWARD, None): 5_000}
    assert held_by_pool(movements) == {None: 95_000, ELDERLY: 0}


def test_a_refund_returns_to_the_last_paid_pool_first():
    movements = funded()
    movements.append(plan_payment(movements, 35_000, award_id=AWARD))
    assert plan_refund(movements, 8_000, award_id=AWARD) == [
        Movement(LedgerKind.REFUND, 5_000, None, AWARD),
        Movement(LedgerKind.REFUND, 3_000, ELDERLY, AWARD),
    ]


def test_fund_refuses_a_refund_beyond_what_the_award_was_paid():
    movements = funded()
    movements.append(plan_payment(movements, 10_000, award_id=AWARD))
    movements.extend(plan_refund(movements, 4_000, award_id=AWARD))
    with pytest.raises(FundError) as refused:
        plan_refund(movements, 6_001, award_id=AWARD)
    assert str(refused.value) == "退回超过已拨付：退回 60.01 元，该立项已拨付未退回的只有 60.00 元"


def test_a_refund_frees_money_to_commit_again_but_never_lets_the_award_be_paid_twice():
    movements = funded()
    movements.append(plan_payment(movements, 50_000, award_id=AWARD))
    before = sum_balance(movements).available_fen
    movements.extend(plan_refund(movements, 10_000, award_id=AWARD))
    assert sum_balance(movements).available_fen == before + 10_000
    assert award_money(movements, award_id=AWARD).unpaid_fen == 0
    with pytest.raises(FundError):
        plan_payment(movements, 1, award_id=AWARD)


def test_held_cash_never_falls_below_what_may_still_be_committed():
    movements = funded()
    movements.append(plan_payment(movements, 20_000, award_id=AWARD))
    held, available = held_by_pool(movements), available_by_pool(movements)
    assert all(held[pool] >= available[pool] >= 0 for pool in available)


def test_a_sound_ledger_has_no_problems():
    movements = funded()
    movements.append(plan_payment(movements, 20_000, award_id=AWARD))
    movements.extend(plan_refund(movements, 5_000, award_id=AWARD))
    assert check_ledger(movements) == []


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (Movement(LedgerKind.COMMITMENT, 200_000, None, OTHER), "非限定资金承诺超出可用资金"),
        (Movement(LedgerKind.PAYMENT, 50_001, None, AWARD), "立项 #10 拨付超过承诺"),
        (Movement(LedgerKind.REFUND, 1, None, AWARD), "立项 #10 退回超过拨付"),
        (Movement(LedgerKind.DONATION, 0, None), "第 5 笔金额应大于 0"),
    ],
)
def test_a_broken_ledger_is_named_for_what_breaks_it(extra, problem):
    assert problem in check_ledger([*funded(), extra])


def test_paying_beyond_the_commitment_shows_as_cash_the_fund_does_not_hold():
    movements = [donation(10_000, ELDERLY), Movement(LedgerKind.COMMITMENT, 10_000, ELDERLY, AWARD)]
    movements.append(Movement(LedgerKind.PAYMENT, 10_000, ELDERLY, AWARD))
    assert check_ledger(movements) == []
    movements.append(Movement(LedgerKind.PAYMENT, 1, ELDERLY, AWARD))
    # The excess has no commitment to be attributed to, so it lands on the unrestricted pool.
    assert check_ledger(movements) == ["非限定资金拨付超出持有现金", "立项 #10 拨付超过承诺"]
