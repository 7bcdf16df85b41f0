"""Weighted scores and grade bands (优秀/良好/合格/不合格)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.grading import DEFAULT_GRADE_BANDS, ScoringError, grade_for, is_passing, weighted_score

REVIEW_WEIGHTS = {"需求契合度": 30, "服务设计": 25, "机构能力": 20, "预算合理性": 15, "创新性": 10}


def test_weighted_score_is_the_weight_share_of_each_criterion():
    scores = {"需求契合度": 90, "服务设计": 80, "机构能力": 70, "预算合理性": 60, "创新性": 100}
    assert weighted_score(scores, REVIEW_WEIGHTS) == 80.0


def test_weighted_score_is_rounded_to_two_places():
    assert weighted_score({"a": 33.333, "b": 66.667}, {"a": 50, "b": 50}) == 50.0
    assert weighted_score({"a": 70.126, "b": 0}, {"a": 100, "b": 0}) == 70.13


def test_scores_for_criteria_without_weight_are_ignored():
    assert weighted_score({"a": 80, "b": 60, "额外": 0}, {"a": 50, "b": 50}) == 70.0


@pytest.mark.parametrize("weights", [{"a": 50, "b": 49}, {"a": 60, "b": 50}, {}])
def test_weights_that_do_not_add_up_to_100_are_refused(weights):
    with pytest.raises(ScoringError, match="评分指标权重之和应为 100"):
        weighted_score({"a": 80, "b": 80}, weights)


def test_missing_criterion_scores_are_all_named():
    with pytest.raises(ScoringError) as refused:
        weighted_score({"需求契合度": 80}, REVIEW_WEIGHTS)
    assert str(refused.value) == "缺少评分指标：服务设计、机构能力、预算合理性、创新性"


@pytest.mark.parametrize("bad", [-0.01, 100.5, 120])
def test_criterion_score_outside_0_to_100_is_refused(bad):
    with pytest.raises(ScoringError, match="「a」得分应在 0–100 之间"):
        weighted_score({"a": bad, "b": 50}, {"a": 50, "b": 50})


def test_scores_at_the_ends_of_the_scale_are_accepted():
    assert weighted_score({"a": 0, "b": 100}, {"a": 50, "b": 50}) == 50.0


@given(
    st.lists(st.floats(min_value=0, max_value=100), min_size=3, max_size=3),
    st.sampled_from([(30, 30, 40), (100, 0, 0), (1, 1, 98), (34, 33, 33)]),
)
def test_weighted_score_stays_within_its_criteria_scores(scores, weights):
    names = ("a", "b", "c")
    total = weighted_score(
        dict(zip(names, scores, strict=True)), dict(zip(names, weights, strict=True))
    )
    weighted = [s for s, w in zip(scores, weights, strict=True) if w]
    assert min(weighted) - 0.005 <= total <= max(weighted) + 0.005


def test_negative_weight_is_refused():
    with pytest.raises(ScoringError):
        weighted_score({"a": 100, "b": 0}, {"a": 150, "b": -50})


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "优秀"),
        (90, "优秀"),
        (89.99, "良好"),
        (80, "良好"),
        (79.99, "合格"),
        (60, "合格"),
        (59.99, "不合格"),
        (0, "不合格"),
    ],
)
def test_grade_band_floor_belongs_to_its_band(score, grade):
    assert grade_for(score) == grade


def test_bands_may_be_given_in_any_order():
    bands = ((0, "不合格"), (60, "合格"), (90, "优秀"), (80, "良好"))
    assert [grade_for(s, bands) for s in (95, 85, 65, 5)] == ["优秀", "良好", "合格", "不合格"]


def test_score_below_every_band_is_refused():
    with pytest.raises(ScoringError, match="分数 -1 不在任何等级区间内"):
        grade_for(-1)
    with pytest.raises(ScoringError):
        grade_for(59, ((60, "合格"), (90, "优秀")))


@pytest.mark.parametrize(
    ("grade", "passing"),
    [("优秀", True), ("良好", True), ("合格", True), ("不合格", False), ("未知", False)],
)
def test_every_band_but_the_lowest_passes(grade, passing):
    assert is_passing(grade) is passing


def test_passing_follows_custom_bands():
    bands = ((85, "A"), (70, "B"), (50, "C"), (0, "D"))
    assert [is_passing(g, bands) for g in "ABCD"] == [True, True, True, False]


def test_default_bands_are_the_four_chinese_grades():
    assert [name for _, name in DEFAULT_GRADE_BANDS] == ["优秀", "良好", "合格", "不合格"]
