"""The delivery rule: a dispatch cut-off in the store's timezone, handling days, working days
and holidays, then each method's transit in working days; and its one wording."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

import pytest

from server.pricing.delivery import (
    DeliveryRules,
    NoWorkingDays,
    add_working_days,
    arrival_wording,
    delivery_window,
    dispatch_date,
    dispatch_wording,
    next_working_day,
    weekday_span,
)


@dataclass(frozen=True)
class Method:
    min_days: int
    max_days: int


def ms(*parts: int) -> int:
    """Milliseconds since the epoch for a UTC date and time."""
    return int(datetime(*parts, tzinfo=UTC).timestamp() * 1000)


DUBLIN = DeliveryRules(timezone="Europe/Dublin", cutoff=time(14, 0))
STANDARD = Method(1, 3)
# December 2026: Friday 4, Saturday 5, Sunday 6, Monday 7, Tuesday 8, … Friday 25.


# --- the cut-off ----------------------------------------------------------------------------


def test_before_the_cut_off_on_a_working_day_it_leaves_the_same_day():
    monday_morning = ms(2026, 12, 7, 9, 30)  # Dublin is on UTC in winter
    assert dispatch_date(monday_morning, DUBLIN) == date(2026, 12, 7)
    assert delivery_window(monday_morning, DUBLIN, STANDARD).earliest == date(2026, 12, 8)


def test_at_the_cut_off_it_leaves_the_next_working_day():
    assert dispatch_date(ms(2026, 12, 7, 13, 59, 59), DUBLIN) == date(2026, 12, 7)
    assert dispatch_date(ms(2026, 12, 7, 14, 0), DUBLIN) == date(2026, 12, 8)


def test_after_the_cut_off_on_a_friday_it_leaves_on_monday():
    assert dispatch_date(ms(2026, 12, 4, 16, 0), DUBLIN) == date(2026, 12, 7)


@pytest.mark.parametrize(
    "when", [ms(2026, 12, 5, 9, 0), ms(2026, 12, 6, 9, 0), ms(2026, 12, 6, 20, 0)]
)
def test_a_weekend_order_leaves_on_monday_whatever_the_time(when):
    assert dispatch_date(when, DUBLIN) == date(2026, 12, 7)


def test_a_sunday_evening_order_arrives_tuesday_to_thursday_not_monday():
    window = delivery_window(ms(2026, 12, 6, 20, 0), DUBLIN, STANDARD)
    assert (window.dispatch, window.earliest, window.latest) == (
        date(2026, 12, 7),
        date(2026, 12, 8),
        date(2026, 12, 10),
    )
    assert arrival_wording(window.earliest, window.latest) == "Arrives Tue 8 – Thu 10 Dec"


# --- handling days, working days, holidays ----------------------------------------------------


def test_handling_days_are_working_days_after_the_order_is_ready():
    rules = replace(DUBLIN, handling_days=2)
    assert dispatch_date(ms(2026, 12, 3, 10, 0), rules) == date(2026, 12, 7)  # Thu → Mon
    assert dispatch_date(ms(2026, 12, 3, 15, 0), rules) == date(2026, 12, 8)  # ready Fri


def test_a_shop_that_works_saturdays_ships_on_saturday():
    rules = replace(DUBLIN, working_days=frozenset({0, 1, 2, 3, 4, 5}))
    assert dispatch_date(ms(2026, 12, 4, 15, 0), rules) == date(2026, 12, 5)
    assert dispatch_date(ms(2026, 12, 6, 9, 0), rules) == date(2026, 12, 7)


def test_holidays_are_skipped_for_dispatch_and_for_transit():
    christmas = replace(DUBLIN, holidays=frozenset({date(2026, 12, 25), date(2026, 12, 28)}))
    # Thursday 24 after the cut-off: not Friday 25 (holiday), not the weekend, not Monday 28.
    window = delivery_window(ms(2026, 12, 24, 15, 0), christmas, STANDARD)
    assert window.dispatch == date(2026, 12, 29)
    assert (window.earliest, window.latest) == (date(2026, 12, 30), date(2027, 1, 1))
    # Leaving on Wednesday 23, transit steps over the holidays too.
    window = delivery_window(ms(2026, 12, 23, 9, 0), christmas, Method(2, 3))
    assert (window.earliest, window.latest) == (date(2026, 12, 29), date(2026, 12, 30))


def test_a_holiday_on_the_order_day_moves_a_morning_order_too():
    rules = replace(DUBLIN, holidays=frozenset({date(2026, 12, 7)}))
    assert dispatch_date(ms(2026, 12, 7, 9, 0), rules) == date(2026, 12, 8)


def test_zero_transit_arrives_the_day_it_leaves():
    window = delivery_window(ms(2026, 12, 7, 9, 0), DUBLIN, Method(0, 0))
    assert window.dispatch == window.earliest == window.latest == date(2026, 12, 7)


def test_a_window_never_ends_before_it_starts():
    now = ms(2026, 12, 2, 12, 0)
    for shortest in range(0, 8):
        for longest in range(0, 12):
            window = delivery_window(now, DUBLIN, Method(shortest, longest))
            assert window.dispatch <= window.earliest <= window.latest


def test_added_working_days_never_land_on_a_day_off():
    rules = replace(DUBLIN, holidays=frozenset({date(2026, 12, 25)}))
    for offset in range(20):
        start = date(2026, 12, 1 + offset)
        for days in range(1, 12):
            assert rules.is_working_day(add_working_days(start, days, rules))


def test_a_rule_without_working_days_fails_loudly_instead_of_looping():
    with pytest.raises(NoWorkingDays):
        next_working_day(date(2026, 12, 7), replace(DUBLIN, working_days=frozenset()))


# --- timezones and daylight saving time ------------------------------------------------------


def test_the_cut_off_is_local_time_in_the_stores_timezone():
    # 13:30 UTC on Monday: 14:30 in Amsterdam (after), 13:30 in Dublin (before),
    # 08:30 in New York (before), 00:30 on Tuesday in Sydney (before, Tuesday's).
    now = ms(2026, 12, 7, 13, 30)
    assert dispatch_date(now, replace(DUBLIN, timezone="Europe/Amsterdam")) == date(2026, 12, 8)
    assert dispatch_date(now, DUBLIN) == date(2026, 12, 7)
    assert dispatch_date(now, replace(DUBLIN, timezone="America/New_York")) == date(2026, 12, 7)
    assert dispatch_date(now, replace(DUBLIN, timezone="Australia/Sydney")) == date(2026, 12, 8)


def test_the_local_day_decides_a_late_friday_in_auckland():
    # Thursday 23:30 UTC is Friday 12:30 in Auckland (UTC+13): before the cut-off, Friday's.
    now = ms(2024, 2, 29, 23, 30)
    assert dispatch_date(now, replace(DUBLIN, timezone="Pacific/Auckland")) == date(2024, 3, 1)
    assert dispatch_date(now, replace(DUBLIN, timezone="UTC")) == date(2024, 3, 1)


def test_the_cut_off_follows_summer_time():
    # Dublin moves to UTC+1 at 01:00 UTC on Sunday 29 March 2026. On Monday 30 March the
    # 14:00 cut-off is 13:00 UTC; on Monday 23 March it was 14:00 UTC.
    assert dispatch_date(ms(2026, 3, 30, 12, 59), DUBLIN) == date(2026, 3, 30)
    assert dispatch_date(ms(2026, 3, 30, 13, 0), DUBLIN) == date(2026, 3, 31)
    assert dispatch_date(ms(2026, 3, 23, 13, 30), DUBLIN) == date(2026, 3, 23)


def test_the_night_the_clocks_go_back_counts_the_local_date():
    # New York leaves summer time at 06:00 UTC on Sunday 1 November 2026: 01:30 happens twice,
    # both times on Sunday, so either is a weekend order that leaves on Monday.
    first, second = ms(2026, 11, 1, 5, 30), ms(2026, 11, 1, 6, 30)
    new_york = replace(DUBLIN, timezone="America/New_York")
    assert dispatch_date(first, new_york) == dispatch_date(second, new_york) == date(2026, 11, 2)


# --- the wording -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earliest", "latest", "words"),
    [
        (date(2026, 12, 8), date(2026, 12, 10), "Arrives Tue 8 – Thu 10 Dec"),
        (date(2026, 12, 4), date(2026, 12, 4), "Arrives Fri 4 Dec"),
        (date(2026, 11, 30), date(2026, 12, 2), "Arrives Mon 30 Nov – Wed 2 Dec"),
        (date(2026, 12, 30), date(2027, 1, 4), "Arrives Wed 30 Dec 2026 – Mon 4 Jan 2027"),
    ],
)
def test_arrival_wording(earliest, latest, words):
    assert arrival_wording(earliest, latest) == words


def test_the_rule_in_a_sentence():
    assert dispatch_wording(DUBLIN) == (
        "Orders placed before 14:00 on a working day (Mon–Fri) ship the same day;"
        " later orders ship the next working day."
    )
    assert dispatch_wording(replace(DUBLIN, handling_days=1, cutoff=time(11, 30))) == (
        "Orders placed before 11:30 on a working day (Mon–Fri) ship 1 working day later;"
        " later orders a working day after that."
    )


@pytest.mark.parametrize(
    ("days", "words"),
    [({0, 1, 2, 3, 4}, "Mon–Fri"), ({0, 2, 4}, "Mon, Wed, Fri"), ({5, 6}, "Sat, Sun"),
     ({1, 2, 3, 4, 5}, "Tue–Sat")],
)  # fmt: skip
def test_weekday_span(days, words):
    assert weekday_span(days) == words
