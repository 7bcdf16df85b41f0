"""Eligibility screening (资格审查) of a proposal against the call and the agency's record.

The screen returns every reason a proposal fails, not just the first, so an
agency learns all it must fix. An empty list means eligible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from models.call_rules import CallRules
from models.money import format_fen


@dataclass(frozen=True)
class AgencyRecord:
    """What screening reads of an agency."""

    org_type: str
    registered_on: date
    annual_inspection: str
    on_abnormal_list: bool


@dataclass(frozen=True)
class Bid:
    """What screening reads of a proposal."""

    domain_key: str
    requested_fen: int
    submitted_at: datetime
    proposals_by_agency: int


def years_between(earlier: date, later: date) -> int:
    """Count whole years from `earlier` to `later`."""
    years = later.year - earlier.year
    if (later.month, later.day) < (earlier.month, earlier.day):
        years -= 1
    return years


def screen_bid(
    bid: Bid, *, agency: AgencyRecord, rules: CallRules, deadline: datetime, today: date
) -> list[str]:
    """List every reason the bid fails the call's standards."""
    reasons = []
    if agency.org_type not in rules.org_types:
        reasons.append(f"组织类型「{agency.org_type}」不在资助主体范围内")
    if years_between(agency.registered_on, today) < rules.min_years_registered:
        reasons.append(f"登记成立不满 {rules.min_years_registered} 年")
    if agency.annual_inspection not in rules.annual_inspection_ok:
        reasons.append(f"年检结果为「{agency.annual_inspection or '无'}」")
    if agency.on_abnormal_list and rules.exclude_abnormal_list:
        reasons.append("列入活动异常名录或严重违法失信名单")
    if bid.proposals_by_agency > rules.max_proposals_per_agency:
        reasons.append(f"同一机构申报超过 {rules.max_proposals_per_agency} 个项目")
    if bid.domain_key not in rules.domain_keys:
        reasons.append(f"服务领域「{bid.domain_key}」不在资助内容范围内")
    if not rules.min_fen <= bid.requested_fen <= rules.max_fen:
        reasons.append(
            f"申请金额 {format_fen(bid.requested_fen)} 元不在 "
            f"{format_fen(rules.min_fen)}–{format_fen(rules.max_fen)} 元之间"
        )
    if bid.submitted_at > deadline:
        reasons.append("超过申报截止时间")
    return reasons
