"""Demand summary: residents counted by domain, community and target group, and who answers them."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from models.demand import (
    NO_TARGET_GROUP,
    UNSORTED,
    Citation,
    Coverage,
    DemandCell,
    DemandNeed,
    count_by_source,
    count_demand,
    rank_groups,
    residents_by_coverage,
    top_unanswered,
    total_by,
)


def need(
    need_id,
    lead_id=None,
    *,
    community="长淮社区",
    group="全体居民",
    domain="community",
    text="楼道堆满杂物",
    source="居民",
):  # type: ignore[no-untyped-def]
    return DemandNeed(
        need_id, lead_id or need_id, community, group, domain, text, source, date(2026, 3, 1)
    )


# A group of three (1 leads 2 and 3), a lone need, and a need still waiting for review.
NEEDS = [
    need(1),
    need(2, 1, domain=""),
    need(3, 1, group="老年人", domain=""),
    need(4, community="龙湖社区", group="小学生", domain="youth", text="四点半课堂"),
    need(5, community="龙湖社区", group="", domain=UNSORTED, text="读书会", source="问卷"),
]


def test_every_resident_counts_once_in_the_domain_of_their_groups_lead():
    assert count_demand(NEEDS) == [
        DemandCell(UNSORTED, "龙湖社区", NO_TARGET_GROUP, 1, 1),
        DemandCell("community", "长淮社区", "全体居民", 2, 1),
        DemandCell("community", "长淮社区", "老年人", 1, 1),
        DemandCell("youth", "龙湖社区", "小学生", 1, 1),
    ]


def test_totals_by_domain_community_and_target_group_add_up_to_every_resident():
    cells = count_demand(NEEDS)
    assert total_by(cells, "domain_key") == {UNSORTED: 1, "community": 3, "youth": 1}
    assert total_by(cells, "community") == {"龙湖社区": 2, "长淮社区": 3}
    assert sum(total_by(cells, "target_group").values()) == len(NEEDS)


def test_sources_are_counted_by_resident():
    assert count_by_source(NEEDS) == {"居民": 4, "问卷": 1}


def test_groups_are_ranked_by_how_many_residents_raised_them():
    groups = rank_groups(NEEDS)
    assert [(g.lead_id, g.residents) for g in groups] == [(1, 3), (4, 1), (5, 1)]
    assert all(g.coverage == Coverage.NONE for g in groups)


def test_a_proposal_citing_any_need_of_a_group_answers_the_whole_group():
    groups = rank_groups(NEEDS, citations=[Citation((3,), funded=False)])
    assert groups[0].coverage == Coverage.PROPOSED
    assert [g.lead_id for g in top_unanswered(groups, limit=5)] == [4, 5]


def test_a_funded_proposal_outranks_an_unfunded_one_whatever_the_order():
    for citations in (
        [Citation((1,), False), Citation((2,), True)],
        [Citation((2,), True), Citation((1,), False)],
    ):
        assert rank_groups(NEEDS, citations=citations)[0].coverage == Coverage.FUNDED


def test_a_citation_of_a_need_that_is_not_in_the_cycle_is_ignored():
    groups = rank_groups(NEEDS, citations=[Citation((999,), True)])
    assert residents_by_coverage(groups) == {
        Coverage.NONE: 5,
        Coverage.PROPOSED: 0,
        Coverage.FUNDED: 0,
    }


def test_top_unanswered_keeps_the_ranking_and_the_limit():
    groups = rank_groups(NEEDS, citations=[Citation((4,), True)])
    assert [g.lead_id for g in top_unanswered(groups, limit=1)] == [1]


NEED_LISTS = st.lists(
    st.tuples(
        st.integers(0, 3), st.sampled_from(["甲社区", "乙社区"]), st.sampled_from(["", "youth"])
    ),
    min_size=1,
    max_size=30,
).map(
    lambda rows: [
        need(i, lead_id=(i - back if i - back >= 1 and back else i), community=c, domain=d)
        for i, (back, c, d) in enumerate(rows, start=1)
    ]
)


@given(NEED_LISTS)
def test_residents_are_neither_lost_nor_counted_twice(needs):
    # Only leads (need_id == lead_id) count as groups; members of a member are not built here.
    leads = {n.need_id for n in needs if n.need_id == n.lead_id}
    needs = [n for n in needs if n.lead_id in leads]
    cells = count_demand(needs)
    assert sum(c.residents for c in cells) == len(needs)
    groups = rank_groups(needs)
    assert sum(g.residents for g in groups) == len(needs)
    assert sum(residents_by_coverage(groups).values()) == len(needs)
