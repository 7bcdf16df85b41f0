"""The documented context of every report: plain frozen dataclasses.

Templates never receive ORM objects. A flow task reads the database through
`store`, builds one of these, and hands it to `reports.render`. Money is in fen
(int); the templates format it. Free text written by users (`summary`,
`comment`) arrives raw and is escaped — and masked — by the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.cycle import OfficeIdentity
from models.privacy import is_person_name, mask_person


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
class OutputRow:
    """One output of a month against its plan; `planned` is None when the plan has none.

    `flag` is 异常 when the output is implausibly far above plan (the call's
    plausibility multiple), else empty.
    """

    name: str
    unit: str
    planned: int | None
    actual: int
    flag: str = ""


@dataclass(frozen=True)
class BudgetRow:
    """One budget line: its amount, the plan to date and the spend (fen)."""

    category: str
    budget_fen: int
    planned_to_date_fen: int
    spent_to_date_fen: int
    spent_month_fen: int
    deviation_percent: float | None
    flagged: bool
    state: str = ""  # 超支 / 执行偏慢 when flagged (models.indicators.budget_state), else empty


@dataclass(frozen=True)
class DayPoint:
    """One day of the month in the daily trend: 服务人次 and the report's state.

    `state` is one of on_time, late, missing, no_activity, not_due.
    """

    day: date
    people_served: int
    state: str


@dataclass(frozen=True)
class IssueRow:
    """An issue or risk an agency raised in a daily report; `text` is raw user text."""

    project_title: str
    day: date
    kind: str
    text: str


@dataclass(frozen=True)
class ActionRow:
    """One action item from a weekly meeting; `text` is raw user text."""

    seq: int
    project_title: str
    text: str
    owner: str
    due_on: date
    status_label: str
    closed_on: date | None

    @property
    def owner_shown(self) -> str:
        """The 责任人 as printed: a person masked (王**), a body (启航社工) as written."""
        return mask_person(self.owner)


@dataclass(frozen=True)
class MonthlyAssessmentContext:
    """项目月度评估报告 for one project and one month.

    `is_final` is true once the evaluation is published; before that the
    report is marked as a draft. Beneficiaries appear as counts only.
    """

    header: DocumentHeader
    month: str
    status_label: str
    is_final: bool
    project_title: str
    agency_name: str
    domain_name: str
    community_name: str
    contract_no: str
    starts_on: date
    ends_on: date
    month_index: int
    months: int
    award_fen: int
    paid_fen: int
    reports_expected: int
    reports_submitted: int
    reports_late: int
    outputs: tuple[OutputRow, ...]
    beneficiaries_new: int
    beneficiaries_to_date: int
    volunteers: int
    volunteer_minutes: int
    service_minutes: int
    satisfaction_percent: int | None
    budget_rows: tuple[BudgetRow, ...]
    budget_flagged: bool
    daily_points: tuple[DayPoint, ...]
    issues: tuple[IssueRow, ...]
    items_closed: int
    items_open: int
    action_items: tuple[ActionRow, ...]
    criteria: tuple[CriterionScore, ...]
    total_score: float | None
    grade: str
    veto: str
    evaluator_name: str
    comment: str
    reviewer_name: str
    review_comment: str
    published_on: date | None
    notes: tuple[DailyNote, ...]
    # People the system knows (need contacts, objectors, beneficiaries the
    # agency recorded): every user text of the document masks them (王**).
    names: tuple[str, ...] = ()
    # The issuing office its 落款 names, with its public contact (models.cycle.office_identity);
    # None: the header's street office, without contact.
    office: OfficeIdentity | None = None

    @property
    def known_names(self) -> tuple[str, ...]:
        """Every person's name the document's user text must hide: `names` and the action items' 责任人."""
        return _known_names(self.names, self.action_items)


@dataclass(frozen=True)
class DonorTypeRow:
    """Donations of one donor type (cash only; in-kind is counted apart)."""

    label: str
    donors: int
    amount_fen: int


@dataclass(frozen=True)
class DomainRow:
    """Demand, money and the month's grades in one service domain."""

    domain_name: str
    needs: int
    needs_weight: int
    projects: int
    award_fen: int
    paid_fen: int
    spent_to_date_fen: int
    people_served: int
    grades: tuple[GradeCount, ...]


@dataclass(frozen=True)
class ProjectRow:
    """One project's line in the street-wide summary; `grade` is empty until published."""

    project_title: str
    agency_name: str
    domain_name: str
    status_label: str
    total_score: float | None
    grade: str
    compliance_percent: int
    people_served: int
    spent_to_date_fen: int
    budget_flagged: bool


@dataclass(frozen=True)
class GradeCount:
    """How many projects earned one grade."""

    grade: str
    projects: int


