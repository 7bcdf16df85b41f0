"""Needs intake: reading a need row, refusing bad cells by row and column, and its fingerprint."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from models.intake import NeedRow, normalise_text, read_need_row
from models.rows import Row, RowError

COMMUNITIES = ("淮河社区", "长江社区")
TODAY = date(2026, 3, 31)
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


def read(row: Row, today: date = TODAY) -> NeedRow:
    return read_need_row(row, communities=COMMUNITIES, today=today)


def test_a_good_row_becomes_a_need_with_its_phone_spaces_removed():
    assert read(need_row()) == NeedRow(
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
    assert read(need_row(联系电话=phone)).contact_phone == phone


@pytest.mark.parametrize(
    "written", ["2026-03-01", "2026/3/1", "2026.03.01", "2026年3月1日", "2026-3-1"]
)
def test_the_submission_day_may_be_written_the_ways_clerks_write_it(written):
    assert read(need_row(提交日期=written)).submitted_on == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("社区", "黄河社区", "不是本街道的社区：'黄河社区'"),
        ("来源", "抖音", "应为 居民/网格员/问卷/微信群/座谈会/热线/其他 之一，收到 '抖音'"),
        ("联系电话", "12345678901", "应为 11 位手机号或带区号的固定电话"),
        ("联系电话", "1234567", "应为 11 位手机号或带区号的固定电话"),
        ("需求内容", "  ", "不能为空"),
        ("需求内容", "字" * 10_000, "超过 500 字"),
        ("提交日期", "三月一日", "日期格式应为 2026-03-01，收到 '三月一日'"),
        ("提交日期", "2026-02-30", "日期格式应为 2026-03-01，收到 '2026-02-30'"),
        ("提交日期", "03/01/2026", "日期格式应为 2026-03-01，收到 '03/01/2026'"),
        ("提交日期", "2026-04-01", "2026-04-01 晚于今天（2026-03-31），请核对日期"),
    ],
    ids=[
        "unknown-community",
        "unknown-source",
        "not-a-phone",
        "short-phone",
        "empty-text",
        "text-of-10000-characters",
        "date-in-words",
        "impossible-date",
        "month-first-date",
        "date-in-the-future",
    ],
)
def test_a_bad_cell_is_refused_naming_its_row_and_column(column, value, message):
    with pytest.raises(RowError) as refused:
        read(need_row(5, **{column: value}))
    assert str(refused.value) == f"needs.xlsx 第 5 行「{column}」：{message}"


def test_a_need_submitted_today_is_not_in_the_future():
    assert read(need_row(提交日期="2026-03-31")).submitted_on == TODAY


def test_text_of_exactly_500_characters_is_accepted():
    assert len(read(need_row(需求内容="字" * 500)).text) == 500


def test_fingerprint_is_the_same_for_the_same_row_read_twice():
    first = read(need_row(2))
    again = read(need_row(9, 联系电话="13812345678"))
    assert first.fingerprint == again.fingerprint


def test_fingerprint_does_not_change_between_releases():
    # Changing it would make re-importing last year's file add every need again.
    assert read(need_row()).fingerprint == (
        "80f211a99ee6deaa73ad3cee5e514a2e67daa7d8ebe6ea6f6ed425f526512dea"
    )


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
    need = read(need_row())
    assert dataclasses.replace(need, **change).fingerprint != need.fingerprint


def test_fingerprint_tells_apart_needs_that_differ_only_in_where_a_bar_falls():
    base = NeedRow("x|y", "淮河社区", "z", "居民", date(2026, 3, 1), "", "")
    shifted = dataclasses.replace(base, text="x", target_group="y|z")
    assert base.fingerprint != shifted.fingerprint


def test_normalised_text_drops_punctuation_and_spaces_and_ignores_case_and_width():
    assert normalise_text("希望 开设，助餐点！（急）…") == "希望开设助餐点急"
    assert normalise_text("WiFi 信号差") == normalise_text("ｗｉｆｉ信号差。")


@pytest.mark.parametrize(
    "marked",
    ["需要‘助餐’服务", "需要《助餐》服务", "需要「助餐」服务", "需要助餐服务～"],
    ids=["single-quotes", "book-title-marks", "corner-brackets", "wave-dash"],
)
def test_chinese_quotation_marks_and_tildes_are_punctuation_too(marked):
    assert normalise_text(marked) == normalise_text("需要助餐服务")
