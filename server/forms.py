"""The one forms toolkit: reading what people type into admin forms and CSV cells.

``FormReader`` reads fields one by one and keeps every error, so the merchant sees them all
at once (``FormInvalid``: field name → message). Each parser takes the text of one field and
returns the value to store, or raises ValueError with a message written for the merchant.
Decimal strings are read digit by digit, never through a float: "4.95" is exactly 495 cents,
and "4.955" is refused rather than rounded. Money itself is ``server.money``; URLs are
``server.urls``; email addresses are ``server.emails``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from server.errors import ValidationFailed
from server.money import DECIMAL, MAX_WHOLE_DIGITS, parse_major_units

T = TypeVar("T")

_DIGITS = re.compile(r"[0-9]+")
_LOCAL_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?")
_CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_YEARS = range(2000, 2101)
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
MAX_HOLIDAYS = 200


# ---- reading a whole form -----------------------------------------------------------------


class FormInvalid(Exception):
    """A form that cannot be saved: ``errors`` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class FormReader:
    """Reads fields one by one and keeps every error, so the merchant sees them all at once."""

    def __init__(self, values: Mapping[str, str]):
        self.values = values
        self.errors: dict[str, str] = {}

    def text(self, name: str) -> str:
        return self.values.get(name, "")

    def read(self, name: str, parse: Callable[[str], T], default: T) -> T:
        try:
            return parse(self.text(name))
        except ValueError as exc:
            self.errors.setdefault(name, str(exc))
            return default

    def optional(self, name: str, parse: Callable[[str], T]) -> T | None:
        """Empty means None; anything else must parse."""
        if not self.text(name).strip():
            return None
        return self.read(name, parse, None)

    def flag(self, name: str) -> bool:
        return self.values.get(name) == "true"

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def check(self, validate: Callable[[], T], default: T) -> T:
        """A whole-value check that raises ValidationFailed naming its field: its error joins
        the others, unless that field already has one."""
        try:
            return validate()
        except ValidationFailed as exc:
            self.fail(exc.field or "form", exc.message)
            return default

    def done(self) -> None:
        if self.errors:
            raise FormInvalid(self.errors)


# ---- numbers ------------------------------------------------------------------------------


def parse_whole_number(
    text: str, low: int, high: int, example: str, *, digits: int = MAX_WHOLE_DIGITS
) -> int:
    """Digits only (with a leading minus when ``low`` is below zero), from ``low`` to
    ``high`` inclusive, at most ``digits`` of them."""
    cleaned = text.strip()
    unsigned = cleaned.removeprefix("-") if low < 0 else cleaned
    if not _DIGITS.fullmatch(unsigned) or len(unsigned.lstrip("0")) > digits:
        raise ValueError(f"Enter a whole number, like {example}.")
    value = int(cleaned)
    if not low <= value <= high:
        raise ValueError(f"Enter a whole number from {low} to {high}.")
    return value


def whole(low: int, high: int, message: str | None = None) -> Callable[[str], int]:
    """A parser of whole numbers from ``low`` to ``high`` whose one error is ``message``
    (by default, the range)."""
    said = message or f"Enter a whole number from {low} to {high}."

    def parse(text: str) -> int:
        try:
            return parse_whole_number(text, low, high, str(low))
        except ValueError:
            raise ValueError(said) from None

    return parse


def parse_basis_points(text: str) -> int:
    """A percentage → basis points: ``"21"`` → 2100, ``"8.88"`` → 888. A rate that is not a
    whole number of basis points (``"8.875"`` = 887.5) is refused, never rounded."""
    cleaned = text.strip().removesuffix("%").strip()
    match = DECIMAL.fullmatch(cleaned)
    if match is None:
        raise ValueError("Enter a percentage like 21 or 8.25: digits, with a dot before any"
                         " decimals.")  # fmt: skip
    whole_part, fraction = match.group(1), match.group(2) or ""
    if len(whole_part.lstrip("0")) > MAX_WHOLE_DIGITS:
        raise ValueError("That number is too large.")
    if fraction[2:].strip("0"):
        raise ValueError(
            "Rates are stored in whole basis points (hundredths of a percent):"
            " use at most two decimals, like 8.88."
        )
    points = int(whole_part) * 100 + int(fraction[:2].ljust(2, "0"))
    if points > 10_000:
        raise ValueError("A rate is between 0 and 100%.")
    return points


