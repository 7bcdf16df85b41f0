"""The 公示 objection window counts working days, skipping weekends and listed holidays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.publicity import (
    PublicityError,
    check_objection_date,
    count_working_days,
    is_working_day,
    window_end,
    window_start,
)


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


def test_when_the_first_day_counts_a_thursday_notice_ends_on_the_next_wednesday():
    # Thu 28, Fri 29, Mon 1, Tue 2, Wed 3: five working days with the first one counted.
    assert window_end(date(2026, 5, 28), 5, first_day_counts=True) == date(2026, 6, 3)
    assert count_working_days(date(2026, 5, 28), date(2026, 6, 3)) == 5


def test_a_notice_published_on_a_saturday_starts_counting_on_monday_either_way():
    saturday = date(2026, 5, 30)
    assert window_start(saturday, first_day_counts=True) == date(2026, 6, 1)
    assert window_start(saturday) == date(2026, 6, 1)
    assert window_end(saturday, 5, first_day_counts=True) == date(2026, 6, 5)
    assert window_end(saturday, 5) == date(2026, 6, 5)


def test_a_holiday_on_the_first_day_does_not_count_even_when_the_first_day_counts():
    dragon_boat = [date(2026, 6, 19)]
    assert window_start(date(2026, 6, 19), holidays=dragon_boat, first_day_counts=True) == date(
        2026, 6, 22
    )
    assert window_end(date(2026, 6, 19), 5, holidays=dragon_boat, first_day_counts=True) == date(
        2026, 6, 26
    )


def test_the_printed_window_always_holds_the_days_it_claims():
    for first_day_counts in (False, True):
        for offset in range(14):
            published = date(2026, 6, 1) + timedelta(days=offset)
            start = window_start(published, first_day_counts=first_day_counts)
            end = window_end(published, 5, first_day_counts=first_day_counts)
            assert count_working_days(start, end) == 5
            # Counting from the publication day itself would have claimed one day too many.
            if not first_day_counts and is_working_day(published):
                assert count_working_days(published, end) == 6


def test_one_working_day_ends_on_its_first_day():
    assert window_end(date(2026, 5, 28), 1, first_day_counts=True) == date(2026, 5, 28)
    assert window_end(date(2026, 5, 28), 1) == date(2026, 5, 29)
    assert count_working_days(date(2026, 5, 29), date(2026, 5, 28)) == 0


def test_a_notice_prints_its_window_from_the_first_day_counted_back_from_its_end():
    from models.publicity import window_first_day

    thursday = date(2026, 5, 28)
    # Counted from the next day: Fri 29 .. Thu 4 June; the notice prints Fri 29.
    end = window_end(thursday, 5)
    assert window_first_day(thursday, end, 5) == date(2026, 5, 29)
    # Counted from the day itself: Thu 28 .. Wed 3 June.
    end = window_end(thursday, 5, first_day_counts=True)
    assert window_first_day(thursday, end, 5) == thursday
    assert count_working_days(window_first_day(thursday, end, 5), end) == 5
    # A window shorter than claimed still never starts before publication.
    assert window_first_day(thursday, date(2026, 5, 29), 5) == thursday
