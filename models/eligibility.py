"""Eligibility screening (资格审查) of a proposal against the call and the agency's record.

The screen runs every rule and returns one `RuleResult` per rule, passed or
failed, each with its reason, so an agency learns everything it must fix and
staff can see why a proposal passed. The proposal's own content is checked by
`models.proposal_rules`, whose findings land under the same rule names.
Track record (past grades, yellow cards and breaches) is read when the agency
has one; `track_record_bonus` gives the 初审 bonus the call grants a past grade.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from models.call_keys import STANDARD_LABELS
from models.call_rules import CallRules
from models.proposal_rules import ProposalDraft, validate_proposal

# rule -> (standard key, what is checked), in the order results are shown.
RULES = {
    "org_type": ("applicants", "组织类型"),
    "years_registered": ("applicants", "登记年限"),
    "annual_inspection": ("applicants", "年检结果"),
    "abnormal_list": ("applicants", "活动异常名录"),
    "serious_violation_list": ("applicants", "严重违法失信名单"),
    "proposals_per_agency": ("applicants", "同一机构申报数"),
    "track_record": ("applicants", "往期表现"),
    "deadline": ("evaluation", "申报时间"),
    "domain": ("content", "服务领域"),
    "budget": ("content", "预算结构"),
    "plan": ("content", "周期与绩效指标"),
    "needs": ("content", "回应居民需求"),
    "amount": ("amount", "申请金额"),
    "matching": ("funding_mode", "配套资金"),
}


@dataclass(frozen=True)
class PastCycle:
    """An agency's grade and yellow cards in one past cycle."""

    year: int
    grade: str
    yellow_cards: int = 0
    breaches: int = 0


@dataclass(frozen=True)
class AgencyRecord:
    """What screening reads of an agency."""

    org_type: str
    registered_on: date
    annual_inspection: str
    on_abnormal_list: bool
    on_serious_violation_list: bool = False
    past_cycles: tuple[PastCycle, ...] = ()


@dataclass(frozen=True)
class Bid:
    """What screening reads of a proposal beyond its content."""

    draft: ProposalDraft
    submitted_at: datetime | None
    proposals_by_agency: int


@dataclass(frozen=True)
class RuleResult:
    """One rule of the screen: passed or not, and why."""

    rule: str
    label: str
    passed: bool
    reason: str


def years_between(earlier: date, later: date) -> int:
    """Count whole years from `earlier` to `later`."""
    years = later.year - earlier.year
    if (later.month, later.day) < (earlier.month, earlier.day):
        years -= 1
    return years


def screen_bid(
    bid: Bid,
    *,
    agency: AgencyRecord,
    rules: CallRules,
    deadline: datetime,
    today: date,
    known_need_ids: Sequence[int] | None = None,
) -> list[RuleResult]:
    """Check the bid and its agency against every rule of the call."""
    failures = {**_agency_failures(agency, rules, today), **_bid_failures(bid, rules, deadline)}
    check = validate_proposal(bid.draft, rules, known_need_ids=known_need_ids)
    for finding in check.violations:
        failures.setdefault(finding.rule, []).append(finding.message)
    notes = {f.rule: f.message for f in check.warnings}
    return [
        RuleResult(
            rule,
            f"{STANDARD_LABELS[standard]}·{what}",
            not failures.get(rule),
            "；".join(failures.get(rule) or [notes.get(rule) or _passed(rule, agency, rules)]),
        )
        for rule, (standard, what) in RULES.items()
    ]


def failed_reasons(results: Sequence[RuleResult]) -> list[str]:
    """Return the reasons of the rules that failed, in order."""
    return [r.reason for r in results if not r.passed]


def _agency_failures(agency: AgencyRecord, rules: CallRules, today: date) -> dict[str, list[str]]:
    failures: dict[str, list[str]] = {}
    if agency.org_type not in rules.org_types:
        failures["org_type"] = [f"组织类型「{agency.org_type}」不在资助主体范围内"]
    if years_between(agency.registered_on, today) < rules.min_years_registered:
        failures["years_registered"] = [
            f"登记成立不满 {rules.min_years_registered} 年（{agency.registered_on.isoformat()} 登记）"
        ]
    if agency.annual_inspection not in rules.annual_inspection_ok:
        failures["annual_inspection"] = [f"年检结果为「{agency.annual_inspection or '无'}」"]
    if agency.on_abnormal_list and rules.exclude_abnormal_list:
        failures["abnormal_list"] = ["列入活动异常名录"]
    if agency.on_serious_violation_list and rules.exclude_serious_violation_list:
        failures["serious_violation_list"] = ["列入严重违法失信名单"]
    record = _track_record(agency, rules)
    if record:
        failures["track_record"] = record
    return failures


def _track_record(agency: AgencyRecord, rules: CallRules) -> list[str]:
    if not agency.past_cycles:
        return []
    latest = max(agency.past_cycles, key=lambda c: c.year)
    problems = []
    ranks = [name for _, name in sorted(rules.grade_bands, key=lambda b: b[0], reverse=True)]
    if rules.min_past_grade is not None and latest.grade:
        rank = ranks.index(latest.grade) if latest.grade in ranks else len(ranks)
        if rank > ranks.index(rules.min_past_grade):
            problems.append(
                f"{latest.year} 年度评估等级「{latest.grade}」低于「{rules.min_past_grade}」"
            )
    if rules.max_yellow_cards is not None and latest.yellow_cards > rules.max_yellow_cards:
        problems.append(
            f"{latest.year} 年度被黄牌警告 {latest.yellow_cards} 次，超过 {rules.max_yellow_cards} 次"
        )
    if rules.max_breaches is not None and latest.breaches > rules.max_breaches:
        problems.append(
            f"{latest.year} 年度违规 {latest.breaches} 次，超过 {rules.max_breaches} 次"
        )
    return problems


def track_record_bonus(
    past_cycles: Sequence[PastCycle], *, bonus_by_grade: Mapping[str, int]
) -> tuple[int, str]:
    """Return the 初审 bonus points the agency's latest past grade earns, and why."""
    if not past_cycles or not bonus_by_grade:
        return 0, ""
    latest = max(past_cycles, key=lambda c: c.year)
    points = bonus_by_grade.get(latest.grade, 0)
    if not points:
        return 0, ""
    return points, f"{latest.year} 年度评估「{latest.grade}」，初审加 {points} 分"


def _bid_failures(bid: Bid, rules: CallRules, deadline: datetime) -> dict[str, list[str]]:
    failures: dict[str, list[str]] = {}
    if bid.proposals_by_agency > rules.max_proposals_per_agency:
        failures["proposals_per_agency"] = [
            f"同一机构申报 {bid.proposals_by_agency} 个项目，超过 {rules.max_proposals_per_agency} 个"
        ]
    if bid.submitted_at is None:
        failures["deadline"] = ["尚未提交"]
    elif bid.submitted_at > deadline:
        failures["deadline"] = [f"超过申报截止时间 {deadline:%Y-%m-%d %H:%M}"]
    return failures


def _passed(rule: str, agency: AgencyRecord, rules: CallRules) -> str:
    if rule == "track_record" and not agency.past_cycles:
        return "无往期记录"
    if rule == "years_registered":
        return f"{agency.registered_on.isoformat()} 登记"
    if rule == "annual_inspection":
        return f"年检结果「{agency.annual_inspection}」"
    return "符合"