def format_basis_points(points: int) -> str:
    """2100 → ``"21"``, 888 → ``"8.88"``, 850 → ``"8.5"``."""
    whole_part, fraction = divmod(points, 100)
    return f"{whole_part}.{fraction:02d}".rstrip("0").rstrip(".")


def positive_money(currency: str, text: str) -> int:
    amount = parse_major_units(text, currency)
    if amount == 0:
        raise ValueError("Enter an amount above zero.")
    return amount


def parse_flag(text: str) -> bool:
    """A yes/no cell as spreadsheets write it: true/false, yes/no, y/n, 1/0."""
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("Enter true or false.")


# ---- text ---------------------------------------------------------------------------------


def parse_line(what: str, low: int, high: int, text: str) -> str:
    """One line of text: runs of spaces and line breaks become one space."""
    return parse_text(what, low, high, " ".join(text.split()))


def parse_text(what: str, low: int, high: int, text: str) -> str:
    cleaned = text.strip().replace("\r\n", "\n")
    if not low <= len(cleaned) <= high:
        if low:
            raise ValueError(f"Enter {what} of {low} to {high} characters.")
        raise ValueError(f"Keep {what} to {high} characters.")
    return cleaned


# ---- dates and times: typed as 2025-12-31 23:59, shown as 31 Dec 2025, 23:59 GMT (store's zone)


def parse_local_datetime(text: str, timezone: str) -> int:
    """A ``datetime-local`` value read in the store's time zone → UTC milliseconds.

    A wall-clock time that happens twice (clocks going back) means the first of the two;
    one that never happens (clocks going forward) is refused rather than guessed.
    """
    cleaned = text.strip()
    if not _LOCAL_TIME.fullmatch(cleaned):
        raise ValueError("Enter a date and time like 2025-12-31 23:59.")
    try:
        wall = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError("That date does not exist.") from None
    if wall.year not in _YEARS:
        raise ValueError(f"Enter a date between {_YEARS[0]} and {_YEARS[-1]}.")
    zone = ZoneInfo(timezone)
    moment = wall.replace(tzinfo=zone).astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != wall:
        raise ValueError(
            f"{wall:%Y-%m-%d %H:%M} does not happen in {timezone}: the clocks skip it."
            " Pick a time an hour later."
        )
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def format_local_input(ms: int, timezone: str) -> str:
    """UTC milliseconds → the ``datetime-local`` value in the store's time zone."""
    local = _local(ms, timezone)
    return f"{local:%Y-%m-%dT%H:%M:%S}" if local.second else f"{local:%Y-%m-%dT%H:%M}"


def format_local_display(ms: int, timezone: str) -> str:
    """``14 Mar 2025, 15:09 CET``: every moment an admin page or export shows, in the store's
    time zone, named so a merchant elsewhere reads it right."""
    local = _local(ms, timezone)
    return f"{local.day} {local:%b %Y, %H:%M %Z}"


def _local(ms: int, timezone: str) -> datetime:
    return (_EPOCH + timedelta(milliseconds=ms)).astimezone(ZoneInfo(timezone))


def parse_clock_time(text: str) -> time:
    """``"14:00"`` (a ``type=time`` input's value, or typed) → 14:00."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise ValueError("Enter a time of day like 14:00.")
    return time(int(match.group(1)), int(match.group(2)))


def parse_holidays(text: str) -> frozenset[date]:
    """Dates like 2026-12-25, separated by spaces, commas or lines."""
    words = list(dict.fromkeys(text.replace(",", " ").split()))
    if len(words) > MAX_HOLIDAYS:
        raise ValueError(f"List at most {MAX_HOLIDAYS} days.")
    days = set()
    for word in words:
        try:
            if not _ISO_DATE.fullmatch(word):
                raise ValueError
            day = date.fromisoformat(word)
        except ValueError:
            raise ValueError(f"“{word[:20]}” is not a date: write dates like 2026-12-25.") from None
        if day.year not in _YEARS:
            raise ValueError(f"Enter dates between {_YEARS[0]} and {_YEARS[-1]}.")
        days.add(day)
    return frozenset(days)


def shown_value(text: str | None) -> int | None:
    """A whole number a page wrote into a hidden field for itself (e.g. the stock it showed),
    or None when the form did not send one it could have written."""
    try:
        return parse_whole_number(text or "", -(10**12), 10**12, "")
    except ValueError:
        return None
