"""Needs intake: reading a need row, its fingerprint, and duplicate groups within a community."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.intake import NeedRef, NeedRow, group_duplicates, normalise_text, read_need_row
from models.rows import Row, RowError

COMMUNITIES = ("淮河社区", "长江社区")
GOOD = {
    "需求内容": " 小区独居老人吃饭难 ",
    "社区": "淮河社区",
    "服务对象": "独居老人",
    "来源": "居民",
    "提交日期": "2026/03/01",
    "联系人": "张三",
    "联系电话": "138 1234 5678",
}


def need_row(number: int = 2, **changes: str) -> Row:
    return Row("needs.xlsx", number, {**GOOD, **changes})


def test_a_good_row_becomes_a_need_with_its_phone_spaces_removed():
    assert read_need_row(need_row(), communities=COMMUNITIES) == NeedRow(
        text="小区独居老人吃饭难",
        community="淮河社区",
        target_group="独居老人",
        source="居民",
        submitted_on=date(2026, 3, 1),
        contact_name="张三",
        contact_phone="13812345678",
    )


@pytest.mark.parametrize("phone", ["0552-1234567", "05521234567", "010-12345678", ""])
def test_landline_with_area_code_or_no_phone_is_accepted(phone):
    assert read_need_row(need_row(联系电话=phone), communities=COMMUNITIES).contact_phone == phone


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("社区", "黄河社区", "不是本街道的社区：'黄河社区'"),
        ("来源", "抖音", "应为 居民/网格员/问卷/微信群/座谈会/热线/其他 之一，收到 '抖音'"),
        ("联系电话", "12345678901", "应为 11 位手机号或带区号的固定电话"),
        ("联系电话", "1234567", "应为 11 位手机号或带区号的固定电话"),
        ("需求内容", "  ", "不能为空"),
        ("提交日期", "三月一日", "日期格式应为 2026-03-01，收到 '三月一日'"),
    ],
)
def test_a_bad_cell_is_refused_naming_its_row_and_column(column, value, message):
    with pytest.raises(RowError) as refused:
        read_need_row(need_row(5, **{column: value}), communities=COMMUNITIES)
    assert str(refused.value) == f"needs.xlsx 第 5 行「{column}」：{message}"


def test_need_text_longer_than_500_characters_is_refused():
    with pytest.raises(RowError, match="「需求内容」：超过 500 字"):
        read_need_row(need_row(需求内容="字" * 501), communities=COMMUNITIES)


def test_fingerprint_is_the_same_for_the_same_row_read_twice():
    first = read_need_row(need_row(2), communities=COMMUNITIES)
    again = read_need_row(need_row(9, 联系电话="13812345678"), communities=COMMUNITIES)
    assert first.fingerprint == again.fingerprint


def test_fingerprint_does_not_change_between_releases():
    # Changing it would make re-importing last year's file add every need again.
    need = read_need_row(need_row(), communities=COMMUNITIES)
    assert need.fingerprint == "80f211a99ee6deaa73ad3cee5e514a2e67daa7d8ebe6ea6f6ed425f526512dea"


@pytest.mark.parametrize(
    "change",
    [
        {"text": "小区独居老人吃饭很难"},
        {"community": "长江社区"},
        {"target_group": ""},
        {"source": "网格员"},
        {"submitted_on": date(2026, 3, 2)},
        {"contact_name": "李四"},
        {"contact_phone": "13812345679"},
    ],
)
def test_fingerprint_covers_everything_the_resident_gave(change):
    need = read_need_row(need_row(), communities=COMMUNITIES)
    assert dataclasses.replace(need, **change).fingerprint != need.fingerprint


def test_fingerprint_tells_apart_needs_that_differ_only_in_where_a_bar_falls():
    base = NeedRow("x|y", "淮河社区", "z", "居民", date(2026, 3, 1), "", "")
    shifted = dataclasses.replace(base, text="x", target_group="y|z")
    assert base.fingerprint != shifted.fingerprint


def test_normalised_text_drops_punctuation_and_spaces_and_ignores_case():
    assert normalise_text("希望 开设，助餐点！（急）…") == "希望开设助餐点急"
    assert normalise_text("WiFi 信号差") == normalise_text("wifi信号差。")


@pytest.mark.parametrize(
    "marked",
    ["需要‘助餐’服务", "需要《助餐》服务", "需要「助餐」服务", "需要助餐服务～"],
    ids=["single-quotes", "book-title-marks", "corner-brackets", "wave-dash"],
)
def test_chinese_quotation_marks_and_tildes_are_punctuation_too(marked):
    assert normalise_text(marked) == normalise_text("需要助餐服务")


def ref(need_id: int, community_id: int, text: str, day: int) -> NeedRef:
    return NeedRef(need_id, community_id, text, date(2026, 3, day))


def test_needs_that_differ_only_in_punctuation_and_spaces_are_merged():
    groups = group_duplicates(
        [
            ref(1, 1, "独居老人吃饭难！", 1),
            ref(2, 1, "独居老人 吃饭难", 2),
            ref(3, 1, "楼道杂物多", 1),
        ]
    )
    assert [(g.lead_id, g.member_ids, g.weight) for g in groups] == [(1, (2,), 2), (3, (), 1)]
    assert groups[0].reason == "同一社区内文字相同（忽略标点空格）：「独居老人吃饭难」"
    assert groups[1].reason == ""


def test_the_same_need_in_two_communities_is_not_a_duplicate():
    groups = group_duplicates([ref(1, 1, "独居老人吃饭难", 1), ref(2, 2, "独居老人吃饭难", 1)])
    assert [(g.lead_id, g.member_ids) for g in groups] == [(1, ()), (2, ())]


def test_the_earliest_submission_leads_its_group_whatever_its_id():
    groups = group_duplicates(
        [ref(1, 1, "路灯坏了", 9), ref(7, 1, "路灯坏了。", 2), ref(4, 1, "路灯 坏了", 5)]
    )
    assert [(g.lead_id, g.member_ids, g.weight) for g in groups] == [(7, (4, 1), 3)]


def test_on_the_same_day_the_smaller_id_leads():
    groups = group_duplicates([ref(8, 1, "路灯坏了", 3), ref(5, 1, "路灯坏了", 3)])
    assert [(g.lead_id, g.member_ids) for g in groups] == [(5, (8,))]


def test_groups_come_back_in_order_of_their_lead():
    groups = group_duplicates([ref(9, 1, "甲", 1), ref(2, 2, "乙", 1), ref(5, 1, "丙", 1)])
    assert [g.lead_id for g in groups] == [2, 5, 9]


def test_the_group_reason_quotes_at_most_20_characters():
    text = "一" * 30
    groups = group_duplicates([ref(1, 1, text, 1), ref(2, 1, text, 1)])
    assert groups[0].reason.endswith("「" + "一" * 20 + "」")


NEEDS = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=3),
        st.sampled_from(
            ["路灯坏了", "路灯 坏了！", "独居老人吃饭难", "独居老人，吃饭难。", "噪音"]
        ),
        st.integers(min_value=1, max_value=5),
    ),
    max_size=25,
).map(lambda rows: [ref(i, c, t, d) for i, (c, t, d) in enumerate(rows, start=1)])


@given(NEEDS.flatmap(lambda needs: st.tuples(st.just(needs), st.permutations(needs))))
def test_grouping_puts_every_need_in_exactly_one_group_led_by_its_earliest(pair):
    needs, shuffled = pair
    groups = group_duplicates(needs)
    assert group_duplicates(shuffled) == groups
    by_id = {n.need_id: n for n in needs}
    placed = [g.lead_id for g in groups] + [m for g in groups for m in g.member_ids]
    assert sorted(placed) == sorted(by_id)
    for group in groups:
        lead = by_id[group.lead_id]
        for member in (by_id[m] for m in group.member_ids):
            assert member.community_id == lead.community_id
            assert normalise_text(member.text) == normalise_text(lead.text)
            assert (member.submitted_on, member.need_id) > (lead.submitted_on, lead.need_id)
    keys = [(by_id[g.lead_id].community_id, normalise_text(by_id[g.lead_id].text)) for g in groups]
    assert len(keys) == len(set(keys))
