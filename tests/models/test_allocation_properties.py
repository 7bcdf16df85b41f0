"""Allocation: never beyond the fund, caps, restricted parts or ceilings; quotas; fairness to scale."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.selection import (
    AllocationError,
    Candidate,
    Quotas,
    ScoredReview,
    allocate,
    average_by_proposal,
    compare_allocations,
    normalise_per_reviewer,
    rank_candidates,
)

DOMAINS = ("elderly", "youth", "special", "community")
AT = datetime(2026, 5, 10, tzinfo=UTC)

candidates_st = st.lists(
    st.builds(
        lambda pid, d, fen, score: Candidate(pid, d, fen, AT, score),
        st.integers(1, 10_000),
        st.sampled_from(DOMAINS),
        st.integers(100_000, 2_000_000),
        st.floats(40, 100, allow_nan=False),
    ),
    max_size=30,
    unique_by=lambda c: c.proposal_id,
)
pools_st = st.fixed_dictionaries(
    {None: st.integers(0, 20_000_000)},
    optional={d: st.integers(0, 3_000_000) for d in DOMAINS},
)


@settings(max_examples=200)
@given(
    candidates=candidates_st,
    pools=pools_st,
    cap=st.integers(100_000, 2_000_000),
    ceiling=st.integers(0, 10_000_000),
    minimum=st.integers(0, 3),
)
def test_allocation_never_exceeds_fund_caps_restricted_parts_or_ceilings(
    candidates, pools, cap, ceiling, minimum
):
    quotas = Quotas(max_fen={"youth": ceiling}, min_projects={"elderly": minimum})
    outcomes = allocate(rank_candidates(candidates), pools=pools, cap_fen=cap, quotas=quotas)
    by_id = {c.proposal_id: c for c in candidates}
    funded = [by_id[o.proposal_id] for o in outcomes if o.is_funded]
    assert sum(c.requested_fen for c in funded) <= sum(pools.values())
    assert all(c.requested_fen <= cap for c in funded)
    assert sum(c.requested_fen for c in funded if c.domain_key == "youth") <= ceiling
    for domain in DOMAINS:
        usable = pools.get(domain, 0) + pools[None]
        assert sum(c.requested_fen for c in funded if c.domain_key == domain) <= usable
    restricted_elsewhere = sum(v for k, v in pools.items() if k is not None)
    spent = sum(c.requested_fen for c in funded)
    assert spent <= pools[None] + restricted_elsewhere


@settings(max_examples=200)
@given(candidates=candidates_st, minimum=st.integers(0, 4))
def test_a_domain_minimum_holds_whenever_the_money_for_it_exists(candidates, minimum):
    ranked = rank_candidates(candidates)
    best_elderly = [c for c in ranked if c.domain_key == "elderly"][:minimum]
    money = sum(c.requested_fen for c in best_elderly)
    outcomes = allocate(
        ranked, pools={None: money}, cap_fen=10**9, quotas=Quotas(min_projects={"elderly": minimum})
    )
    funded = {o.proposal_id for o in outcomes if o.is_funded}
    assert {c.proposal_id for c in best_elderly} <= funded


@given(candidates=candidates_st, threshold=st.floats(40, 100, allow_nan=False))
def test_with_ample_money_everyone_above_the_threshold_is_funded(candidates, threshold):
    outcomes = allocate(
        rank_candidates(candidates), pools={None: 10**10}, cap_fen=10**9, min_score=threshold
    )
    funded = {o.proposal_id for o in outcomes if o.is_funded}
    assert funded == {c.proposal_id for c in candidates if c.score >= threshold}


def test_a_committee_exclusion_frees_money_for_the_next_in_line():
    ranked = [Candidate(i, "elderly", 1_000_000, AT, 90 - i) for i in range(1, 4)]
    before = allocate(ranked, pools={None: 2_000_000}, cap_fen=1_500_000)
    after = allocate(ranked, pools={None: 2_000_000}, cap_fen=1_500_000, exclude=[1])
    assert [o.amount_fen for o in before] == [1_000_000, 1_000_000, 0]
    assert [o.reason for o in after] == ["评审委员会决定不予资助", "立项", "立项"]
    assert [
        (c.proposal_id, c.before_fen, c.after_fen) for c in compare_allocations(before, after)
    ] == [
        (1, 1_000_000, 0),
        (3, 0, 1_000_000),
    ]


def test_a_committee_inclusion_that_breaks_the_fund_is_refused():
    ranked = [Candidate(1, "youth", 1_000_000, AT, 90), Candidate(2, "youth", 1_500_000, AT, 50)]
    with pytest.raises(AllocationError, match="#2 无法资助：基金余额不足"):
        allocate(ranked, pools={None: 2_000_000}, cap_fen=1_500_000, include=[1, 2])


def test_a_harsh_reviewer_shifted_down_by_20_points_does_not_change_the_ranking():
    scores = {1: [88, 80, 70], 2: [82, 85, 74], 3: [75, 90, 79], 4: [91, 70, 60]}

    def ranking(shift: float) -> list[int]:
        reviews = [
            ScoredReview(pid, reviewer, s - (shift if reviewer == 0 else 0))
            for pid, row in scores.items()
            for reviewer, s in enumerate(row)
        ]
        averages = average_by_proposal(normalise_per_reviewer(reviews))
        return [
            c.proposal_id
            for c in rank_candidates(Candidate(p, "elderly", 1, AT, a) for p, a in averages.items())
        ]

    assert ranking(20) == ranking(0)
