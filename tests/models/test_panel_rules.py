"""Reviewer panels: k conflict-free reviewers per proposal, balanced load, clear refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.panel import PanelError, Seatable, assign_panels

PROPOSALS = [Seatable(pid, agency_id=pid % 3, title=f"项目{pid}") for pid in range(1, 10)]


def test_every_proposal_gets_k_distinct_reviewers():
    panels = assign_panels(PROPOSALS, reviewers=[10, 11, 12, 13], k=3, conflicts={})
    assert set(panels) == {p.proposal_id for p in PROPOSALS}
    assert all(len(set(seats)) == 3 for seats in panels.values())


def test_a_conflicted_reviewer_never_sits_on_that_agencys_proposals():
    conflicts = {(10, 1): "past_employment"}
    panels = assign_panels(PROPOSALS, reviewers=[10, 11, 12, 13], k=3, conflicts=conflicts)
    for proposal in PROPOSALS:
        if proposal.agency_id == 1:
            assert 10 not in panels[proposal.proposal_id]


def test_an_abstaining_reviewer_is_not_seated_on_that_proposal():
    panels = assign_panels(
        PROPOSALS, reviewers=[10, 11, 12, 13], k=3, conflicts={}, abstentions=[(11, 4)]
    )
    assert 11 not in panels[4]


def test_unstaffable_proposal_is_named_with_the_reason():
    conflicts = {(10, 2): "staff", (11, 2): "affiliation"}
    with pytest.raises(PanelError) as refused:
        assign_panels(PROPOSALS, reviewers=[10, 11, 12], k=2, conflicts=conflicts)
    assert "「项目2」只有 1 位无利益冲突的评审专家，至少需要 2 位" in str(refused.value)


def test_the_same_inputs_give_the_same_panels():
    first = assign_panels(PROPOSALS, reviewers=[13, 12, 11, 10], k=2, conflicts={(12, 0): "staff"})
    again = assign_panels(
        list(reversed(PROPOSALS)), reviewers=[10, 11, 12, 13], k=2, conflicts={(12, 0): "staff"}
    )
    assert first == again


@given(
    proposals=st.integers(min_value=1, max_value=40),
    reviewers=st.integers(min_value=3, max_value=9),
    k=st.integers(min_value=1, max_value=3),
)
def test_without_conflicts_loads_differ_by_at_most_one(proposals, reviewers, k):
    seats = [Seatable(pid, agency_id=pid, title=str(pid)) for pid in range(proposals)]
    panels = assign_panels(seats, reviewers=range(100, 100 + reviewers), k=k, conflicts={})
    load = dict.fromkeys(range(100, 100 + reviewers), 0)
    for panel in panels.values():
        for reviewer in panel:
            load[reviewer] += 1
    assert max(load.values()) - min(load.values()) <= 1
    assert sum(load.values()) == proposals * k
