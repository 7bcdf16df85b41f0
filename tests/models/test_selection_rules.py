"""Selection: normalisation per reviewer, a reproducible ranking, allocation within the fund."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.selection import (
    Candidate,
    ScoredReview,
    allocate,
    average_by_proposal,
    normalise_per_reviewer,
    rank_candidates,
)

T0 = datetime(2026, 5, 10, 9, 0)


def candidate(pid, score, *, fen=1_000_000, domain="elderly", minutes=0) -> Candidate:
    return Candidate(pid, domain, fen, T0 + timedelta(minutes=minutes), score)


def test_each_reviewer_is_mapped_to_mean_75_and_sd_10():
    reviews = [ScoredReview(p, 1, s) for p, s in ((1, 60), (2, 70), (3, 80))]
    assert normalise_per_reviewer(reviews) == {(1, 1): 62.7526, (2, 1): 75.0, (3, 1): 87.2474}


def test_harsh_and_lenient_reviewers_who_agree_on_order_give_the_same_scores():
    harsh = [ScoredReview(p, 1, s) for p, s in ((1, 50), (2, 60), (3, 70))]
    lenient = [ScoredReview(p, 2, s) for p, s in ((1, 85), (2, 90), (3, 95))]
    normalised = normalise_per_reviewer(harsh + lenient)
    for proposal_id in (1, 2, 3):
        assert normalised[(proposal_id, 1)] == normalised[(proposal_id, 2)]


def test_a_reviewer_with_one_review_or_no_spread_sits_at_the_mean():
    reviews = [ScoredReview(1, 1, 99), ScoredReview(1, 2, 80), ScoredReview(2, 2, 80)]
    assert normalise_per_reviewer(reviews) == {(1, 1): 75.0, (1, 2): 75.0, (2, 2): 75.0}


def test_proposal_score_is_the_mean_of_its_reviewers_normalised_scores():
    normalised = {(1, 1): 80.0, (1, 2): 70.0, (1, 3): 75.5, (2, 1): 60.0}
    assert average_by_proposal(normalised) == {1: 75.17, 2: 60.0}


@given(
    st.lists(st.integers(min_value=0, max_value=100), min_size=2, max_size=8),
    st.floats(min_value=0.25, max_value=4),
    st.floats(min_value=-40, max_value=40),
)
def test_normalisation_is_invariant_to_a_reviewers_affine_bias(scores, scale, shift):
    own = [ScoredReview(p, 1, float(s)) for p, s in enumerate(scores)]
    biased = [ScoredReview(p, 2, s * scale + shift) for p, s in enumerate(scores)]
    normalised = normalise_per_reviewer(own + biased)
    for proposal_id in range(len(scores)):
        assert normalised[(proposal_id, 2)] == pytest.approx(normalised[(proposal_id, 1)], abs=1e-3)


def test_ranking_puts_the_higher_score_first():
    ranked = rank_candidates([candidate(1, 70.0), candidate(2, 90.0), candidate(3, 80.0)])
    assert [c.proposal_id for c in ranked] == [2, 3, 1]


def test_tie_breaks_on_smaller_request_then_earlier_submission_then_id():
    ranked = rank_candidates(
        [
            candidate(1, 80.0, fen=900_000, minutes=5),
            candidate(2, 80.0, fen=900_000, minutes=1),
            candidate(3, 80.0, fen=500_000, minutes=9),
            candidate(5, 80.0, fen=900_000, minutes=1),
            candidate(4, 80.0, fen=900_000, minutes=1),
        ]
    )
    assert [c.proposal_id for c in ranked] == [3, 2, 4, 5, 1]


CANDIDATES = st.lists(
    st.builds(
        lambda score, fen, minutes: (score, fen, minutes),
        st.sampled_from([60.0, 75.5, 80.0]),
        st.sampled_from([500_000, 1_000_000]),
        st.integers(min_value=0, max_value=2),
    ),
    max_size=12,
).map(lambda rows: [candidate(i, s, fen=f, minutes=m) for i, (s, f, m) in enumerate(rows)])


@given(CANDIDATES.flatmap(lambda cs: st.tuples(st.just(cs), st.permutations(cs))))
def test_ranking_is_the_same_whatever_order_the_candidates_arrive_in(pair):
    original, shuffled = pair
    assert rank_candidates(shuffled) == rank_candidates(original)


def test_allocation_funds_in_full_down_the_ranking():
    ranked = [candidate(1, 90, fen=600_000), candidate(2, 80, fen=400_000)]
    outcomes = allocate(ranked, pools={None: 1_000_000}, cap_fen=1_500_000)
    assert [(a.proposal_id, a.rank, a.amount_fen, a.reason) for a in outcomes] == [
        (1, 1, 600_000, "立项"),
        (2, 2, 400_000, "立项"),
    ]
    assert all(a.is_funded for a in outcomes)


def test_a_proposal_that_does_not_fit_is_skipped_and_smaller_ones_below_are_funded():
    ranked = [
        candidate(1, 90, fen=700_000),
        candidate(2, 85, fen=500_000),
        candidate(3, 80, fen=300_000),
    ]
    outcomes = allocate(ranked, pools={None: 1_000_000}, cap_fen=1_500_000)
    assert [a.amount_fen for a in outcomes] == [700_000, 0, 300_000]
    assert outcomes[1].reason == "基金余额不足以全额资助"
    assert not outcomes[1].is_funded


def test_request_above_the_per_project_cap_is_not_funded_even_when_money_remains():
    outcomes = allocate(
        [candidate(1, 95, fen=1_500_001)], pools={None: 10_000_000}, cap_fen=1_500_000
    )
    assert (outcomes[0].amount_fen, outcomes[0].reason) == (0, "申请金额超过单项资助上限")


def test_score_below_the_award_line_is_not_funded():
    outcomes = allocate(
        [candidate(1, 55.0, fen=100), candidate(2, 60.0, fen=100)],
        pools={None: 1_000},
        cap_fen=1_000,
        min_score=60,
    )
    assert [(a.amount_fen, a.reason) for a in outcomes] == [
        (0, "得分（加权原始均分）55.00 低于立项线 60"),
        (100, "立项"),
    ]


def test_candidate_draws_on_its_domains_restricted_money_first():
    ranked = [
        candidate(1, 90, fen=1_500_000, domain="elderly"),
        candidate(2, 85, fen=1_000_000, domain="youth"),
        candidate(3, 80, fen=500_000, domain="elderly"),
    ]
    outcomes = allocate(ranked, pools={"elderly": 1_000_000, None: 1_000_000}, cap_fen=2_000_000)
    assert [a.amount_fen for a in outcomes] == [1_500_000, 0, 500_000]


def test_restricted_money_is_never_spent_on_another_domain():
    outcomes = allocate(
        [candidate(1, 90, fen=500_000, domain="youth")],
        pools={"elderly": 5_000_000},
        cap_fen=5_000_000,
    )
    assert outcomes[0].amount_fen == 0


POOLS = st.fixed_dictionaries(
    {
        None: st.integers(min_value=0, max_value=3_000_000),
        "elderly": st.integers(min_value=0, max_value=2_000_000),
        "youth": st.integers(min_value=0, max_value=2_000_000),
    }
)
BIDS = st.lists(
    st.tuples(
        st.sampled_from(["elderly", "youth", "special"]),
        st.integers(min_value=1, max_value=2_000_000),
        st.floats(min_value=0, max_value=100),
    ),
    max_size=15,
)


@given(POOLS, BIDS, st.integers(min_value=1, max_value=2_000_000), st.sampled_from([0.0, 60.0]))
def test_allocation_never_exceeds_the_pools_or_the_cap(pools, bids, cap, min_score):
    ranked = rank_candidates(
        Candidate(i, domain, fen, T0, score) for i, (domain, fen, score) in enumerate(bids)
    )
    outcomes = allocate(ranked, pools=pools, cap_fen=cap, min_score=min_score)
    assert [a.rank for a in outcomes] == list(range(1, len(ranked) + 1))
    by_domain: dict[str, int] = defaultdict(int)
    for outcome, bid in zip(outcomes, ranked, strict=True):
        assert outcome.amount_fen in (0, bid.requested_fen)
        if outcome.is_funded:
            assert bid.requested_fen <= cap
            assert bid.score >= min_score
            by_domain[bid.domain_key] += outcome.amount_fen
    from_unrestricted = sum(
        max(0, funded - pools.get(domain, 0)) for domain, funded in by_domain.items()
    )
    assert from_unrestricted <= pools[None]
    assert sum(by_domain.values()) <= sum(pools.values())
