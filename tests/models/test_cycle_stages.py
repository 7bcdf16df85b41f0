"""The stage tracker's rules: which stage is next, what blocks it, what follows it (no database)."""

from __future__ import annotations

import pytest

from models.cycle_stages import (
    CURRENT,
    DONE,
    LATER,
    CycleFacts,
    cycle_stages,
    next_stage,
    stage_after,
    stage_blockers,
)


def _keys(facts: CycleFacts) -> list[str]:
    current = next_stage(cycle_stages(facts, cycle_id=3))
    return [b.key for b in current.blockers] if current else []


def test_a_new_cycle_waits_for_needs_and_says_the_fund_comes_after() -> None:
    stages = cycle_stages(CycleFacts(), cycle_id=3)
    assert [s.state for s in stages] == [CURRENT, LATER, LATER, LATER, LATER, LATER]
    assert _keys(CycleFacts()) == ["no_needs"]
    after = stage_after(stages)
    assert after is not None and after.name == "基金募集"


def test_with_needs_the_fund_is_next_and_blocked_until_it_is_set_up() -> None:
    assert _keys(CycleFacts(needs=4)) == ["no_fund"]
    assert _keys(CycleFacts(needs=4, has_fund=True)) == ["no_gifts"]


def test_the_call_is_blocked_by_missing_rules_then_by_an_unpublished_draft() -> None:
    gifts = CycleFacts(needs=4, has_fund=True, donations=2)
    assert _keys(gifts) == ["no_rules"]
    assert _keys(CycleFacts(needs=4, has_fund=True, donations=2, calls=1)) == ["rules_draft"]


def test_selection_waits_for_the_call_to_close_and_for_proposals() -> None:
    open_call = CycleFacts(needs=4, has_fund=True, donations=2, calls=1, calls_published=1)
    assert _keys(open_call) == ["call_open", "no_proposals"]
    closed = CycleFacts(
        needs=4, has_fund=True, donations=2, calls=1, calls_published=1, calls_closed=1, proposals=5
    )
    assert _keys(closed) == []


def test_only_the_next_stage_carries_blockers_and_a_closed_cycle_has_no_next() -> None:
    stages = cycle_stages(CycleFacts(needs=1), cycle_id=3)
    assert all(not s.blockers for s in stages if s.state != CURRENT)
    closed = cycle_stages(
        CycleFacts(needs=1, donations=1, calls_published=1, projects=2, closed=True), cycle_id=3
    )
    assert all(s.state == DONE for s in closed)
    assert next_stage(closed) is None and stage_after(closed) is None


@pytest.mark.parametrize(
    ("key", "facts", "expected"),
    [
        ("needs", CycleFacts(needs=1), []),
        ("running", CycleFacts(), ["no_projects"]),
        ("running", CycleFacts(projects=3), []),
        ("selection", CycleFacts(), ["no_call"]),
    ],
)
def test_each_stage_names_what_blocks_it(key: str, facts: CycleFacts, expected: list[str]) -> None:
    assert [b.key for b in stage_blockers(key, facts)] == expected


def test_the_how_names_the_portal_and_the_cli() -> None:
    fund = cycle_stages(CycleFacts(needs=1), cycle_id=3)[1]
    assert "gongyi fund import" in fund.how and "--cycle 3" in fund.how and "门户" in fund.how
