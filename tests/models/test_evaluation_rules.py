"""Monthly evaluation (月评估): measured and evaluator scores, the weighted total and the grade."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from models.call_rules import Criterion, read_call_rules
from models.evaluation import (
    COMPLIANCE,
    PROGRESS,
    MonthlyScore,
    monthly_plan,
    progress_percent,
    score_month,
)
from models.grading import DEFAULT_GRADE_BANDS, ScoringError

CALL_TOML = Path(__file__).resolve().parents[2] / "demo" / "call.toml"
CRITERIA = (Criterion(COMPLIANCE, 30), Criterion(PROGRESS, 30), Criterion("服务质量", 40))


def month(compliance=100, served=50, planned=50, evaluator=None, criteria=CRITERIA) -> MonthlyScore:
    return score_month(
        compliance_percent=compliance,
        people_served=served,
        people_planned=planned,
        evaluator_scores={"服务质量": 85} if evaluator is None else evaluator,
        criteria=criteria,
        bands=DEFAULT_GRADE_BANDS,
    )


def test_measured_criteria_are_named_as_in_the_demo_calls_monthly_criteria():
    data = tomllib.loads(CALL_TOML.read_text(encoding="utf-8"))
    names = [c.name for c in read_call_rules(data).monthly_criteria]
    assert (COMPLIANCE, PROGRESS) == ("日报告合规", "服务进度")
    assert {COMPLIANCE, PROGRESS} <= set(names)


@pytest.mark.parametrize(
    ("served", "planned", "percent"),
    [
        (50, 100, 50.0),
        (1, 3, 33.3),
        (2, 3, 66.7),
        (100, 100, 100.0),
        (180, 100, 100.0),
        (0, 10, 0.0),
    ],
)
def test_progress_is_the_served_share_of_plan_capped_at_100(served, planned, percent):
    assert progress_percent(served, planned) == percent


@pytest.mark.parametrize("planned", [0, -5])
def test_progress_with_nothing_planned_is_full(planned):
    assert progress_percent(0, planned) == 100.0


@pytest.mark.parametrize(
    ("planned", "months", "share"),
    [(120, 6, 20), (100, 6, 17), (5, 6, 1), (0, 6, 0), (100, 0, 100), (100, 1, 100)],
)
def test_a_months_share_of_the_plan_is_rounded_up(planned, months, share):
    assert monthly_plan(planned, months) == share


def test_month_combines_measured_and_evaluator_scores_by_the_calls_weights():
    assert month(compliance=80, served=45, planned=50, evaluator={"服务质量": 85}) == MonthlyScore(
        scores={COMPLIANCE: 80.0, PROGRESS: 90.0, "服务质量": 85.0},
        total=85.0,
        grade="良好",
    )


@pytest.mark.parametrize(
    ("compliance", "quality", "grade"),
    [(100, 100, "优秀"), (100, 75, "优秀"), (100, 50, "良好"), (40, 50, "合格"), (0, 40, "不合格")],
)
def test_month_grade_comes_from_the_total(compliance, quality, grade):
    assert month(compliance=compliance, evaluator={"服务质量": quality}).grade == grade


def test_month_scores_follow_the_order_of_the_calls_criteria():
    reordered = (Criterion("服务质量", 40), Criterion(PROGRESS, 30), Criterion(COMPLIANCE, 30))
    assert list(month(criteria=reordered).scores) == ["服务质量", PROGRESS, COMPLIANCE]


def test_month_without_the_evaluators_score_is_refused_naming_it():
    with pytest.raises(ScoringError, match="缺少评分指标：服务质量"):
        month(evaluator={})


def test_evaluator_score_outside_0_to_100_is_refused():
    with pytest.raises(ScoringError, match="「服务质量」得分应在 0–100 之间"):
        month(evaluator={"服务质量": 105})


def test_an_evaluator_cannot_overwrite_a_measured_score():
    try:
        result = month(compliance=20, evaluator={"服务质量": 85, COMPLIANCE: 100})
    except ScoringError:
        return
    assert result.scores[COMPLIANCE] == 20.0


def test_an_evaluator_score_for_a_criterion_the_call_does_not_know_is_refused():
    with pytest.raises(ScoringError):
        month(evaluator={"服务质量": 85, "创新性": 90})
