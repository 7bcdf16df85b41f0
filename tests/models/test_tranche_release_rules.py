"""The mid-term tranche: released on a passing mid-term grade, held on a failing one, never twice."""

from __future__ import annotations

from datetime import date

import pytest

from models.grading import DEFAULT_GRADE_BANDS
from models.tranche_release import (
    TrancheDecision,
    decide_tranche,
    midterm_month_index,
    project_month,
)


@pytest.mark.parametrize(("months", "index"), [(6, 3), (5, 3), (4, 2), (1, 1), (12, 6)])
def test_the_midterm_is_the_projects_middle_month(months, index):
    assert midterm_month_index(months) == index


@pytest.mark.parametrize(
    ("start", "index", "month"),
    [
        (date(2026, 6, 1), 3, "2026-08"),
        (date(2026, 6, 20), 1, "2026-06"),
        (date(2026, 11, 1), 3, "2027-01"),
    ],
)
def test_a_project_month_is_counted_from_the_month_it_starts_in(start, index, month):
    assert project_month(start, index) == month


DECISIONS = [
    ("midterm_pass", "planned", "合格", TrancheDecision.RELEASE),
    ("midterm_pass", "planned", "优秀", TrancheDecision.RELEASE),
    ("midterm_pass", "planned", "不合格", TrancheDecision.HOLD),
    ("midterm_pass", "planned", None, TrancheDecision.WAIT),
    ("midterm_pass", "withheld", "不合格", TrancheDecision.WAIT),
    ("midterm_pass", "withheld", "良好", TrancheDecision.RELEASE),
    ("midterm_pass", "released", "良好", TrancheDecision.WAIT),
    ("midterm_pass", "released", "不合格", TrancheDecision.WAIT),
    ("on_signing", "planned", "良好", TrancheDecision.WAIT),
    ("final_pass", "planned", "良好", TrancheDecision.WAIT),
]


@pytest.mark.parametrize(("condition", "status", "grade", "decision"), DECISIONS)
def test_a_tranche_is_decided_by_its_published_midterm_grade(condition, status, grade, decision):
    assert (
        decide_tranche(condition=condition, status=status, grade=grade, bands=DEFAULT_GRADE_BANDS)
        == decision
    )
