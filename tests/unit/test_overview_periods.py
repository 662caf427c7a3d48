"""The overview's ranges: local days, the previous period of equal length, DST, custom dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from server.admin.overview.periods import (
    HOUR_MS,
    choose_window,
    midnight_ms,
    span_label,
)
from server.errors import ValidationFailed

DUBLIN = "Europe/Dublin"


def ms(*args: int, zone: str = "UTC") -> int:
    return int(datetime(*args, tzinfo=ZoneInfo(zone)).timestamp() * 1000)


# 15 March 2025, 14:30 in Dublin (GMT, before the clocks go forward on 30 March).
NOW = ms(2025, 3, 15, 14, 30, zone=DUBLIN)


def test_today_is_compared_with_yesterday_until_the_same_time():
    window = choose_window({"range": "today"}, NOW, DUBLIN)
    assert window.key == "today"
    assert window.current.start_ms == ms(2025, 3, 15, zone=DUBLIN)
    assert window.current.end_ms == NOW
    assert window.current.cut
    assert window.previous.start_ms == ms(2025, 3, 14, zone=DUBLIN)
    assert window.previous.end_ms == ms(2025, 3, 14, 14, 30, zone=DUBLIN)
    assert window.hourly
    assert [b.label for b in window.chart_current][:2] == ["00:00", "01:00"]
    assert len(window.chart_current) == 15  # 00:00 … 14:00, the last cut at 14:30
    assert window.chart_current[-1].end_ms == NOW


def test_seven_days_end_today_and_the_previous_seven_end_a_week_ago_at_this_time():
    window = choose_window({"range": "7d"}, NOW, DUBLIN)
    assert window.current.first_day == date(2025, 3, 9)
    assert window.current.last_day == date(2025, 3, 15)
    assert [d.day for d in window.current.days] == [date(2025, 3, d) for d in range(9, 16)]
    assert window.previous.first_day == date(2025, 3, 2)
    assert window.previous.last_day == date(2025, 3, 8)
    assert window.previous.end_ms == ms(2025, 3, 8, 14, 30, zone=DUBLIN)
    # Whole days can be kept; the two days cut at 14:30 cannot.
    assert [d.whole_day for d in window.current.days] == [True] * 6 + [False]
    assert [d.whole_day for d in window.previous.days] == [True] * 6 + [False]
    assert window.chart_current == window.current.days
    assert window.current.label == "9 Mar – 15 Mar 2025"


def test_days_are_local_across_a_clock_change():
    # Dublin's clocks go forward on 30 March 2025: that day has 23 hours.
    now = ms(2025, 4, 2, 9, zone=DUBLIN)
    window = choose_window({"range": "7d"}, now, DUBLIN)
    spring = next(d for d in window.current.days if d.day == date(2025, 3, 30))
    assert spring.end_ms - spring.start_ms == 23 * HOUR_MS
    assert spring.start_ms == ms(2025, 3, 30, 0, zone="UTC")  # midnight GMT
    assert spring.end_ms == ms(2025, 3, 30, 23, zone="UTC")  # midnight IST
    starts = [d.start_ms for d in window.current.days]
    assert starts == sorted(starts) and all(
        d.end_ms == n for d, n in zip(window.current.days, starts[1:], strict=False)
    )


def test_a_one_day_range_on_a_clock_change_is_charted_in_23_hours():
    window = choose_window({"range": "custom", "from": "2025-03-30", "to": "2025-03-30"},
                           ms(2025, 4, 2, zone=DUBLIN), DUBLIN)  # fmt: skip
    hours = window.chart_current
    assert len(hours) == 23
    assert [h.label for h in hours[:3]] == ["00:00", "02:00", "03:00"]  # 01:00 never happens
    assert not window.current.cut and not window.previous.cut


def test_the_store_timezone_decides_which_day_it_is():
    # 23:30 UTC on 15 March is already 16 March in Tokyo.
    now = ms(2025, 3, 15, 23, 30)
    assert choose_window({"range": "today"}, now, "Asia/Tokyo").current.first_day == date(
        2025, 3, 16
    )
    assert choose_window({"range": "today"}, now, "America/New_York").current.first_day == date(
        2025, 3, 15
    )


def test_a_custom_range_in_the_past_is_whole_days_beside_as_many_before_it():
    window = choose_window({"range": "custom", "from": "2025-02-01", "to": "2025-02-28"},
                           NOW, DUBLIN)  # fmt: skip
    assert window.key == "custom"
    assert len(window.current.days) == 28
    assert window.current.end_ms == midnight_ms(date(2025, 3, 1), ZoneInfo(DUBLIN))
    assert not window.current.cut
    assert window.previous.first_day == date(2025, 1, 4)
    assert window.previous.last_day == date(2025, 1, 31)
    assert all(d.whole_day for d in window.previous.days)


def test_an_unknown_range_gets_the_default():
    window = choose_window({"range": "<script>"}, NOW, DUBLIN)
    assert window.key == "30d"
    assert len(window.current.days) == 30


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "yesterday", "to": "2025-03-01"}, "from", "like 2025-03-31"),
        ({"from": "2025-03-01", "to": ""}, "to", "like 2025-03-31"),
        ({"from": "2025-03-10", "to": "2025-03-01"}, "to", "before the start"),
        ({"from": "2025-03-01", "to": "2025-03-16"}, "to", "up to today"),
        ({"from": "2019-12-31", "to": "2025-03-01"}, "from", "from 2020"),
        ({"from": "2023-01-01", "to": "2025-03-01"}, "from", "at most 366 days"),
    ],
)
def test_custom_dates_that_cannot_be_shown_are_refused_with_their_field(query, field, message):
    with pytest.raises(ValidationFailed) as refused:
        choose_window({"range": "custom", **query}, NOW, DUBLIN)
    assert refused.value.field == field
    assert message in refused.value.message


def test_span_labels():
    assert span_label(date(2025, 3, 1), date(2025, 3, 1)) == "1 Mar 2025"
    assert span_label(date(2024, 12, 30), date(2025, 1, 2)) == "30 Dec 2024 – 2 Jan 2025"


def test_just_after_midnight_today_has_one_short_hour():
    now = ms(2025, 3, 15, 0, 0, zone=DUBLIN) + 30_000
    window = choose_window({"range": "today"}, now, DUBLIN)
    assert [(h.start_ms, h.end_ms) for h in window.chart_current] == [
        (ms(2025, 3, 15, zone=DUBLIN), now)
    ]
    assert window.previous.end_ms == ms(2025, 3, 14, zone=DUBLIN) + 30_000
    assert datetime.fromtimestamp(window.previous.start_ms / 1000, UTC).hour == 0
