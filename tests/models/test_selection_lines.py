"""The published lines (初审 pass line, minimum award score) are read on the published scale.

The call publishes its lines on the weighted raw mean, out of 100. Normalisation
per reviewer orders the ranking, but never moves a proposal across a line.
"""

from __future__ import annotations

from datetime import datetime

from models.selection import (
    Candidate,
    ScoredReview,
    StageScore,
    allocate,
    judge_preliminary,
    passes_line,
    rank_candidates,
    raw_mean_by_proposal,
    score_stage,
)

T0 = datetime(2026, 5, 10, 9, 0)


def _lenient_panel() -> list[ScoredReview]:
    """Three lenient reviewers: proposal 1 is their lowest, with a raw mean of 74.8."""
    reviews = []
    for reviewer, low in ((1, 74.0), (2, 75.0), (3, 75.4)):
        reviews.append(ScoredReview(1, reviewer, low))
        reviews += [ScoredReview(p, reviewer, s) for p, s in ((2, 90.0), (3, 92.0), (4, 95.0))]
    return reviews


def test_a_raw_mean_of_74_8_passes_a_pass_line_of_65_whatever_its_normalised_score():
    scores = score_stage(_lenient_panel())

    assert scores[1].raw_mean == 74.8
    assert scores[1].normalised < 65  # the lowest of lenient reviewers' scores
    assert judge_preliminary(scores[1], pass_line=65).passed


def test_a_raw_mean_below_the_pass_line_fails_and_the_note_gives_both_scores():
    result = judge_preliminary(StageScore(raw_mean=58.4, normalised=81.2, reviews=3), pass_line=60)

    assert not result.passed
    assert result.note == "初审得分（加权原始均分）58.40 低于通过线 60（标准化得分 81.20）"


def test_a_track_record_bonus_is_added_to_the_raw_mean():
    score = StageScore(raw_mean=58.0, normalised=70.0, reviews=3)

    assert judge_preliminary(score, pass_line=60, bonus=2, bonus_reason="往年优秀加 2 分").passed
    assert not judge_preliminary(score, pass_line=60, bonus=1, bonus_reason="加 1 分").passed


def test_the_line_is_inclusive():
    assert passes_line(60.0, 60) and not passes_line(59.99, 60)


def test_raw_means_average_each_proposals_weighted_scores():
    reviews = [ScoredReview(1, 1, 70.0), ScoredReview(1, 2, 80.0), ScoredReview(2, 1, 90.0)]
    assert raw_mean_by_proposal(reviews) == {1: 75.0, 2: 90.0}


def test_the_award_line_reads_the_raw_mean_while_the_normalised_score_ranks():
    ranked = rank_candidates(
        [
            Candidate(1, "elderly", 100, T0, score=62.0, raw_score=74.8),
            Candidate(2, "elderly", 100, T0, score=80.0, raw_score=58.0),
        ]
    )
    outcomes = allocate(ranked, pools={None: 1_000}, cap_fen=1_000, min_score=65)

    assert [o.proposal_id for o in outcomes] == [2, 1]  # ranked by the normalised score
    assert [(o.amount_fen, o.reason) for o in outcomes] == [
        (0, "得分（加权原始均分）58.00 低于立项线 65"),
        (100, "立项"),
    ]
