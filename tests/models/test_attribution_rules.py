"""Where each donor's money went: pro rata within a pool, exact to the fen."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.attribution import Gift, GiftShare, attribute_gifts, split_pro_rata
from models.fund import LedgerKind
from models.ledger import Movement, plan_commitment, plan_payment, plan_refund

ELDERLY = 1


def donations(gifts: list[Gift]) -> list[Movement]:
    return [Movement(LedgerKind.DONATION, g.amount_fen, g.pool) for g in gifts]


def commit(movements: list[Movement], award: int, fen: int, domain=None) -> list[Movement]:
    return [*movements, *plan_commitment(movements, fen, domain_id=domain, award_id=award)]


def test_split_pro_rata_gives_each_weight_its_share_exactly():
    assert split_pro_rata(100, [1, 1, 1]) == [34, 33, 33]
    assert split_pro_rata(10, [3, 1]) == [8, 2]
    assert split_pro_rata(0, [5, 5]) == [0, 0]
    assert split_pro_rata(0, [0, 0]) == [0, 0]


def test_split_pro_rata_refuses_what_it_cannot_share():
    with pytest.raises(ValueError):
        split_pro_rata(5, [0, 0])
    with pytest.raises(ValueError):
        split_pro_rata(-1, [1])


@given(
    st.integers(min_value=0, max_value=10**9),
    st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=30),
)
def test_split_pro_rata_adds_up_and_never_exceeds_a_weight(total, weights):
    if sum(weights) == 0:
        total = 0
    total = min(total, sum(weights))
    parts = split_pro_rata(total, weights)
    assert sum(parts) == total
    assert all(0 <= p <= w for p, w in zip(parts, weights, strict=True))


def test_two_donors_share_a_commitment_in_proportion_to_their_gifts():
    gifts = [Gift(1, None, 30_000), Gift(2, None, 10_000)]
    movements = commit(donations(gifts), award=7, fen=20_000)
    assert sorted(attribute_gifts(gifts, movements), key=lambda s: s.donation_id) == [
        GiftShare(1, 7, 15_000, 0),
        GiftShare(2, 7, 5_000, 0),
    ]


def test_a_restricted_gift_pays_only_its_domains_projects_and_first():
    gifts = [Gift(1, None, 100_000), Gift(2, ELDERLY, 10_000)]
    movements = commit(donations(gifts), award=7, fen=30_000, domain=ELDERLY)
    movements = commit(movements, award=8, fen=50_000, domain=None)
    shares = {
        (s.donation_id, s.award_id): s.committed_fen for s in attribute_gifts(gifts, movements)
    }
    assert shares == {(2, 7): 10_000, (1, 7): 20_000, (1, 8): 50_000}


def test_payments_follow_the_commitment_they_pay():
    gifts = [Gift(1, None, 30_000), Gift(2, None, 10_000)]
    movements = commit(donations(gifts), award=7, fen=40_000)
    movements.append(plan_payment(movements, 20_000, award_id=7))
    paid = {s.donation_id: s.paid_fen for s in attribute_gifts(gifts, movements)}
    assert paid == {1: 15_000, 2: 5_000}


def test_a_refund_shrinks_every_sharers_part_alike():
    gifts = [Gift(1, None, 30_000), Gift(2, None, 10_000)]
    movements = commit(donations(gifts), award=7, fen=40_000)
    movements.append(plan_payment(movements, 40_000, award_id=7))
    movements.extend(plan_refund(movements, 8_000, award_id=7))
    shares = {
        s.donation_id: (s.committed_fen, s.paid_fen) for s in attribute_gifts(gifts, movements)
    }
    assert shares == {1: (24_000, 24_000), 2: (8_000, 8_000)}


def test_uncommitted_money_is_attributed_to_nothing():
    gifts = [Gift(1, None, 30_000)]
    assert attribute_gifts(gifts, donations(gifts)) == []


GIFTS = st.lists(
    st.tuples(st.sampled_from([None, ELDERLY]), st.integers(min_value=1, max_value=500_000)),
    min_size=1,
    max_size=12,
)
AWARDS = st.lists(
    st.tuples(st.sampled_from([None, ELDERLY, 2]), st.integers(min_value=1, max_value=400_000)),
    max_size=10,
)


@given(GIFTS, AWARDS)
def test_every_award_is_attributed_exactly_and_no_gift_beyond_its_size(gift_specs, award_specs):
    gifts = [Gift(i, pool, fen) for i, (pool, fen) in enumerate(gift_specs, start=1)]
    movements = donations(gifts)
    for award, (domain, fen) in enumerate(award_specs, start=1):
        try:
            movements = commit(movements, award, fen, domain)
        except ValueError:
            continue
    shares = attribute_gifts(gifts, movements)
    committed = {}
    for m in movements:
        if m.kind == LedgerKind.COMMITMENT:
            committed[m.award_id] = committed.get(m.award_id, 0) + m.amount_fen
    by_award, by_gift = {}, {}
    for s in shares:
        by_award[s.award_id] = by_award.get(s.award_id, 0) + s.committed_fen
        by_gift[s.donation_id] = by_gift.get(s.donation_id, 0) + s.committed_fen
    assert by_award == {a: fen for a, fen in committed.items() if fen}
    given_fen = {g.donation_id: g.amount_fen for g in gifts}
    assert all(by_gift[g] <= given_fen[g] for g in by_gift)
    restricted = {g.donation_id for g in gifts if g.pool == ELDERLY}
    pools: dict[int, set] = {}
    for m in movements:
        if m.kind == LedgerKind.COMMITMENT:
            pools.setdefault(m.award_id, set()).add(m.domain_id)  # type: ignore[arg-type]
    for s in shares:
        if s.donation_id in restricted:
            assert ELDERLY in pools[s.award_id]


def test_a_released_commitment_no_longer_counts_as_a_donors_committed_share():
    gifts = [Gift(1, None, 10_000)]
    movements = commit(donations(gifts), award=7, fen=8_000)
    movements.append(Movement(LedgerKind.RELEASE, 3_000, None, award_id=7))
    assert attribute_gifts(gifts, movements) == [GiftShare(1, 7, 5_000, 0)]
