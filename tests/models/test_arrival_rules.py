"""The arrival time a clerk gives for a paper daily report: how it is read and bounded."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from models.arrival import ArrivalError, arrival_problem, parse_arrival, read_arrival
from models.rows import Row, RowError

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "text",
    ["2026-05-20T18:30", "2026-05-20 18:30", "2026/05/20 18:30", "2026-05-20 18:30:00"],
)
def test_an_arrival_time_is_read_in_the_offices_zone(text: str) -> None:
    assert parse_arrival(text, tz=SHANGHAI) == datetime(2026, 5, 20, 18, 30, tzinfo=SHANGHAI)


def test_a_bare_date_is_read_as_the_start_of_that_day() -> None:
    assert parse_arrival("2026-05-20", tz=SHANGHAI) == datetime(2026, 5, 20, tzinfo=SHANGHAI)


def test_a_blank_arrival_means_none_was_given() -> None:
    assert parse_arrival("  ", tz=SHANGHAI) is None


def test_a_malformed_arrival_is_refused() -> None:
    with pytest.raises(ArrivalError, match="2026-05-20 18:30"):
        parse_arrival("20号晚上", tz=SHANGHAI)


NOW = datetime(2026, 5, 27, 9, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("received", "problem"),
    [
        (datetime(2026, 5, 20, 18, 30, tzinfo=SHANGHAI), None),
        (datetime(2026, 5, 19, 23, tzinfo=SHANGHAI), "早于服务日期"),
        (datetime(2026, 5, 27, 10, tzinfo=SHANGHAI), "晚于录入时间"),
    ],
)
def test_an_arrival_lies_between_the_service_day_and_its_entry(received, problem) -> None:  # type: ignore[no-untyped-def]
    found = arrival_problem(received, day=date(2026, 5, 20), now=NOW)
    assert found is None if problem is None else problem in (found or "")


def test_a_sheet_error_names_the_row_and_column() -> None:
    row = Row("日报告.xlsx", 4, {"送达时间": "昨天"})
    with pytest.raises(RowError) as caught:
        read_arrival(row, tz=SHANGHAI)
    assert str(caught.value).startswith("日报告.xlsx 第 4 行「送达时间」")
