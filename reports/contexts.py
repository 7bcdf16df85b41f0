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


@dataclass(frozen=True)
class NoticeRow:
    """One funded project on the 公示."""

    rank: int
    project_title: str
    agency_name: str
    domain_name: str
    amount_fen: int


@dataclass(frozen=True)
class PublicNoticeContext:
    """公示: the funded projects and how to object, with no beneficiary data."""

    header: DocumentHeader
    call_title: str
    published_on: date
    ends_on: date
    objection_days: int
    rows: tuple[NoticeRow, ...]
    total_fen: int
    panel: tuple[str, ...]


@dataclass(frozen=True)
class TrancheLine:
    """One payment of a contract's tranche plan."""

    seq: int
    percent: int
    amount_fen: int
    condition: str


@dataclass(frozen=True)
class ContractContext:
    """资助协议 between the street office and one agency."""

    header: DocumentHeader
    contract_no: str
    call_title: str
    street_office: str
    agency_name: str
    credit_code: str
    project_title: str
    domain_name: str
    community_name: str
    amount_fen: int
    matching_fen: int
    starts_on: date
    ends_on: date
    kpis: tuple[IndicatorRow, ...]
    tranches: tuple[TrancheLine, ...]
    signed_on: date


@dataclass(frozen=True)
class SelectionDomainRow:
    """Selection by domain: received, screened, reviewed, funded."""

    domain_name: str
    received: int
    eligible: int
    reviewed: int
    funded: int
    funded_fen: int


@dataclass(frozen=True)
class SelectionSummaryContext:
    """街道遴选汇总: the selection of one call, by domain, against the fund."""

    header: DocumentHeader
    call_title: str
    rows: tuple[SelectionDomainRow, ...]
    total: SelectionDomainRow
    fund_raised_fen: int
    committed_fen: int
    reviewers: int
    conflicts_excluded: int
    objections: int
    objections_upheld: int


@dataclass(frozen=True)
class CallTrancheRow:
    """One step of the call's tranche plan (资助方式)."""

    seq: int
    percent: int
    condition: str


@dataclass(frozen=True)
class CallCriterion:
    """A weighted criterion of the call's evaluation (项目评估)."""

    name: str
    weight: int


@dataclass(frozen=True)
class CallDomain:
    """A domain the call funds, with the money donors restricted to it."""

    name: str
    theme: str
    restricted_fen: int


@dataclass(frozen=True)
class CallContext:
    """申报指南: the call's six unified standards as published to agencies."""

    header: DocumentHeader
    title: str
    version: int
    opens_on: date
    deadline: str
    # 资助主体
    org_types: tuple[str, ...]
    min_years_registered: int
    annual_inspection_ok: tuple[str, ...]
    exclude_abnormal_list: bool
    exclude_serious_violation_list: bool
    max_proposals_per_agency: int
    min_past_grade: str
    max_yellow_cards: int | None
    # 资助方式
    funding_mode: str
    matching_percent: int
    tranches: tuple[CallTrancheRow, ...]
    # 资助内容
    domains: tuple[CallDomain, ...]
    budget_categories: tuple[str, ...]
    personnel_category: str
    personnel_share_max: int
    admin_category: str
    admin_share_max: int
    max_months: int | None
    kpi_indicators: tuple[str, ...]
    # 资助金额
    min_fen: int
    max_fen: int
    total_fen: int
    # 资金来源
    fund_name: str
    fund_raised_fen: int
    restricted_parts: bool
    donor_types: tuple[DonorTypeRow, ...]
    # 项目评估
    stages: tuple[str, ...]
    objection_days: int
    reviewers_per_proposal: int | None
    blind_review: bool
    review_criteria: tuple[CallCriterion, ...]
    monthly_criteria: tuple[CallCriterion, ...]
    grade_bands: tuple[tuple[str, str], ...]
    min_award_score: str
    calendar: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class GiftLine:
    """One gift of a donor: cash in fen, or in kind with its description and valuation."""

    donated_on: date
    kind: str
    amount_fen: int
    restricted_to: str
    description: str
    valuation_fen: int | None


@dataclass(frozen=True)
class OutputLine:
    """A project's planned output for its whole run, and what its daily reports show so far."""

    indicator: str
    unit: str
    planned: int
    reported: int | None


@dataclass(frozen=True)
class AttributedProject:
    """A project the donor's money went to, and how much of it."""

    project_title: str
    agency_name: str
    domain_name: str
    award_fen: int
    committed_fen: int
    paid_fen: int
    outputs: tuple[OutputLine, ...]


@dataclass(frozen=True)
class DonorStatementContext:
    """捐赠资金去向说明 for one donor, as of one day."""

    header: DocumentHeader
    donor_name: str
    donor_type: str
    as_of: date
    fund_name: str
    cash_fen: int
    committed_fen: int
    paid_fen: int
    uncommitted_fen: int
    gifts: tuple[GiftLine, ...]
    projects: tuple[AttributedProject, ...]
    fund_raised_fen: int
    fund_committed_fen: int
    fund_paid_fen: int
