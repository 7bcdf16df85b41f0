"""Action items (待办事项): read from the tracking sheet, closed but never reopened."""

from __future__ import annotations

from datetime import date

import pytest

from models.action_items import ActionInput, next_status, read_action_row
from models.rows import Row, RowError
from models.status import ActionItemStatus, Role, TransitionError

HELD = date(2026, 6, 15)


def row(**cells: str) -> Row:
    values = {
        "序号": "1",
        "项目名称": "长者食堂",
        "事项": "补交日报告",
        "责任人": "青禾社工",
        "完成时限": "2026-06-19",
    }
    return Row("待办.csv", 2, {**values, **cells})


def test_an_item_is_read_open_by_default():
    assert read_action_row(row(), held_on=HELD) == ActionInput(
        "待办.csv", 2, 1, "长者食堂", "补交日报告", "青禾社工", date(2026, 6, 19)
    )


def test_a_done_item_carries_its_date_and_note():
    item = read_action_row(
        row(完成情况="已完成", 完成日期="2026-06-18", 说明="已补交"), held_on=HELD
    )
    assert (item.status, item.closed_on, item.note) == (
        ActionItemStatus.DONE,
        date(2026, 6, 18),
        "已补交",
    )


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"完成时限": "2026-06-12"}, "完成时限"),
        ({"完成情况": "进行中"}, "完成情况"),
        ({"完成情况": "已完成"}, "完成日期"),
        ({"序号": "0"}, "序号"),
        ({"责任人": ""}, "责任人"),
    ],
)
def test_a_bad_cell_is_named(cells, column):
    with pytest.raises(RowError) as refused:
        read_action_row(row(**cells), held_on=HELD)
    assert refused.value.column == column


def test_closing_an_open_item_is_allowed_and_repeating_it_changes_nothing():
    assert (
        next_status(ActionItemStatus.OPEN, ActionItemStatus.DONE, role=Role.STAFF)
        == ActionItemStatus.DONE
    )
    assert next_status(ActionItemStatus.DONE, ActionItemStatus.DONE, role=Role.STAFF) is None


def test_a_closed_item_is_never_reopened():
    with pytest.raises(TransitionError, match="已是「已完成」，不能改为「未完成」"):
        next_status(ActionItemStatus.DONE, ActionItemStatus.OPEN, role=Role.STAFF)
