"""Monthly evaluation (月评估): measured and evaluator scores, vetoes, the grade, and who reviews."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from models.call_rules import Criterion, read_call_rules
from models.evaluation import (
    COMPLIANCE,
    PROGRESS,
    VETO_MISSING_MONTH,
    VETO_MISUSE,
    MonthlyScore,
    ReviewError,
    check_reviewer,
    evaluator_criteria,
    is_month_missing,
    monthly_plan,
    score_month,
)
from models.grading import DEFAULT_GRADE_BANDS, ScoringError
from models.status import (
    EVALUATION_TRANSITIONS,
    EvaluationStatus,
    Role,
    TransitionError,
    apply_transition,
)

CALL_TOML = Path(__file__).resolve().parents[2] / "demo" / "call.toml"
CRITERIA = (Criterion(COMPLIANCE, 30), Criterion(PROGRESS, 30), Criterion("服务质量", 40))


def month(
    compliance=100, progress=100.0, evaluator=None, criteria=CRITERIA, **vetoes
) -> MonthlyScore:
    return score_month(
        compliance_percent=compliance,
        progress_percent=progress,
        evaluator_scores={"服务质量": 85} if evaluator is None else evaluator,
        criteria=criteria,
        bands=DEFAULT_GRADE_BANDS,
        **vetoes,
    )


def test_measured_criteria_are_named_as_in_the_demo_calls_monthly_criteria():
    data = tomllib.loads(CALL_TOML.read_text(encoding="utf-8"))
    names = [c.name for c in read_call_rules(data).monthly_criteria]
    assert (COMPLIANCE, PROGRESS) == ("日报告合规", "服务进度")
    assert {COMPLIANCE, PROGRESS} <= set(names)


def test_the_evaluator_scores_every_criterion_but_the_measured_ones():
    assert evaluator_criteria((*CRITERIA, Criterion("创新性", 0))) == ["服务质量", "创新性"]


@pytest.mark.parametrize(
    ("planned", "months", "share"),
    [(120, 6, 20), (100, 6, 17), (5, 6, 1), (0, 6, 0), (100, 0, 100), (100, 1, 100)],
)
def test_a_months_share_of_the_plan_is_rounded_up(planned, months, share):
    assert monthly_plan(planned, months) == share


def test_month_combines_measured_and_evaluator_scores_by_the_calls_weights():
    assert month(compliance=80, progress=90.0, evaluator={"服务质量": 85}) == MonthlyScore(
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


@pytest.mark.parametrize("bad", [105, -1, 100.5])
def test_evaluator_score_outside_0_to_100_is_refused(bad):
    with pytest.raises(ScoringError, match="「服务质量」得分应在 0–100 之间"):
        month(evaluator={"服务质量": bad})


def test_an_evaluator_cannot_overwrite_a_measured_score():
    with pytest.raises(ScoringError, match="由日报告记录计算"):
        month(compliance=20, evaluator={"服务质量": 85, COMPLIANCE: 100})


def test_an_evaluator_score_for_a_criterion_the_call_does_not_know_is_refused():
    with pytest.raises(ScoringError, match="没有「创新性」"):
        month(evaluator={"服务质量": 85, "创新性": 90})


def test_misused_money_sets_the_total_to_zero_and_the_lowest_grade():
    result = month(evaluator={"服务质量": 100}, funds_misused=True)
    assert (result.total, result.grade, result.veto) == (0.0, "不合格", VETO_MISUSE)


def test_a_month_without_any_report_is_unqualified_whatever_the_scores():
    result = month(compliance=0, progress=100.0, evaluator={"服务质量": 100}, month_missing=True)
    assert result.total == 70.0
    assert (result.grade, result.veto) == ("不合格", VETO_MISSING_MONTH)


def test_the_veto_uses_the_calls_own_lowest_band():
    bands = ((85, "A"), (70, "B"), (50, "C"))
    result = score_month(
        compliance_percent=100,
        progress_percent=100,
        evaluator_scores={"服务质量": 100},
        criteria=CRITERIA,
        bands=bands,
        funds_misused=True,
    )
    assert result.grade == "C"


@pytest.mark.parametrize(
    ("expected", "submitted", "missing"), [(22, 0, True), (22, 1, False), (0, 0, False)]
)
def test_a_month_is_missing_only_when_reports_were_due_and_none_came(expected, submitted, missing):
    assert is_month_missing(expected=expected, submitted=submitted) is missing


def test_the_evaluator_who_scored_may_not_review_their_own_scores():
    with pytest.raises(ReviewError, match="不能是评分的评估专家本人"):
        check_reviewer(scorer="周立衡", reviewer=" 周立衡 ")


def test_a_review_needs_a_named_reviewer():
    with pytest.raises(ReviewError, match="请写明审核人"):
        check_reviewer(scorer="周立衡", reviewer="  ")


def test_another_evaluator_may_review():
    check_reviewer(scorer="周立衡", reviewer="陈慧敏")


REVIEW_CYCLE = [
    (EvaluationStatus.DRAFT, EvaluationStatus.IN_REVIEW, Role.EVALUATOR, True),
    (EvaluationStatus.DRAFT, EvaluationStatus.IN_REVIEW, Role.SYSTEM, True),
    (EvaluationStatus.DRAFT, EvaluationStatus.IN_REVIEW, Role.AGENCY, False),
    (EvaluationStatus.IN_REVIEW, EvaluationStatus.APPROVED, Role.EVALUATOR, True),
    (EvaluationStatus.IN_REVIEW, EvaluationStatus.APPROVED, Role.STAFF, True),
    (EvaluationStatus.IN_REVIEW, EvaluationStatus.APPROVED, Role.AGENCY, False),
    (EvaluationStatus.IN_REVIEW, EvaluationStatus.NEEDS_REVISION, Role.EVALUATOR, True),
    (EvaluationStatus.NEEDS_REVISION, EvaluationStatus.IN_REVIEW, Role.EVALUATOR, True),
    (EvaluationStatus.APPROVED, EvaluationStatus.PUBLISHED, Role.SYSTEM, True),
    (EvaluationStatus.APPROVED, EvaluationStatus.PUBLISHED, Role.EVALUATOR, False),
    (EvaluationStatus.DRAFT, EvaluationStatus.APPROVED, Role.STAFF, False),
    (EvaluationStatus.DRAFT, EvaluationStatus.PUBLISHED, Role.SYSTEM, False),
    (EvaluationStatus.PUBLISHED, EvaluationStatus.DRAFT, Role.STAFF, False),
    (EvaluationStatus.NEEDS_REVISION, EvaluationStatus.APPROVED, Role.STAFF, False),
]


@pytest.mark.parametrize(("current", "target", "role", "allowed"), REVIEW_CYCLE)
def test_the_review_cycle_goes_draft_review_approved_published(current, target, role, allowed):
    if allowed:
        assert apply_transition(EVALUATION_TRANSITIONS, current, target, role=role) == target
    else:
        with pytest.raises(TransitionError):
            apply_transition(EVALUATION_TRANSITIONS, current, target, role=role)
