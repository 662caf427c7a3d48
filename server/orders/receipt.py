"""What a shopper's receipt page says: the order's status in a shopper's words, and money and
dates formatted in the store's locale.

Formatting uses Babel (CLDR), the data the widget's ``Intl`` formatting comes from, so the
receipt shows the amounts and dates the way the checkout's confirmation showed them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_currency

from server.money import CURRENCY_EXPONENTS
from server.orders.service import Order, local_time
from server.pricing.delivery import arrival_wording

FALLBACK_LOCALE = "en"


@dataclass(frozen=True)
class ShopperStatus:
    headline: str  # "Paid — being prepared"
    detail: str  # what it means for the shopper, in a sentence


def shopper_status(status: str, payment_method: str) -> ShopperStatus:
    """The order's status as the shopper reads it; the admin's words are the merchant's."""
    if status == "awaiting_payment":
        return _AWAITING.get(payment_method, _AWAITING_OTHER)
    return _STATUSES.get(status, ShopperStatus(status.replace("_", " ").capitalize(), ""))


_AWAITING = {
    "bank_transfer": ShopperStatus(
        "Awaiting your bank transfer",
        "We prepare your order as soon as your payment arrives. The details are below.",
    ),
    "cash_on_delivery": ShopperStatus(
        "Placed — pay on delivery",
        "You pay when your order is delivered. The details are below.",
    ),
}
_AWAITING_OTHER = ShopperStatus("Awaiting payment", "We prepare your order once it is paid.")
_STATUSES = {
    "paid": ShopperStatus(
        "Paid — being prepared", "Your payment is in and your order is being prepared."
    ),
    "fulfilled": ShopperStatus("Shipped", "Your order is on its way to you."),
    "refunded": ShopperStatus(
        "Refunded", "This order was cancelled and refunded. A refund can take a few days to show."
    ),
}

# The order's history as the shopper reads it; the merchant's notes (who did it) stay out.
HISTORY_LABELS = {
    "placed": "Order placed",
    "paid": "Payment received",
    "fulfilled": "Shipped",
    "refunded": "Refunded",
}


def delivery_promise(order: Order, today: date) -> str:
    """What the receipt says of delivery, on the store's ``today``: checkout's words for the
    window it promised while that window is ahead; "once paid" while a transfer is awaited
    (dispatch waits for the money); a window gone by as what was estimated, with its year
    (the link never expires); nothing once refunded."""
    if order.status == "refunded":
        return ""
    if order.status == "awaiting_payment" and order.payment_method != "cash_on_delivery":
        return "Ships once your payment arrives"
    try:
        first, last = date.fromisoformat(order.delivery_from), date.fromisoformat(order.delivery_to)
    except ValueError:
        return ""
    words = arrival_wording(first, last)
    if last >= today:
        return words
    dated = words if first.year != last.year else f"{words} {last.year}"
    return f"Estimated when ordered: {dated[0].lower()}{dated[1:]}"


class LocalFormats:
    """Money, dates and times in one store's locale and timezone."""

    def __init__(self, locale: str, timezone: str):
        self.locale = _babel_locale(locale)
        self.timezone = timezone

    def money(self, minor_units: int, currency: str) -> str:
        # Exact decimal arithmetic from the integer minor units: never through a float.
        amount = Decimal(minor_units).scaleb(-CURRENCY_EXPONENTS.get(currency, 2))
        return format_currency(amount, currency, locale=self.locale)

    def moment(self, epoch_ms: int) -> str:
        """``1 July 2025, 13:00`` (en-IE), in the store's timezone."""
        when = local_time(epoch_ms, self.timezone)
        day = format_date(when.date(), "long", locale=self.locale)
        time = format_time(when.time(), "short", locale=self.locale)
        pattern = str(self.locale.datetime_formats["medium"])
        return pattern.replace("{1}", day).replace("{0}", time)

    def iso(self, epoch_ms: int) -> str:
        return local_time(epoch_ms, self.timezone).isoformat(timespec="seconds")


@cache
def _babel_locale(tag: str) -> Locale:
    """The store's locale (``en-IE``); English when CLDR has no data for it."""
    try:
        return Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK_LOCALE)