@dataclass(frozen=True)
class RiskRow:
    """A project at risk and why."""

    project_title: str
    agency_name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class StreetSummaryContext:
    """街道月度汇总报告: every project of the cycle for one month."""

    header: DocumentHeader
    month: str
    domains: int
    agencies: int
    projects: int
    people_reached: int
    beneficiaries_new: int
    volunteer_minutes: int
    published: int
    fund_raised_fen: int
    committed_fen: int
    paid_fen: int
    balance_fen: int
    spent_to_date_fen: int
    in_kind_gifts: int
    yellow_cards: int
    donor_types: tuple[DonorTypeRow, ...]
    domain_rows: tuple[DomainRow, ...]
    project_rows: tuple[ProjectRow, ...]
    grade_counts: tuple[GradeCount, ...]
    at_risk: tuple[RiskRow, ...]
    # People the system knows (need contacts, objectors): the risks' text masks them (王**).
    names: tuple[str, ...] = ()

    @property
    def known_names(self) -> tuple[str, ...]:
        """Every person's name the document's user text must hide."""
        return _known_names(self.names, ())


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
    blind_preliminary: bool
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


@dataclass(frozen=True)
class WeeklyProgressRow:
    """One project's week in the 周例会 agenda: reports and 服务人次 against plan."""

    project_title: str
    agency_name: str
    reports_expected: int
    reports_on_time: int
    reports_late: int
    people_served: int
    people_planned: int


@dataclass(frozen=True)
class WeeklyMinutesContext:
    """周例会纪要 of one street office: the agenda from a week's reports, then the minutes.

    Until minutes are recorded (`minutes` empty) the document is the meeting's
    agenda (周例会议程), with room to write. `issues`, `minutes` and the
    action items' text are raw user text.
    """

    header: DocumentHeader
    week_label: str
    held_on: date
    headline: str
    progress: tuple[WeeklyProgressRow, ...]
    issues: tuple[IssueRow, ...]
    overdue_items: tuple[ActionRow, ...]
    at_risk: tuple[RiskRow, ...]
    attendees: str
    recorder: str
    minutes: str
    action_items: tuple[ActionRow, ...]
    # People the system knows (need contacts, objectors, beneficiaries the
    # agency recorded): every user text of the document masks them (王**).
    names: tuple[str, ...] = ()
    # Who chaired the meeting, as recorded with the minutes; empty: a blank line to sign.
    host: str = ""
    # The issuing office its 落款 names, with its public contact (models.cycle.office_identity).
    office: OfficeIdentity | None = None

    @property
    def known_names(self) -> tuple[str, ...]:
        """Every person's name the document's user text must hide: `names` and the action items' 责任人."""
        return _known_names(self.names, self.action_items + self.overdue_items)


@dataclass(frozen=True)
class DemandDomainRow:
    """Residents and distinct needs in one domain; `funded_residents` have a funded project."""

    name: str
    theme: str
    residents: int
    groups: int
    funded_residents: int


@dataclass(frozen=True)
class DemandCommunityRow:
    """One community's residents per domain, in the order of the report's domain rows."""

    community: str
    residents: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class DemandCountRow:
    """A target group or a source, and the residents and distinct needs behind it."""

    label: str
    residents: int
    groups: int


@dataclass(frozen=True)
class DemandNeedRow:
    """One group of needs; `text` is raw resident text, masked and escaped by the template."""

    community: str
    domain_name: str
    target_group: str
    text: str
    residents: int
    coverage_label: str


@dataclass(frozen=True)
class NeedsSurveyContext:
    """需求调研报告: what residents asked for, by domain, community and target group.

    Every figure counts residents (a group of twelve duplicates counts twelve).
    Counts and need texts only: no resident's name or phone reaches it.
    """

    header: DocumentHeader
    first_day: date | None
    last_day: date | None
    residents: int
    groups: int
    communities: int
    in_review_groups: int
    domain_rows: tuple[DemandDomainRow, ...]
    community_rows: tuple[DemandCommunityRow, ...]
    target_rows: tuple[DemandCountRow, ...]
    source_rows: tuple[DemandCountRow, ...]
    top_needs: tuple[DemandNeedRow, ...]
    unanswered: tuple[DemandNeedRow, ...]
    proposals_cite_needs: bool
    answered_residents: int
    funded_residents: int
    # People the system knows (need contacts, objectors, beneficiaries the
    # agency recorded): every user text of the document masks them (王**).
    names: tuple[str, ...] = ()
    # The issuing office its 落款 names, with its public contact (models.cycle.office_identity);
    # dated by the header's day, the survey's as-of day.
    office: OfficeIdentity | None = None

    @property
    def known_names(self) -> tuple[str, ...]:
        """Every person's name the need texts must hide (the needs' contacts, when handed)."""
        return _known_names(self.names, ())


def _known_names(names: tuple[str, ...], items: tuple[ActionRow, ...]) -> tuple[str, ...]:
    """The handed names and the action items' owners, without blanks or repeats."""
    found = [*names, *(item.owner for item in items if is_person_name(item.owner))]
    return tuple(dict.fromkeys(name.strip() for name in found if name.strip()))
