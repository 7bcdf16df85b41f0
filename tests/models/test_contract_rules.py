"""Contract terms: the tranche plan in exact fen, and contract numbers."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.call_rules import TrancheShare
from models.contract import PlannedTranche, contract_number, plan_tranches

DEMO_SHARES = (
    TrancheShare(50, "on_signing"),
    TrancheShare(30, "midterm_pass"),
    TrancheShare(20, "final_pass"),
)


def test_an_award_is_split_by_the_calls_percentages_with_its_conditions():
    assert plan_tranches(1_500_000, DEMO_SHARES) == [
        PlannedTranche(1, 750_000, "on_signing"),
        PlannedTranche(2, 450_000, "midterm_pass"),
        PlannedTranche(3, 300_000, "final_pass"),
    ]


def test_the_last_tranche_takes_the_fen_the_others_round_away():
    plan = plan_tranches(1_000_001, DEMO_SHARES)
    assert [t.amount_fen for t in plan] == [500_000, 300_000, 200_001]


def test_thirds_never_lose_a_fen():
    shares = (TrancheShare(33, "a"), TrancheShare(33, "b"), TrancheShare(34, "c"))
    assert [t.amount_fen for t in plan_tranches(100, shares)] == [33, 33, 34]
    assert [t.amount_fen for t in plan_tranches(1, shares)] == [0, 0, 1]


def test_a_single_tranche_pays_the_whole_award():
    assert plan_tranches(1_234_567, (TrancheShare(100, "on_signing"),)) == [
        PlannedTranche(1, 1_234_567, "on_signing")
    ]


def test_tranches_are_numbered_from_one_in_order():
    assert [t.seq for t in plan_tranches(999, DEMO_SHARES)] == [1, 2, 3]


def _percents(cuts: list[int]) -> list[int]:
    bounds = [0, *sorted(cuts), 100]
    return [b - a for a, b in pairwise(bounds)]


# Any split of 100 into 1–6 positive percentages, as the call's check guarantees.
SHARES = st.lists(st.integers(min_value=1, max_value=99), unique=True, max_size=5).map(_percents)


@given(st.integers(min_value=0, max_value=10**10), SHARES)
def test_tranche_plans_sum_exactly_to_the_award(amount, percents):
    shares = [TrancheShare(p, f"c{i}") for i, p in enumerate(percents)]
    plan = plan_tranches(amount, shares)
    assert sum(t.amount_fen for t in plan) == amount
    assert [t.condition for t in plan] == [s.condition for s in shares]
    for tranche, share in zip(plan[:-1], shares[:-1], strict=True):
        assert tranche.amount_fen == amount * share.percent // 100
    assert plan[-1].amount_fen >= amount * shares[-1].percent // 100
    assert all(t.amount_fen >= 0 for t in plan)


@pytest.mark.parametrize(
    ("year", "rank", "number"),
    [
        (2026, 7, "GY-2026-007"),
        (2026, 1, "GY-2026-001"),
        (2026, 22, "GY-2026-022"),
        (2027, 123, "GY-2027-123"),
    ],
)
def test_contract_number_is_year_and_three_digit_rank(year, rank, number):
    assert contract_number(year, rank) == number


def _rules(changes=None):  # type: ignore[no-untyped-def]
    import copy
    import tomllib

    from models.call_rules import read_call_rules
    from tests.builders import DEMO_DIR

    data = tomllib.loads((DEMO_DIR / "call.toml").read_text(encoding="utf-8"))
    for (section, key), value in (changes or {}).items():
        data = copy.deepcopy(data)
        data[section][key] = value
    return read_call_rules(data)


def test_full_grant_terms_plan_the_award_and_owe_no_matching_money():
    from models.contract import draft_terms

    terms = draft_terms(_rules(), award_fen=1_000_000, matching_fen=100_000)
    assert terms.funding_mode == "full" and terms.matching_fen == 0
    assert [t.amount_fen for t in terms.tranches] == [500_000, 300_000, 200_000]
    assert terms.matching_tranches == ()
    assert (terms.personnel_share_max, terms.admin_share_max) == (40, 10)
    assert dict(terms.reporting)["weekly"] == "每周一上午周例会"


def test_matching_terms_owe_the_larger_of_the_ratio_and_the_offer_in_the_same_steps():
    from models.contract import draft_terms

    rules = _rules({("funding_mode", "matching_percent"): 20})
    terms = draft_terms(rules, award_fen=1_000_000, matching_fen=150_000)
    assert terms.funding_mode == "matching" and terms.matching_fen == 200_000
    assert [t.amount_fen for t in terms.matching_tranches] == [100_000, 60_000, 40_000]
    assert draft_terms(rules, award_fen=1_000_000, matching_fen=300_000).matching_fen == 300_000


def test_every_kpi_of_a_proposal_is_summed_over_its_months_in_the_calls_order():
    from models.contract import KpiTotal, total_kpis

    units = {"服务人次": "人次", "活动场次": "场", "受益人数": "人"}
    targets = [
        ("活动场次", 1, 4),
        ("服务人次", 1, 100),
        ("活动场次", 2, 6),
        ("服务人次", 2, 120),
        ("满意度调查", 2, 1),
        ("受益人数", 1, 0),
    ]
    assert total_kpis(targets, units=units) == (
        KpiTotal("服务人次", "人次", 220, 2),
        KpiTotal("活动场次", "场", 10, 2),
        KpiTotal("受益人数", "人", 0, 1),
        KpiTotal("满意度调查", "", 1, 1),
    )
    assert total_kpis([], units=units) == ()


def test_budget_rows_follow_the_calls_categories_with_their_shares():
    from models.contract import BudgetRow, budget_rows

    rows = budget_rows(
        [("活动费", 500_000), ("人员费", 400_000), ("物资费", 300_000)],
        categories=("人员费", "活动费", "物资费", "管理费"),
    )
    assert rows == (
        BudgetRow("人员费", 400_000, 33.3),
        BudgetRow("活动费", 500_000, 41.7),
        BudgetRow("物资费", 300_000, 25.0),
    )
    assert budget_rows([], categories=("人员费",)) == ()


def test_a_contract_file_name_holds_number_and_title_and_ends_with_the_proposal_id():
    from models.contract import contract_file_name, file_safe

    assert contract_file_name("GY-2026-001", "社区长者助餐", 7) == "GY-2026-001-社区长者助餐-07.pdf"
    assert (
        contract_file_name("GY-2026-002", "“银龄”课堂: 上/下\t篇?", 12)
        == "GY-2026-002-“银龄”课堂_上_下_篇-12.pdf"
    )
    assert file_safe("..//..") == "未命名"
    assert len(file_safe("长" * 200)) == 60
