"""Money is an integer count of minor units plus an ISO 4217 currency, never a float."""

from __future__ import annotations

import re

# Minor-unit exponents of the currencies Keepcart accepts (ISO 4217).
CURRENCY_EXPONENTS: dict[str, int] = {
    "AUD": 2, "BRL": 2, "CAD": 2, "CHF": 2, "CZK": 2, "DKK": 2, "EUR": 2, "GBP": 2,
    "HKD": 2, "HUF": 2, "INR": 2, "JPY": 0, "KRW": 0, "MXN": 2, "NOK": 2, "NZD": 2,
    "PLN": 2, "SEK": 2, "SGD": 2, "USD": 2, "ZAR": 2,
}  # fmt: skip


def is_known_currency(code: str) -> bool:
    return code in CURRENCY_EXPONENTS


_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "AUD": "A$", "CAD": "CA$"}


def format_amount(minor_units: int, currency: str) -> str:
    """A plain rendering for server-side messages (the widget formats with Intl)."""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    sign = "-" if minor_units < 0 else ""
    whole, fraction = divmod(abs(minor_units), 10**exponent)
    number = f"{whole:,}" + (f".{fraction:0{exponent}d}" if exponent else "")
    symbol = _SYMBOLS.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"


# Amounts as merchants type them ("24.00"), read digit by digit, never through a float.
MAX_WHOLE_DIGITS = 9  # below a billion major units; far from SQLite's integer limit
DECIMAL = re.compile(r"([0-9]+)(?:\.([0-9]+))?")


def parse_major_units(text: str, currency: str) -> int:
    """``"24.00"`` in EUR → 2400; ``"500"`` in JPY → 500. More decimals than the currency
    has are refused (even zeros), never rounded; raises ValueError with a merchant's message."""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    match = DECIMAL.fullmatch(text.strip())
    if match is None:
        raise ValueError(
            f"Enter an amount like {example_amount(currency)}: digits, and a dot before any"
            " decimals."
        )
    whole, fraction = match.group(1), match.group(2) or ""
    if len(whole.lstrip("0")) > MAX_WHOLE_DIGITS:
        raise ValueError("That amount is too large.")
    if len(fraction) > exponent:
        raise ValueError(
            f"{currency} amounts have at most {exponent} decimal places."
            if exponent
            else f"{currency} amounts have no decimal places."
        )
    return int(whole) * 10**exponent + int(fraction.ljust(exponent, "0") or "0")


def format_major_units(minor_units: int, currency: str) -> str:
    """2400 in EUR → ``"24.00"``: the exact inverse of ``parse_major_units``."""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    sign = "-" if minor_units < 0 else ""
    whole, fraction = divmod(abs(minor_units), 10**exponent)
    return f"{sign}{whole}.{fraction:0{exponent}d}" if exponent else f"{sign}{whole}"


def example_amount(currency: str) -> str:
    """How an amount is typed in this currency: "24.00" for EUR, "24" for JPY."""
    return format_major_units(24 * 10 ** CURRENCY_EXPONENTS.get(currency, 2), currency)
