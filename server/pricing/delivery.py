"""A store's delivery rule, and the one wording of its dates.

The rule: an order placed on a working day before the store's dispatch cut-off (local time)
is ready that day, any other order the next working day; it leaves after the store's
handling days, also working days; a shipping method then takes its transit days, counted in
the same working days, to arrive. Working days are the store's weekdays (Monday to Friday
unless changed) minus its holidays. Everything is a pure function of its inputs: the clock
comes in as ``now_ms`` and is read in the store's timezone, so daylight saving time moves
the cut-off with the local clock.

The words shoppers and merchants read come from here too (``arrival_wording``), so the
checkout, the confirmation and the order in the admin can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # date.weekday() order
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONDAY_TO_FRIDAY = frozenset(range(5))


class Transit(Protocol):
    """What delivery needs of a shipping method: its transit time in working days."""

    @property
    def min_days(self) -> int: ...
    @property
    def max_days(self) -> int: ...


@dataclass(frozen=True)
class DeliveryRules:
    timezone: str = "UTC"
    cutoff: time = time(14, 0)  # orders at or after this local time are ready next working day
    handling_days: int = 0  # working days between being ready and leaving
    working_days: frozenset[int] = MONDAY_TO_FRIDAY  # date.weekday() numbers, Monday = 0
    holidays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_days and day not in self.holidays


@dataclass(frozen=True)
class DeliveryWindow:
    dispatch: date  # the day the order leaves
    earliest: date
    latest: date


class NoWorkingDays(ValueError):
    """The rule has no working weekday, so no order could ever leave (the admin form and
    the stored rule's reader never make one)."""


def next_working_day(day: date, rules: DeliveryRules) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    # Each holiday can take away at most one working day, so with a working weekday there
    # is one within this many days; without any, no order could ever leave.
    for _ in range(7 * (len(rules.holidays) + 2)):
        if rules.is_working_day(day):
            return day
        day += timedelta(days=1)
    raise NoWorkingDays("the delivery rule has no working day")


def add_working_days(day: date, days: int, rules: DeliveryRules) -> date:
    """The working day ``days`` working days after ``day`` (``day`` itself for 0)."""
    for _ in range(max(0, days)):
        day = next_working_day(day + timedelta(days=1), rules)
    return day


def dispatch_date(now_ms: int, rules: DeliveryRules) -> date:
    """The day an order placed at ``now_ms`` leaves: ready today when it is a working day
    and the local time is before the cut-off, else the next working day; then handling."""
    local = datetime.fromtimestamp(now_ms / 1000, ZoneInfo(rules.timezone))
    today = local.date()
    ready_today = rules.is_working_day(today) and local.time() < rules.cutoff
    ready = today if ready_today else next_working_day(today + timedelta(days=1), rules)
    return add_working_days(ready, rules.handling_days, rules)


def delivery_window(now_ms: int, rules: DeliveryRules, method: Transit) -> DeliveryWindow:
    """When an order placed at ``now_ms`` with ``method`` leaves, and may first and last
    arrive: its transit days after dispatch (0 arrives the day it leaves)."""
    dispatch = dispatch_date(now_ms, rules)
    shortest = max(0, method.min_days)
    return DeliveryWindow(
        dispatch=dispatch,
        earliest=add_working_days(dispatch, shortest, rules),
        latest=add_working_days(dispatch, max(shortest, method.max_days), rules),
    )


def arrival_wording(earliest: date, latest: date) -> str:
    """ "Arrives Tue 9 – Thu 11 Dec", "Arrives Mon 30 Nov – Wed 2 Dec", "Arrives Fri 4 Dec";
    the years only when the window crosses into a new one. English, like all of Keepcart's
    own words, and independent of the server's locale."""
    if earliest == latest:
        return f"Arrives {_day(earliest)} {MONTHS[earliest.month - 1]}"
    if earliest.year != latest.year:
        first = f"{_day(earliest)} {MONTHS[earliest.month - 1]} {earliest.year}"
        return f"Arrives {first} – {_day(latest)} {MONTHS[latest.month - 1]} {latest.year}"
    if earliest.month != latest.month:
        first = f"{_day(earliest)} {MONTHS[earliest.month - 1]}"
        return f"Arrives {first} – {_day(latest)} {MONTHS[latest.month - 1]}"
    return f"Arrives {_day(earliest)} – {_day(latest)} {MONTHS[latest.month - 1]}"


def dispatch_wording(rules: DeliveryRules) -> str:
    """The rule in a sentence, for the admin (and for a merchant's own pages to match):
    "Orders placed by 14:00 on a working day (Mon–Fri) ship the same day; later orders ship
    the next working day." """
    days = weekday_span(rules.working_days)
    by = f"before {rules.cutoff:%H:%M} on a working day ({days})"
    if rules.handling_days == 0:
        return f"Orders placed {by} ship the same day; later orders ship the next working day."
    later = f"{rules.handling_days} working day{'s' if rules.handling_days > 1 else ''}"
    return f"Orders placed {by} ship {later} later; later orders a working day after that."


def weekday_span(days: Iterable[int]) -> str:
    """{0, 1, 2, 3, 4} → "Mon–Fri"; {0, 2, 4} → "Mon, Wed, Fri"."""
    chosen = sorted(set(days))
    if len(chosen) >= 3 and chosen == list(range(chosen[0], chosen[-1] + 1)):
        return f"{WEEKDAYS[chosen[0]]}–{WEEKDAYS[chosen[-1]]}"
    return ", ".join(WEEKDAYS[d] for d in chosen)


def _day(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day}"
