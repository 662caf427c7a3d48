"""What merchants type into the checkout settings forms that only checkout settings have:
discount codes, shipping zones' countries and shipping tiers.

Each parser takes the text of one field and returns the value to store, or raises ValueError
with a message written for the merchant; the parsers every form shares are ``server.forms``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from server.checkout.addresses import COUNTRIES
from server.forms import parse_whole_number
from server.money import MAX_WHOLE_DIGITS, format_major_units, parse_major_units

REST_OF_WORLD = "*"
MAX_TIERS = 50
_CODE = re.compile(r"[A-Za-z0-9_-]{3,32}")


# ---- discount codes ---------------------------------------------------------------------


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
