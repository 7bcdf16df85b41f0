"""The next step of a call's selection is named from what is stored, never asked early."""

from __future__ import annotations

from datetime import date

import pytest

from models.selection_progress import NextStep, SelectionCounts, StageCounts, next_step


@pytest.mark.parametrize(
    ("counts", "key", "says"),
    [
        (SelectionCounts(1), "screening", "资格审查"),
        (
            SelectionCounts(1, StageCounts(5, 5, 0)),
            "seat:preliminary",
            "selection seat --call 1 --stage 初审",
        ),
        (SelectionCounts(1, StageCounts(5, 0, 3)), "scores:preliminary", "还缺 3 份评分"),
        (
            SelectionCounts(1, StageCounts(5, 0, 0)),
            "close:preliminary",
            "close-stage --call 1 --stage 初审",
        ),
        (SelectionCounts(1, defence=StageCounts(4, 4, 0)), "seat:defence", "--stage 路演"),
        (SelectionCounts(1, defence=StageCounts(4, 0, 12)), "scores:defence", "路演评分未齐"),
        (SelectionCounts(1, defence=StageCounts(4, 0, 0)), "close:defence", "提交评审委员会"),
        (SelectionCounts(1, proposed=True), "decide", "selection decide --call 1"),
        (
            SelectionCounts(1, proposed=True, decided=True, notice_ends_on=date(2026, 5, 28)),
            "conclude",
            "公示至 2026-05-28",
        ),
        (SelectionCounts(1, decided=True, concluded=True), "done", "遴选已结束"),
    ],
)
def test_the_next_step_follows_the_stored_state(
    counts: SelectionCounts, key: str, says: str
) -> None:
    step = next_step(counts)
    assert isinstance(step, NextStep) and step.key == key and says in step.message


def test_with_only_preliminary_scores_the_committee_is_not_asked_to_decide() -> None:
    after_preliminary = SelectionCounts(7, defence=StageCounts(waiting=20, unseated=0, unscored=60))

    step = next_step(after_preliminary)

    assert step.key == "scores:defence" and "拟资助" not in step.message
