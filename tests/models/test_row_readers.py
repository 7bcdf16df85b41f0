"""Row readers: each refusal names file, row and column, and `read_all` lists every bad row."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from models.rows import Row, RowError, RowsRejected, read_all

SHANGHAI = ZoneInfo("Asia/Shanghai")


def row(number: int = 2, **values: str) -> Row:
    return Row("needs.xlsx", number, values)


def test_row_error_names_file_row_and_column_in_chinese():
    error = row(7).error("社区", "不能为空")
    assert str(error) == "needs.xlsx 第 7 行「社区」：不能为空"
    assert (error.file, error.row, error.column, error.message) == (
        "needs.xlsx",
        7,
        "社区",
        "不能为空",
    )


def test_text_is_stripped():
    assert row(名称="  阳光助餐  ").text("名称") == "阳光助餐"


@pytest.mark.parametrize("values", [{}, {"名称": ""}, {"名称": "   "}])
def test_required_text_that_is_blank_or_absent_is_refused(values):
    with pytest.raises(RowError) as refused:
        Row("needs.xlsx", 4, values).text("名称")
    assert str(refused.value) == "needs.xlsx 第 4 行「名称」：不能为空"


def test_optional_text_may_be_blank():
    assert row().text("联系人", required=False) == ""


def test_text_longer_than_its_limit_is_refused_after_stripping():
    assert row(名称=" " + "字" * 5 + " ").text("名称", max_length=5) == "字" * 5
    with pytest.raises(RowError, match="「名称」：超过 5 字"):
        row(名称="字" * 6).text("名称", max_length=5)


@pytest.mark.parametrize("written", ["2026-03-01", "2026/03/01", " 2026/03/01 "])
def test_day_accepts_dashes_or_slashes(written):
    assert row(日期=written).day("日期") == date(2026, 3, 1)


@pytest.mark.parametrize("written", ["2026-02-30", "3月1日", "01/03/2026"])
def test_day_that_is_not_a_calendar_date_is_refused_with_an_example(written):
    with pytest.raises(RowError) as refused:
        row(日期=written).day("日期")
    assert refused.value.column == "日期"
    assert "日期格式应为 2026-03-01" in refused.value.message


def test_moment_without_a_zone_is_local_to_the_given_zone():
    moment = row(时间="2026/05/01 14:30").moment("时间", tz=SHANGHAI)
    assert moment == datetime(2026, 5, 1, 14, 30, tzinfo=SHANGHAI)
    assert moment.utcoffset().total_seconds() == 8 * 3600


def test_moment_that_names_its_own_zone_keeps_it():
    moment = row(时间="2026-05-01T06:30+00:00").moment("时间", tz=SHANGHAI)
    assert moment.astimezone(SHANGHAI).hour == 14


def test_moment_that_is_not_a_time_is_refused():
    with pytest.raises(RowError, match="时间格式应为 2026-05-01 14:30"):
        row(时间="下午两点").moment("时间", tz=SHANGHAI)


@pytest.mark.parametrize(("written", "fen"), [("1,200.50", 120050), ("0", 0), ("15000元", 1500000)])
def test_fen_reads_yuan_as_integer_fen(written, fen):
    assert row(金额=written).fen("金额") == fen


def test_optional_blank_amount_is_none_not_zero():
    assert row(金额=" ").fen("金额", required=False) is None


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("-5", "金额不能为负"),
        ("12.345", "金额最多两位小数"),
        ("一千", "金额不是数字"),
        ("", "不能为空"),
    ],
)
def test_bad_amount_is_refused_naming_the_cell(written, message):
    with pytest.raises(RowError) as refused:
        row(9, 金额=written).fen("金额")
    assert refused.value.row == 9
    assert refused.value.column == "金额"
    assert message in refused.value.message


def test_count_reads_a_whole_number():
    assert row(人数=" 42 ").count("人数") == 42


@pytest.mark.parametrize(("written", "message"), [("4.5", "应为整数"), ("许多", "应为整数")])
def test_count_that_is_not_whole_is_refused(written, message):
    with pytest.raises(RowError, match=message):
        row(人数=written).count("人数")


def test_count_below_its_minimum_is_refused():
    assert row(人数="1").count("人数", minimum=1) == 1
    with pytest.raises(RowError, match="「人数」：不能小于 1"):
        row(人数="0").count("人数", minimum=1)


def test_choice_maps_the_label_to_its_stored_value():
    choices = {"机关事业单位": "institution", "爱心企业": "company"}
    assert row(类型="爱心企业").choice("类型", choices) == "company"


def test_choice_outside_the_list_names_every_allowed_label():
    with pytest.raises(RowError) as refused:
        row(类型="个人").choice("类型", {"机关事业单位": "institution", "爱心企业": "company"})
    assert refused.value.message == "应为 机关事业单位 / 爱心企业 之一，收到 '个人'"


def _read_donation(r: Row) -> tuple[str, int | None]:
    return r.text("捐赠方"), r.fen("金额")


def test_read_all_returns_every_value_in_order_when_all_rows_are_good():
    rows = [row(2, 捐赠方="甲公司", 金额="100"), row(3, 捐赠方="乙", 金额="0.5")]
    assert read_all(rows, _read_donation) == [("甲公司", 10000), ("乙", 50)]


def test_read_all_reports_every_bad_row_not_just_the_first():
    rows = [
        row(2, 捐赠方="", 金额="100"),
        row(3, 捐赠方="甲公司", 金额="100"),
        row(4, 捐赠方="乙", 金额="-1"),
        row(5, 捐赠方="丙", 金额="一百"),
    ]
    with pytest.raises(RowsRejected) as rejected:
        read_all(rows, _read_donation)
    assert [(e.row, e.column) for e in rejected.value.errors] == [
        (2, "捐赠方"),
        (4, "金额"),
        (5, "金额"),
    ]
    assert str(rejected.value) == "3 处错误，未写入任何数据"
    assert str(rejected.value.errors[1]) == "needs.xlsx 第 4 行「金额」：金额不能为负"


def test_read_all_reports_only_the_first_bad_cell_of_a_row():
    with pytest.raises(RowsRejected) as rejected:
        read_all([row(2, 捐赠方="", 金额="-1")], _read_donation)
    assert [e.column for e in rejected.value.errors] == ["捐赠方"]


def test_read_all_lets_an_error_that_is_not_about_a_cell_through():
    def broken(r: Row) -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        read_all([row(2)], broken)


def test_rows_rejected_is_a_value_error():
    assert issubclass(RowsRejected, ValueError)


def test_row_error_survives_leaving_a_context_manager():
    @contextmanager
    def scope():
        yield

    with pytest.raises(RowError), scope():
        row(2).text("社区")


def test_a_note_can_be_added_to_a_row_error():
    error = row(2).error("社区", "不能为空")
    error.add_note("导入 needs.xlsx 时")
    assert error.__notes__ == ["导入 needs.xlsx 时"]


# --- hostile values are refused naming the cell (issue #17) ---


@pytest.mark.parametrize(
    "value", ["铃声\x07响起", "\x1b[31m红字", "甲\x00乙", "换行\x85符", "删除\x7f"]
)
def test_text_with_a_control_character_is_refused_naming_the_cell(value):
    with pytest.raises(RowError) as refused:
        row(4, 服务摘要=value).text("服务摘要", required=False)
    assert str(refused.value) == "needs.xlsx 第 4 行「服务摘要」：不能包含控制字符"


@pytest.mark.parametrize("value", ["第一行\n第二行", "甲\t乙", "😀 𠀀𪚥 \ue000"])
def test_tabs_line_breaks_emoji_and_rare_characters_are_text(value):
    assert row(服务摘要=value).text("服务摘要") == value


@pytest.mark.parametrize(
    ("written", "message"),
    [("0001-01-01", "早于 1950-01-01"), ("2101-01-01", "晚于 2100-12-31")],
)
def test_a_day_outside_the_bounds_is_refused_naming_the_cell(written, message):
    with pytest.raises(RowError, match=f"第 2 行「日期」：日期 {written} {message}"):
        row(日期=written).day("日期")


def test_a_day_may_be_bounded_by_the_caller():
    with pytest.raises(RowError, match="「登记日期」：日期 2099-01-01 晚于 2026-04-30"):
        row(登记日期="2099-01-01").day("登记日期", latest=date(2026, 4, 30))
    assert row(登记日期="2020-01-01").day("登记日期", latest=date(2026, 4, 30)) == date(2020, 1, 1)


def test_a_moment_in_the_year_one_is_refused():
    with pytest.raises(RowError, match="「提交时间」：日期 0001-01-01 早于 1950-01-01"):
        row(提交时间="0001-01-01 09:00").moment("提交时间", tz=SHANGHAI)


@pytest.mark.parametrize("written", ["1e30", "1e308", "10000000000.01", "1" + "0" * 400])
def test_an_amount_beyond_ten_billion_yuan_is_refused(written):
    with pytest.raises(RowError, match="「金额」：金额超过 10,000,000,000 元上限"):
        row(金额=written).fen("金额")


def test_ten_billion_yuan_is_the_largest_amount():
    assert row(金额="10000000000").fen("金额") == 10**12


@pytest.mark.parametrize("written", ["1000001", "9" * 400])
def test_a_count_beyond_a_million_is_refused(written):
    with pytest.raises(RowError, match="「人次」：超过 1,000,000 的上限"):
        row(人次=written).count("人次")


def test_a_count_written_as_1e308_is_not_a_whole_number():
    with pytest.raises(RowError, match="「人次」：应为整数"):
        row(人次="1e308").count("人次")
