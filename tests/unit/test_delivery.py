"""Delivery estimates: business days counted after the order day, in the store's timezone."""

from datetime import UTC, date, datetime

import pytest

from server.pricing.delivery import add_business_days, delivery_window


def ms(*parts: int) -> int:
    """Milliseconds since the epoch for a UTC date and time."""
    return int(datetime(*parts, tzinfo=UTC).timestamp() * 1000)


# 2024-03-01 is a Friday.
FRI = date(2024, 3, 1)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (FRI, 0, FRI),
        (FRI, 1, date(2024, 3, 4)),  # Friday + 1 → Monday
        (FRI, 2, date(2024, 3, 5)),
        (FRI, 5, date(2024, 3, 8)),  # a full week → the next Friday
        (FRI, 10, date(2024, 3, 15)),
        (date(2024, 2, 29), 1, FRI),  # Thursday + 1 → Friday
        (date(2024, 2, 29), 2, date(2024, 3, 4)),  # Thursday + 2 → Monday
        (date(2024, 3, 2), 1, date(2024, 3, 4)),  # Saturday + 1 → Monday
        (date(2024, 3, 3), 1, date(2024, 3, 4)),  # Sunday + 1 → Monday
        (date(2024, 3, 4), 5, date(2024, 3, 11)),  # Monday + 5 → Monday
        (date(2024, 12, 27), 3, date(2025, 1, 1)),  # across the new year (no holidays)
        (date(2024, 2, 28), 2, FRI),  # across a leap day
    ],
)
def test_add_business_days(start, days, expected):
    assert add_business_days(start, days) == expected


def test_added_business_days_never_land_on_a_weekend():
    for offset in range(14):
        start = date(2024, 3, 1 + offset)
        for days in range(1, 12):
            assert add_business_days(start, days).weekday() < 5


def test_window_counts_from_the_local_date_when_it_is_already_friday_there():
    # Thursday 23:30 UTC is Friday 12:30 in Auckland (UTC+13).
    now = ms(2024, 2, 29, 23, 30)
    assert delivery_window(now, "Pacific/Auckland", 1, 3) == (date(2024, 3, 4), date(2024, 3, 6))
    # Counted from the UTC date (Thursday), it would be Friday to Tuesday.
    assert delivery_window(now, "UTC", 1, 3) == (date(2024, 3, 1), date(2024, 3, 5))


def test_window_counts_from_the_local_date_when_it_is_still_sunday_there():
    # Monday 03:00 UTC is Sunday 19:00 in Los Angeles.
    now = ms(2024, 3, 4, 3, 0)
    assert delivery_window(now, "America/Los_Angeles", 1, 5) == (
        date(2024, 3, 4),
        date(2024, 3, 8),
    )
    assert delivery_window(now, "UTC", 1, 5) == (date(2024, 3, 5), date(2024, 3, 11))


def test_local_midnight_is_the_day_boundary_to_the_millisecond():
    # Europe/Dublin is UTC+1 in June: 23:00 UTC on Thursday 6 June is Friday 00:00 locally.
    friday_midnight = ms(2024, 6, 6, 23, 0)
    assert delivery_window(friday_midnight, "Europe/Dublin", 1, 2) == (
        date(2024, 6, 10),  # Friday + 1 → Monday
        date(2024, 6, 11),
    )
    assert delivery_window(friday_midnight - 1, "Europe/Dublin", 1, 2) == (
        date(2024, 6, 7),  # Thursday + 1 → Friday
        date(2024, 6, 10),
    )


def test_order_on_a_saturday_starts_counting_on_monday():
    saturday_noon = ms(2024, 3, 2, 12, 0)
    assert delivery_window(saturday_noon, "Europe/Dublin", 2, 5) == (
        date(2024, 3, 5),
        date(2024, 3, 8),
    )


@pytest.mark.parametrize(("min_days", "max_days"), [(0, 0), (-3, 0), (0, 1)])
def test_window_is_at_least_one_business_day_after_the_order(min_days, max_days):
    friday = ms(2024, 3, 1, 12, 0)
    assert delivery_window(friday, "UTC", min_days, max_days) == (
        date(2024, 3, 4),
        date(2024, 3, 4),
    )


def test_window_start_never_after_its_end_for_ordered_day_counts():
    now = ms(2024, 3, 1, 12, 0)
    for min_days in range(0, 8):
        for max_days in range(min_days, 12):
            start, end = delivery_window(now, "Asia/Tokyo", min_days, max_days)
            assert start <= end
