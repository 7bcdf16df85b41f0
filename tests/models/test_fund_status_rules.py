"""The fund opens and closes, a closed fund takes no gifts, and staff may override screening."""

from __future__ import annotations

from datetime import date

import pytest

from models.fund import FundClosedError, check_fund_takes_gifts
from models.status import (
    FUND_TRANSITIONS,
    SCREENING_OVERRIDE_TRANSITIONS,
    FundStatus,
    ProposalStatus,
    Role,
    TransitionError,
    apply_transition,
)


def test_an_open_fund_takes_gifts():
    check_fund_takes_gifts(name="专项公益基金", status=FundStatus.OPEN, closed_on=None)


def test_a_closed_fund_refuses_gifts_saying_since_when():
    with pytest.raises(FundClosedError) as refused:
        check_fund_takes_gifts(
            name="专项公益基金", status=FundStatus.CLOSED, closed_on=date(2026, 5, 1)
        )
    assert str(refused.value) == "公益基金「专项公益基金」已于 2026-05-01 关闭，不再接受捐赠"


@pytest.mark.parametrize(
    ("table", "current", "target"),
    [
        (FUND_TRANSITIONS, FundStatus.OPEN, FundStatus.CLOSED),
        (FUND_TRANSITIONS, FundStatus.CLOSED, FundStatus.OPEN),
        (SCREENING_OVERRIDE_TRANSITIONS, ProposalStatus.INELIGIBLE, ProposalStatus.ELIGIBLE),
        (SCREENING_OVERRIDE_TRANSITIONS, ProposalStatus.ELIGIBLE, ProposalStatus.INELIGIBLE),
    ],
)
def test_only_staff_may_close_a_fund_or_override_screening(table, current, target):
    assert apply_transition(table, current, target, role=Role.STAFF) == target
    for role in set(Role) - {Role.STAFF}:
        with pytest.raises(TransitionError):
            apply_transition(table, current, target, role=role)


def test_screening_cannot_be_overridden_once_selection_moved_on():
    with pytest.raises(TransitionError):
        apply_transition(
            SCREENING_OVERRIDE_TRANSITIONS,
            ProposalStatus.SHORTLISTED,
            ProposalStatus.INELIGIBLE,
            role=Role.STAFF,
        )
