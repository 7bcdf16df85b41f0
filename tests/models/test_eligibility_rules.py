"""Eligibility screening (资格审查): every reason a bid fails the call, not just the first."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from models.call_rules import read_call_rules
from models.eligibility import AgencyRecord, Bid, screen_bid, years_between

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALL_TOML = Path(__file__).resolve().parents[2] / "demo" / "call.toml"
RULES = read_call_rules(tomllib.loads(CALL_TOML.read_text(encoding="utf-8")))
DEADLINE = datetime(2026, 5, 20, 17, 0, tzinfo=SHANGHAI)
TODAY = date(2026, 5, 21)

AGENCY = AgencyRecord(
    org_type="社会服务机构",
    registered_on=date(2020, 4, 1),
    annual_inspection="合格",
    on_abnormal_list=False,
)
BID = Bid(
    domain_key="elderly",
    requested_fen=1_000_000,
    submitted_at=datetime(2026, 5, 19, 10, 0, tzinfo=SHANGHAI),
    proposals_by_agency=2,
)


def screen(bid: Bid = BID, agency: AgencyRecord = AGENCY) -> list[str]:
    return screen_bid(bid, agency=agency, rules=RULES, deadline=DEADLINE, today=TODAY)


def test_a_bid_that_meets_every_standard_has_no_reasons():
    assert screen() == []


@pytest.mark.parametrize(
    ("agency_change", "bid_change", "reason"),
    [
        ({"org_type": "企业"}, {}, "组织类型「企业」不在资助主体范围内"),
        ({"registered_on": date(2025, 5, 22)}, {}, "登记成立不满 1 年"),
        ({"annual_inspection": "不合格"}, {}, "年检结果为「不合格」"),
        ({"annual_inspection": ""}, {}, "年检结果为「无」"),
        ({"on_abnormal_list": True}, {}, "列入活动异常名录或严重违法失信名单"),
        ({}, {"proposals_by_agency": 7}, "同一机构申报超过 6 个项目"),
        ({}, {"domain_key": "health"}, "服务领域「health」不在资助内容范围内"),
        ({}, {"requested_fen": 499_999}, "申请金额 4,999.99 元不在 5,000.00–15,000.00 元之间"),
        ({}, {"requested_fen": 1_500_001}, "申请金额 15,000.01 元不在 5,000.00–15,000.00 元之间"),
        ({}, {"submitted_at": datetime(2026, 5, 20, 17, 1, tzinfo=SHANGHAI)}, "超过申报截止时间"),
    ],
)
def test_each_failed_standard_gives_its_own_reason(agency_change, bid_change, reason):
    reasons = screen(
        dataclasses.replace(BID, **bid_change), dataclasses.replace(AGENCY, **agency_change)
    )
    assert reasons == [reason]


def test_every_reason_is_listed_not_just_the_first():
    agency = AgencyRecord("企业", date(2026, 1, 1), "", True)
    bid = Bid("health", 100, datetime(2026, 5, 21, 9, 0, tzinfo=SHANGHAI), 7)
    assert screen(bid, agency) == [
        "组织类型「企业」不在资助主体范围内",
        "登记成立不满 1 年",
        "年检结果为「无」",
        "列入活动异常名录或严重违法失信名单",
        "同一机构申报超过 6 个项目",
        "服务领域「health」不在资助内容范围内",
        "申请金额 1.00 元不在 5,000.00–15,000.00 元之间",
        "超过申报截止时间",
    ]


@pytest.mark.parametrize(
    ("bid_change", "agency_change"),
    [
        ({"requested_fen": 500_000}, {}),
        ({"requested_fen": 1_500_000}, {}),
        ({"submitted_at": DEADLINE}, {}),
        ({"proposals_by_agency": 6}, {}),
        ({}, {"registered_on": date(2025, 5, 21)}),
        ({}, {"annual_inspection": "基本合格"}),
    ],
)
def test_limits_themselves_are_within_the_standards(bid_change, agency_change):
    assert (
        screen(dataclasses.replace(BID, **bid_change), dataclasses.replace(AGENCY, **agency_change))
        == []
    )


def test_deadline_is_compared_as_a_moment_not_as_wall_clock_text():
    in_utc = datetime(2026, 5, 20, 9, 0, tzinfo=ZoneInfo("UTC"))
    assert screen(dataclasses.replace(BID, submitted_at=in_utc)) == []


@pytest.mark.parametrize(
    ("earlier", "later", "years"),
    [
        (date(2025, 5, 21), date(2026, 5, 21), 1),
        (date(2025, 5, 22), date(2026, 5, 21), 0),
        (date(2020, 4, 1), date(2026, 5, 21), 6),
        (date(2024, 2, 29), date(2025, 2, 28), 0),
        (date(2024, 2, 29), date(2025, 3, 1), 1),
        (date(2026, 5, 21), date(2026, 5, 21), 0),
    ],
)
def test_whole_years_count_only_completed_anniversaries(earlier, later, years):
    assert years_between(earlier, later) == years
