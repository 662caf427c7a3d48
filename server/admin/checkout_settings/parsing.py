"""What merchants type into the checkout settings forms, read exactly.

Each parser takes the text of one field and returns the value to store, or raises ValueError
with a message written for the merchant. Decimal strings are read digit by digit, never
through a float: "4.95" is exactly 495 cents, and "4.955" is refused rather than rounded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.checkout.addresses import COUNTRIES
from server.money import MAX_WHOLE_DIGITS, format_major_units, parse_major_units

REST_OF_WORLD = "*"
MAX_TIERS = 50
_DECIMAL = re.compile(r"([0-9]+)(?:\.([0-9]+))?")
_DIGITS = re.compile(r"[0-9]+")
_CODE = re.compile(r"[A-Za-z0-9_-]{3,32}")
_LOCAL_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_YEARS = range(2000, 2101)


# ---- money and percentages ----------------------------------------------------------------


def parse_basis_points(text: str) -> int:
    """A percentage → basis points: ``"21"`` → 2100, ``"8.88"`` → 888. A rate that is not a
    whole number of basis points (``"8.875"`` = 887.5) is refused, never rounded."""
    cleaned = text.strip().removesuffix("%").strip()
    whole, fraction = _split_decimal(cleaned, "Enter a percentage like 21 or 8.25")
    if fraction[2:].strip("0"):
        raise ValueError(
            "Rates are stored in whole basis points (hundredths of a percent):"
            " use at most two decimals, like 8.88."
        )
    points = int(whole) * 100 + int(fraction[:2].ljust(2, "0"))
    if points > 10_000:
        raise ValueError("A rate is between 0 and 100%.")
    return points


def format_basis_points(points: int) -> str:
    """2100 → ``"21"``, 888 → ``"8.88"``, 850 → ``"8.5"``."""
    whole, fraction = divmod(points, 100)
    return f"{whole}.{fraction:02d}".rstrip("0").rstrip(".")


def _split_decimal(text: str, hint: str) -> tuple[str, str]:
    match = _DECIMAL.fullmatch(text)
    if match is None:
        raise ValueError(f"{hint}: digits, with a dot before any decimals.")
    whole, fraction = match.group(1), match.group(2) or ""
    if len(whole.lstrip("0")) > MAX_WHOLE_DIGITS:
        raise ValueError("That number is too large.")
    return whole, fraction


# ---- whole numbers and codes --------------------------------------------------------------


def parse_whole_number(text: str, low: int, high: int, example: str) -> int:
    """Digits only, between ``low`` and ``high`` inclusive."""
    cleaned = text.strip()
    if not _DIGITS.fullmatch(cleaned) or len(cleaned.lstrip("0")) > MAX_WHOLE_DIGITS:
        raise ValueError(f"Enter a whole number, like {example}.")
    value = int(cleaned)
    if not low <= value <= high:
        raise ValueError(f"Enter a whole number from {low} to {high}.")
    return value


def parse_discount_code(text: str) -> str:
    """A code shoppers type: checked as typed (ASCII only), stored upper-case."""
    cleaned = text.strip()
    if not _CODE.fullmatch(cleaned):
        raise ValueError("Use 3 to 32 letters, digits, dashes or underscores, like SUMMER-10.")
    return cleaned.upper()


# ---- countries ----------------------------------------------------------------------------


def parse_countries(text: str) -> tuple[str, ...]:
    """``"de, fr AT"`` → ``("DE", "FR", "AT")``; ``"*"`` alone means everywhere else."""
    codes = tuple(dict.fromkeys(code.upper() for code in text.replace(",", " ").split()))
    if not codes:
        raise ValueError("List at least one country code, or * for everywhere else.")
    if REST_OF_WORLD in codes:
        if len(codes) > 1:
            raise ValueError("Use * on its own: it means every country no other zone lists.")
        return codes
    unknown = [code for code in codes if code not in COUNTRIES]
    if unknown:
        raise ValueError(
            f"Checkout does not know {', '.join(unknown)}. Use two-letter codes such as"
            f" {', '.join(sorted(COUNTRIES)[:3])}, or * for everywhere else."
        )
    return codes


# ---- shipping tiers -----------------------------------------------------------------------


def parse_tiers(text: str, kind: str, currency: str) -> tuple[tuple[int, int], ...]:
    """Lines of ``from price`` → ``((from, price), …)``, starting at 0 and ascending.

    ``from`` is a subtotal (money) for ``subtotal_tiers`` and grams for ``weight_tiers``.
    The first tier must start at 0 so that no cart falls below every tier.
    """
    lines = [(number, line.split()) for number, line in enumerate(text.splitlines(), 1)]
    lines = [(number, words) for number, words in lines if words]
    if not lines:
        raise ValueError("Enter at least one tier, like “0 4.95”.")
    if len(lines) > MAX_TIERS:
        raise ValueError(f"Use at most {MAX_TIERS} tiers.")
    tiers = tuple(_read_tier(number, words, kind, currency) for number, words in lines)
    if tiers[0][0] != 0:
        raise ValueError("Start the first tier at 0, so that every cart has a price.")
    for (number, _), before, after in zip(lines[1:], tiers, tiers[1:], strict=False):
        if after[0] <= before[0]:
            raise ValueError(f"Line {number}: list tiers from the lowest “from” upwards.")
    return tiers


def _read_tier(number: int, words: list[str], kind: str, currency: str) -> tuple[int, int]:
    if len(words) != 2:
        example = "50.00 2.95" if kind == "subtotal_tiers" else "2000 9.95"
        raise ValueError(f"Line {number}: write “from price”, like “{example}”.")
    try:
        if kind == "subtotal_tiers":
            start = parse_major_units(words[0], currency)
        else:
            start = parse_whole_number(words[0], 0, 10**MAX_WHOLE_DIGITS, "2000")
        return start, parse_major_units(words[1], currency)
    except ValueError as exc:
        raise ValueError(f"Line {number}: {exc}") from None


def format_tiers(tiers: Iterable[tuple[int, int]], kind: str, currency: str) -> str:
    def start(value: int) -> str:
        return format_major_units(value, currency) if kind == "subtotal_tiers" else str(value)

    return "\n".join(f"{start(low)} {format_major_units(price, currency)}" for low, price in tiers)


# ---- local date and time ------------------------------------------------------------------


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
    return f"{_local(ms, timezone):%Y-%m-%d %H:%M %Z}"


def _local(ms: int, timezone: str) -> datetime:
    return (_EPOCH + timedelta(milliseconds=ms)).astimezone(ZoneInfo(timezone))


# ---- delivery dates -----------------------------------------------------------------------

MAX_HOLIDAYS = 200
_CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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
