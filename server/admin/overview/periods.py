"""The range a merchant picks on the overview, and the previous period of equal length.

Pure functions of the query, the clock and the store's timezone. A range is a run of whole
local days, the last one cut at "now" when it is today; the previous period is the same
number of days just before it, cut at the same local time of day, so Today is compared
with yesterday until this time, not with all of yesterday. Each day is a bucket of its own
(the figures are counted per day); a one-day range is charted by the hour.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from server.errors import ValidationFailed

# The range choices, in the order the page offers them; each preset is a number of days
# ending today.
PRESETS = {"today": ("Today", 1), "7d": ("7 days", 7), "30d": ("30 days", 30),
           "90d": ("90 days", 90)}  # fmt: skip
CUSTOM = "custom"
DEFAULT_RANGE = "30d"
MAX_CUSTOM_DAYS = 366
EARLIEST_DAY = date(2020, 1, 1)  # events before this are refused at ingest
HOUR_MS = 3_600_000
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Bucket:
    """Figures are counted per bucket: ``[start_ms, end_ms)``, labelled for charts."""

    label: str
    start_ms: int
    end_ms: int
    day: date  # the local day the bucket is in
    whole_day: bool = False  # the bucket is all of that day, not cut short nor an hour


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date
    start_ms: int
    end_ms: int
    days: tuple[Bucket, ...]  # one per local day, the last cut at ``end_ms``
    cut: bool  # the last day is cut short ("until now", or the same time of day)

    @property
    def label(self) -> str:
        return span_label(self.first_day, self.last_day)


@dataclass(frozen=True)
class Window:
    """The chosen range, the period before it, and how to chart them."""

    key: str  # a PRESETS key or CUSTOM
    current: Period
    previous: Period
    chart_current: tuple[Bucket, ...]  # days, or hours for a one-day range
    chart_previous: tuple[Bucket, ...]

    @property
    def hourly(self) -> bool:
        return len(self.current.days) == 1


def choose_window(query: Mapping[str, str], now_ms: int, timezone: str) -> Window:
    """The window the query asks for (``range``, and ``from``/``to`` for a custom one).

    An unknown ``range`` gets the default; a custom range that cannot be read raises
    ValidationFailed naming the field, for the page to show next to the form.
    """
    zone = ZoneInfo(timezone)
    today = local_day(now_ms, zone)
    key = query.get("range", DEFAULT_RANGE)
    if key == CUSTOM:
        first, last = read_custom_range(query.get("from", ""), query.get("to", ""), today)
    else:
        key = key if key in PRESETS else DEFAULT_RANGE
        first, last = today - timedelta(days=PRESETS[key][1] - 1), today
    return window(key, first, last, now_ms, zone)


def window(key: str, first: date, last: date, now_ms: int, zone: ZoneInfo) -> Window:
    length = (last - first).days + 1
    cap = now_ms if last >= local_day(now_ms, zone) else None
    current = period(first, last, cap, zone)
    shifted_cap = None if cap is None else shift_ms(cap, -length, zone)
    back = timedelta(days=length)
    previous = period(first - back, last - back, shifted_cap, zone)
    if length == 1:
        return Window(key, current, previous, hours(current, zone), hours(previous, zone))
    return Window(key, current, previous, current.days, previous.days)


def period(first: date, last: date, cap_ms: int | None, zone: ZoneInfo) -> Period:
    """Local days ``first``…``last``, the last cut at ``cap_ms`` when it falls inside it."""
    start = midnight_ms(first, zone)
    end = midnight_ms(last + timedelta(days=1), zone)
    if cap_ms is not None:
        end = max(start, min(end, cap_ms))
    days = []
    day = first
    while day <= last:
        day_start, day_end = midnight_ms(day, zone), midnight_ms(day + timedelta(days=1), zone)
        cut_end = max(day_start, min(day_end, end))
        days.append(Bucket(day_label(day), day_start, cut_end, day, cut_end == day_end))
        day += timedelta(days=1)
    cut = end < midnight_ms(last + timedelta(days=1), zone)
    return Period(first, last, start, end, tuple(days), cut)


def hours(one_day: Period, zone: ZoneInfo) -> tuple[Bucket, ...]:
    """The hours of a one-day period, up to its end (stepped in UTC, so a day with a clock
    change has 23 or 25 of them, each labelled with its local time)."""
    day = one_day.days[0]
    found = []
    start = day.start_ms
    while start < day.end_ms:
        label = datetime.fromtimestamp(start / 1000, zone).strftime("%H:%M")
        found.append(Bucket(label, start, min(start + HOUR_MS, day.end_ms), day.day))
        start += HOUR_MS
    return tuple(found)


def read_custom_range(first_text: str, last_text: str, today: date) -> tuple[date, date]:
    first = _read_day(first_text, "from", today)
    last = _read_day(last_text, "to", today)
    if last < first:
        raise ValidationFailed("The end date is before the start date.", field="to")
    if (last - first).days + 1 > MAX_CUSTOM_DAYS:
        raise ValidationFailed(f"Choose at most {MAX_CUSTOM_DAYS} days.", field="from")
    return first, last


def _read_day(text: str, field: str, today: date) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed("Enter a date like 2025-03-31.", field=field) from None
    if day > today:
        raise ValidationFailed("Choose a date up to today.", field=field)
    if day < EARLIEST_DAY:
        raise ValidationFailed("Choose a date from 2020 on.", field=field)
    return day


# ---- local time -----------------------------------------------------------------------------


def local_day(ms: int, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(ms / 1000, zone).date()


def midnight_ms(day: date, zone: ZoneInfo) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=zone).timestamp() * 1000)


def shift_ms(ms: int, days: int, zone: ZoneInfo) -> int:
    """The same local time of day, ``days`` days away."""
    local = datetime.fromtimestamp(ms / 1000, zone)
    return int((local + timedelta(days=days)).timestamp() * 1000)


def day_label(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]}"


def span_label(first: date, last: date) -> str:
    if first == last:
        return f"{day_label(first)} {first.year}"
    if first.year == last.year:
        return f"{day_label(first)} – {day_label(last)} {last.year}"
    return f"{day_label(first)} {first.year} – {day_label(last)} {last.year}"
