"""Duplicate needs: the same need in other words, in one community, grouped earliest first."""

from __future__ import annotations

import csv
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from models.duplicates import (
    NeedRef,
    content_pairs,
    group_duplicates,
    group_weights,
)
from models.intake import normalise_text
from tests.builders import DEMO_DIR

with (DEMO_DIR.parent / "data" / "needs_labelled.csv").open(encoding="utf-8") as _handle:
    LABELLED = [row["text"] for row in csv.DictReader(_handle)]


def ref(need_id: int, text: str, *, community: int = 1, day: int = 1, settled: bool = False):
    return NeedRef(need_id, community, text, date(2026, 3, day), settled)


def pairs_of(merges) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    return [(m.need_id, m.lead_id) for m in merges]


def test_needs_that_differ_only_in_punctuation_and_spaces_merge_as_the_same_text():
    merges = group_duplicates(
        [ref(1, "独居老人吃饭难！"), ref(2, "独居老人 吃饭难", day=2), ref(3, "楼道杂物多")]
    )
    assert pairs_of(merges) == [(2, 1)]
    assert merges[0].similarity == 1.0
    assert merges[0].reason == "与 #1 同一社区，文字相同（忽略标点空格）"


def test_the_same_need_in_other_words_merges_and_says_what_both_said():
    merges = group_duplicates(
        [
            ref(1, "楼道堆满杂物，存在消防隐患。"),
            ref(2, "楼道里堆满杂物，存在消防隐患！希望尽快清理", day=2),
        ]
    )
    assert pairs_of(merges) == [(2, 1)]
    assert 0.45 <= merges[0].similarity < 1.0
    assert "「堆满杂物存在消防隐患」" in merges[0].reason
    assert merges[0].reason.startswith("与 #1 同一社区，相似度 ")


def test_different_needs_on_a_shared_topic_stay_apart():
    merges = group_duplicates(
        [
            ref(1, "希望组织社区运动会"),
            ref(2, "楼道灯坏了，晚上上楼摸黑"),
            ref(3, "小区路灯坏了很久，晚上出门不安全"),
            ref(4, "希望给孩子们开展防溺水安全教育"),
            ref(5, "希望开展儿童交通安全教育，小区门口车多"),
        ]
    )
    assert merges == []


def test_the_same_need_in_two_communities_is_not_a_duplicate():
    merges = group_duplicates([ref(1, "独居老人吃饭难"), ref(2, "独居老人吃饭难", community=2)])
    assert merges == []


def test_the_earliest_submission_leads_its_group_whatever_its_id():
    merges = group_duplicates(
        [ref(1, "路灯坏了", day=9), ref(7, "路灯坏了。", day=2), ref(4, "路灯 坏了", day=5)]
    )
    assert pairs_of(merges) == [(1, 7), (4, 7)]
    assert group_weights([7], merges) == {7: 3}


def test_on_the_same_day_the_smaller_id_leads():
    assert pairs_of(group_duplicates([ref(8, "路灯坏了", day=3), ref(5, "路灯坏了", day=3)])) == [
        (8, 5)
    ]


def test_a_need_that_repeats_a_member_joins_that_members_group_and_says_so():
    # As in the flow, the shipped labelled needs tell which words are common.
    merges = group_duplicates(
        [
            ref(1, "孩子下午四点半放学，我们六点才下班，希望社区开个四点半课堂。"),
            ref(2, "孩子放学早家长下班晚，希望社区开设四点半课堂", day=2),
            ref(3, "希望社区开设四点半课堂，孩子放学后没人看管。", day=3),
        ],
        background=LABELLED,
    )
    assert pairs_of(merges) == [(2, 1), (3, 1)]
    assert merges[1].like_id == 2
    assert merges[1].reason.endswith("（#2 已并入 #1）")


def test_a_lead_from_an_earlier_run_never_joins_another_group():
    merges = group_duplicates([ref(1, "路灯坏了", day=5, settled=True), ref(2, "路灯坏了", day=1)])
    assert pairs_of(merges) == [(2, 1)]
    both_settled = [ref(1, "路灯坏了", settled=True), ref(2, "路灯坏了", day=2, settled=True)]
    assert group_duplicates(both_settled) == []


def test_needs_staff_split_apart_are_never_merged_again():
    needs = [ref(1, "路灯坏了"), ref(2, "路灯坏了。", day=2), ref(3, "路灯 坏了", day=3)]
    merges = group_duplicates(needs, kept_apart=[(2, 1)])
    assert pairs_of(merges) == [(3, 1)]
    assert pairs_of(group_duplicates(needs, kept_apart=[(2, 1), (3, 1)])) == [(3, 2)]


def test_a_need_kept_apart_from_a_lead_does_not_join_that_group_through_a_member():
    needs = [ref(1, "路灯坏了"), ref(2, "路灯坏了。", day=2), ref(3, "路灯 坏了", day=3)]
    assert pairs_of(group_duplicates(needs, kept_apart=[(3, 1)])) == [(2, 1)]


def test_content_pairs_drop_filler_words_but_keep_words_that_carry_the_need():
    assert content_pairs("希望开设四点半课堂") == content_pairs("能不能开个四点半课堂？")
    assert "就业" in content_pairs("残疾人就业")
    assert content_pairs("希望") == frozenset({"希望"})


def test_the_demo_clusters_merge_and_nothing_else_does():
    with (DEMO_DIR / "needs.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    communities = {name: i for i, name in enumerate(sorted({r["社区"] for r in rows}))}
    needs = [
        NeedRef(i, communities[r["社区"]], r["需求内容"], date.fromisoformat(r["提交日期"]))
        for i, r in enumerate(rows, start=1)
    ]
    merges = group_duplicates(needs, background=LABELLED)
    groups: dict[int, set[str]] = {}
    for merge in merges:
        groups.setdefault(merge.lead_id, {rows[merge.lead_id - 1]["社区"]}).add(
            rows[merge.need_id - 1]["社区"]
        )
    sizes = sorted(group_weights(groups, merges).values())
    assert sizes == [3, 4, 4, 8]
    assert all(len(places) == 1 for places in groups.values())


NEEDS = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=3),
        st.sampled_from(
            [
                "路灯坏了",
                "路灯 坏了！",
                "独居老人吃饭难",
                "独居老人，吃饭难。",
                "噪音扰民",
                "楼道堆满杂物",
            ]
        ),
        st.integers(min_value=1, max_value=5),
        st.booleans(),
    ),
    max_size=25,
).map(
    lambda rows: [NeedRef(i, c, t, date(2026, 3, d), s) for i, (c, t, d, s) in enumerate(rows, 1)]
)


@given(NEEDS.flatmap(lambda needs: st.tuples(st.just(needs), st.permutations(needs))))
def test_grouping_is_order_free_and_every_merge_joins_an_earlier_lead_of_its_community(pair):
    needs, shuffled = pair
    merges = group_duplicates(needs)
    assert group_duplicates(shuffled) == merges
    by_id = {n.need_id: n for n in needs}
    merged = {m.need_id for m in merges}
    for merge in merges:
        need, lead = by_id[merge.need_id], by_id[merge.lead_id]
        assert not need.settled and merge.lead_id not in merged
        assert need.community_id == lead.community_id
        assert lead.settled or (lead.submitted_on, lead.need_id) < (need.submitted_on, need.need_id)
        if merge.similarity == 1.0:
            assert normalise_text(by_id[merge.like_id].text) == normalise_text(need.text)
