"""Eligibility screening (资格审查): one pass/fail line per rule, with every reason, not just the first."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from models.call_rules import read_call_rules
from models.eligibility import (
    RULES,
    AgencyRecord,
    Bid,
    PastCycle,
    failed_reasons,
    screen_bid,
    years_between,
)
from models.proposal_rules import BudgetItem, KpiPlan, ProposalDraft

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALL_TOML = Path(__file__).resolve().parents[2] / "demo" / "call.toml"
RULES_FILE = read_call_rules(tomllib.loads(CALL_TOML.read_text(encoding="utf-8")))
DEADLINE = datetime(2026, 5, 20, 17, 0, tzinfo=SHANGHAI)
TODAY = date(2026, 5, 21)

AGENCY = AgencyRecord(
    org_type="社会服务机构",
    registered_on=date(2020, 4, 1),
    annual_inspection="合格",
    on_abnormal_list=False,
)
DRAFT = ProposalDraft(
    title="银龄助餐",
    domain_key="elderly",
    requested_fen=1_000_000,
    matching_fen=0,
    months=2,
    planned_people=200,
    budget=(BudgetItem("人员费", 400_000), BudgetItem("活动费", 600_000)),
    kpis=(KpiPlan(1, "服务人次", 80), KpiPlan(2, "服务人次", 120)),
    cited_need_ids=(3,),
)
BID = Bid(DRAFT, datetime(2026, 5, 19, 10, 0, tzinfo=SHANGHAI), proposals_by_agency=2)


def screen(bid: Bid = BID, agency: AgencyRecord = AGENCY) -> list[str]:
    results = screen_bid(bid, agency=agency, rules=RULES_FILE, deadline=DEADLINE, today=TODAY)
    return failed_reasons(results)


def test_a_bid_that_meets_every_standard_passes_every_rule():
    results = screen_bid(BID, agency=AGENCY, rules=RULES_FILE, deadline=DEADLINE, today=TODAY)
    assert [r.rule for r in results] == list(RULES)
    assert all(r.passed for r in results)
    assert all(r.reason for r in results)


def test_every_result_names_its_standard_in_chinese():
    results = screen_bid(BID, agency=AGENCY, rules=RULES_FILE, deadline=DEADLINE, today=TODAY)
    labels = {r.rule: r.label for r in results}
    assert labels["org_type"] == "资助主体·组织类型"
    assert labels["amount"] == "资助金额·申请金额"
    assert labels["matching"] == "资助方式·配套资金"
    assert labels["budget"] == "资助内容·预算结构"


@pytest.mark.parametrize(
    ("agency_change", "bid_change", "reason"),
    [
        ({"org_type": "企业"}, {}, "组织类型「企业」不在资助主体范围内"),
        ({"registered_on": date(2025, 5, 22)}, {}, "登记成立不满 1 年（2025-05-22 登记）"),
        ({"annual_inspection": "不合格"}, {}, "年检结果为「不合格」"),
        ({"annual_inspection": ""}, {}, "年检结果为「无」"),
        ({"on_abnormal_list": True}, {}, "列入活动异常名录"),
        ({"on_serious_violation_list": True}, {}, "列入严重违法失信名单"),
        ({}, {"proposals_by_agency": 7}, "同一机构申报 7 个项目，超过 6 个"),
        (
            {},
            {"submitted_at": datetime(2026, 5, 20, 17, 1, tzinfo=SHANGHAI)},
            "超过申报截止时间 2026-05-20 17:00",
        ),
        ({}, {"submitted_at": None}, "尚未提交"),
    ],
)
def test_each_failed_agency_or_timing_rule_gives_its_own_reason(agency_change, bid_change, reason):
    bid = dataclasses.replace(BID, **bid_change)
    assert screen(bid, dataclasses.replace(AGENCY, **agency_change)) == [reason]


@pytest.mark.parametrize(
    ("draft_change", "reason"),
    [
        ({"domain_key": "health"}, "服务领域「health」不在资助内容范围内"),
        (
            {
                "requested_fen": 1_500_001,
                "budget": (BudgetItem("人员费", 400_000), BudgetItem("活动费", 1_100_001)),
            },
            "申请金额 15,000.01 元不在 5,000.00–15,000.00 元之间",
        ),
    ],
)
def test_content_rules_come_from_proposal_validation(draft_change, reason):
    bid = dataclasses.replace(BID, draft=dataclasses.replace(DRAFT, **draft_change))
    assert screen(bid) == [reason]


def test_every_reason_is_listed_not_just_the_first():
    agency = AgencyRecord("企业", date(2026, 1, 1), "", True, True)
    draft = dataclasses.replace(DRAFT, domain_key="health")
    bid = Bid(draft, datetime(2026, 5, 21, 9, 0, tzinfo=SHANGHAI), 7)
    assert screen(bid, agency) == [
        "组织类型「企业」不在资助主体范围内",
        "登记成立不满 1 年（2026-01-01 登记）",
        "年检结果为「无」",
        "列入活动异常名录",
        "列入严重违法失信名单",
        "同一机构申报 7 个项目，超过 6 个",
        "超过申报截止时间 2026-05-20 17:00",
        "服务领域「health」不在资助内容范围内",
    ]


def test_a_bid_citing_no_need_passes_with_a_note():
    bid = dataclasses.replace(BID, draft=dataclasses.replace(DRAFT, cited_need_ids=()))
    results = screen_bid(bid, agency=AGENCY, rules=RULES_FILE, deadline=DEADLINE, today=TODAY)
    needs = next(r for r in results if r.rule == "needs")
    assert needs.passed and "未引用任何居民需求" in needs.reason


def test_a_bid_citing_an_unknown_need_fails():
    results = screen_bid(
        BID, agency=AGENCY, rules=RULES_FILE, deadline=DEADLINE, today=TODAY, known_need_ids=[1, 2]
    )
    assert failed_reasons(results) == ["引用的需求编号不存在于本周期：3"]


@pytest.mark.parametrize(
    ("past", "reasons"),
    [
        ((), []),
        ((PastCycle(2025, "良好", 1),), []),
        ((PastCycle(2025, "不合格", 0),), ["2025 年度评估等级「不合格」低于「合格」"]),
        ((PastCycle(2025, "合格", 2),), ["2025 年度被黄牌警告 2 次，超过 1 次"]),
        ((PastCycle(2024, "不合格", 3), PastCycle(2025, "优秀", 0)), []),
    ],
)
def test_track_record_reads_the_latest_past_cycle(past, reasons):
    assert screen(agency=dataclasses.replace(AGENCY, past_cycles=past)) == reasons


def test_an_agency_without_track_record_passes_that_rule_saying_so():
    results = screen_bid(BID, agency=AGENCY, rules=RULES_FILE, deadline=DEADLINE, today=TODAY)
    record = next(r for r in results if r.rule == "track_record")
    assert record.passed and record.reason == "无往期记录"


@pytest.mark.parametrize(
    ("bid_change", "agency_change"),
    [
        ({"submitted_at": DEADLINE}, {}),
        ({"proposals_by_agency": 6}, {}),
        ({}, {"registered_on": date(2025, 5, 21)}),
        ({}, {"annual_inspection": "基本合格"}),
    ],
)
def test_limits_themselves_are_within_the_standards(bid_change, agency_change):
    bid = dataclasses.replace(BID, **bid_change)
    assert screen(bid, dataclasses.replace(AGENCY, **agency_change)) == []


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
