"""Text hygiene at intake: one rule (models.text) and the readers that apply it (issue #17)."""

from __future__ import annotations

from datetime import date

import pytest

from models.intake import read_need_row
from models.report_input import (
    DailyReportInput,
    InputError,
    parse_activities,
    parse_refs,
    parse_spend,
    read_report_payload,
)
from models.rows import Row, RowError
from models.text import CONTROL_MESSAGE, UNICODE_MESSAGE, check_text, is_control, text_problem

C0 = ["\x00", "\x07", "\x1b", "\x1f", "\x7f"]
C1 = ["\x80", "\x85", "\x9b", "\x9f"]
UNUSUAL = "😀𠀀𪚥\ue000"  # emoji, CJK Extension B, private use: text, stored as is


@pytest.mark.parametrize("char", C0 + C1)
def test_c0_c1_and_del_are_controls(char: str) -> None:
    assert is_control(char)
    assert text_problem(f"第三讲{char}") == CONTROL_MESSAGE
    with pytest.raises(ValueError, match=CONTROL_MESSAGE):
        check_text(f"{char}第三讲")


@pytest.mark.parametrize("char", ["\t", "\n", "\r", " ", "\xa0", "中", "😀", "𠀀", "\ue000"])
def test_tab_line_breaks_and_every_other_character_are_text(char: str) -> None:
    assert not is_control(char)
    assert check_text(f"a{char}b") == f"a{char}b"


def test_a_lone_surrogate_is_not_unicode_text() -> None:
    assert text_problem("a\ud800b") == UNICODE_MESSAGE


PAYLOAD = {
    "project": "银龄互助",
    "day": "2026-06-03",
    "activities": [{"kind": "小组", "title": "智能手机课", "people": 12}],
    "spend_fen": {"活动费": 100},
    "summary": "第三讲",
}


@pytest.mark.parametrize("char", ["\x85", "\x07"])
@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("summary", {"summary": "第三讲{c}"}),
        ("summary", {"summary": "{c}第三讲"}),  # \x85 is whitespace to str.strip()
        ("issues", {"issues": "场地{c}冲突"}),
        ("activities", {"activities": [{"kind": "小组", "title": "{c}课", "people": 1}]}),
        ("spend_fen", {"spend_fen": {"活动费{c}": 100}}),
        ("attachments", {"attachments": ["a{c}.jpg"]}),
    ],
)
def test_the_payload_reader_refuses_a_control_naming_the_field(
    char: str, field: str, change: dict[str, object]
) -> None:
    payload = PAYLOAD | _fill(change, char)
    with pytest.raises(InputError) as raised:
        read_report_payload(payload)
    assert (raised.value.field, raised.value.message) == (field, CONTROL_MESSAGE)


def _fill(value: object, char: str) -> object:
    if isinstance(value, str):
        return value.format(c=char)
    if isinstance(value, dict):
        return {_fill(k, char): _fill(v, char) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, char) for v in value]
    return value


def test_unusual_but_valid_text_is_read_as_is() -> None:
    report = read_report_payload(PAYLOAD | {"summary": UNUSUAL})
    assert report.summary == UNUSUAL


def test_a_daily_report_built_by_any_door_refuses_a_control() -> None:
    with pytest.raises(InputError, match=f"「当天小结」{CONTROL_MESSAGE}"):
        DailyReportInput("银龄互助", date(2026, 6, 3), summary="a\x85b")
    with pytest.raises(InputError, match=CONTROL_MESSAGE):
        parse_spend("活动\x9b费:12")
    with pytest.raises(InputError, match=CONTROL_MESSAGE):
        parse_spend("活动费\x85:12")  # the parts are stripped, \x85 with them: checked before
    with pytest.raises(InputError, match=CONTROL_MESSAGE):
        parse_activities("小组:智能手机课\x85:12")
    with pytest.raises(InputError, match=CONTROL_MESSAGE):
        parse_refs("E01-0007\x85")


GOOD_NEED = {
    "需求内容": "小区独居老人吃饭难",
    "社区": "淮河社区",
    "服务对象": "独居老人",
    "来源": "居民",
    "提交日期": "2026/03/01",
    "联系人": "",
    "联系电话": "",
}


@pytest.mark.parametrize("char", ["\x85", "\x07"])
@pytest.mark.parametrize("column", ["需求内容", "服务对象", "联系人"])
def test_a_need_row_refuses_a_control_even_at_its_edge(char: str, column: str) -> None:
    row = Row("需求表单", 1, GOOD_NEED | {column: f"{GOOD_NEED[column] or '张'}{char}"})
    with pytest.raises(RowError) as raised:
        read_need_row(row, communities=["淮河社区"], today=date(2026, 3, 31))
    assert (raised.value.column, raised.value.message) == (column, CONTROL_MESSAGE)


def test_a_need_row_keeps_unusual_but_valid_text() -> None:
    row = Row("需求表单", 1, GOOD_NEED | {"需求内容": f"独居老人{UNUSUAL}"})
    need = read_need_row(row, communities=["淮河社区"], today=date(2026, 3, 31))
    assert need.text == f"独居老人{UNUSUAL}"
