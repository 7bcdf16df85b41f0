"""The 公示 objection window counts working days, skipping weekends and listed holidays."""

from __future__ import annotations

from datetime import date

import pytest

from models.publicity import PublicityError, check_objection_date, is_working_day, window_end


def test_five_working_days_from_a_thursday_end_on_the_next_thursday():
    assert window_end(date(2026, 5, 28), 5) == date(2026, 6, 4)


def test_listed_holidays_do_not_count():
    dragon_boat = [date(2026, 6, 19)]
    assert window_end(date(2026, 6, 15), 5) == date(2026, 6, 22)
    assert window_end(date(2026, 6, 15), 5, holidays=dragon_boat) == date(2026, 6, 23)


def test_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 6, 6))
    assert is_working_day(date(2026, 6, 8))


def test_an_objection_after_the_window_is_refused_with_the_end_date():
    with pytest.raises(PublicityError, match="公示期已于 2026-06-04 结束"):
        check_objection_date(
            date(2026, 6, 5), published_on=date(2026, 5, 28), ends_on=date(2026, 6, 4)
        )


def test_an_objection_on_the_last_day_is_taken():
    check_objection_date(date(2026, 6, 4), published_on=date(2026, 5, 28), ends_on=date(2026, 6, 4))


def test_a_window_of_no_days_is_refused():
    with pytest.raises(PublicityError):
        window_end(date(2026, 5, 28), 0)
