"""The documented context of every report: plain frozen dataclasses.

Templates never receive ORM objects. A flow task reads the database through
`store`, builds one of these, and hands it to `reports.render`. Money is in fen
(int); the templates format it. Free text written by users (`summary`,
`comment`) arrives raw and is escaped — and masked — by the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DocumentHeader:
    """What every page header shows."""

    street_office: str
    cycle_name: str
    title: str
    generated_on: date


@dataclass(frozen=True)
class IndicatorRow:
    """One output indicator: planned against actual for the month."""

    name: str
    unit: str
    planned: int
    actual: int


@dataclass(frozen=True)
class CriterionScore:
    """One weighted criterion of a monthly evaluation (score is 0–100)."""

    name: str
    weight: int
    score: float


@dataclass(frozen=True)
class DailyNote:
    """An excerpt of one daily report; `summary` is raw user text."""

    day: date
    people_served: int
    summary: str


@dataclass(frozen=True)
class MonthlyAssessmentContext:
    """月度评估报告 for one project and one month."""

    header: DocumentHeader
    month: str
    project_title: str
    agency_name: str
    domain_name: str
    community_name: str
    award_fen: int
    paid_fen: int
    reports_expected: int
    reports_submitted: int
    reports_late: int
    people_planned: int
    people_served: int
    indicators: tuple[IndicatorRow, ...]
    criteria: tuple[CriterionScore, ...]
    total_score: float
    grade: str
    evaluator_name: str
    comment: str
    open_action_items: tuple[str, ...]
    notes: tuple[DailyNote, ...]


@dataclass(frozen=True)
class DonorTypeRow:
    """Donations of one donor type (cash only; in-kind is counted apart)."""

    label: str
    donors: int
    amount_fen: int


@dataclass(frozen=True)
class DomainRow:
    """Demand and supply in one service domain."""

    domain_name: str
    needs: int
    needs_weight: int
    projects: int
    award_fen: int
    people_served: int


@dataclass(frozen=True)
class ProjectRow:
    """One project's line in the street-wide summary."""

    project_title: str
    agency_name: str
    domain_name: str
    total_score: float
    grade: str
    compliance_percent: int
    people_served: int


@dataclass(frozen=True)
class GradeCount:
    """How many projects earned one grade."""

    grade: str
    projects: int


@dataclass(frozen=True)
class StreetSummaryContext:
    """街道月度汇总报告: the whole cycle for one month."""

    header: DocumentHeader
    month: str
    domains: int
    agencies: int
    projects: int
    people_reached: int
    fund_raised_fen: int
    committed_fen: int
    paid_fen: int
    balance_fen: int
    in_kind_gifts: int
    donor_types: tuple[DonorTypeRow, ...]
    domain_rows: tuple[DomainRow, ...]
    project_rows: tuple[ProjectRow, ...]
    grade_counts: tuple[GradeCount, ...]
