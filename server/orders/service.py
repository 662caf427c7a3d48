"""Rules for orders after checkout: which status changes a merchant may make, and how an
order's times and dates read in the store's own timezone.

    awaiting_payment ──mark paid──▶ paid ──mark fulfilled──▶ fulfilled
                                     │                          │
                                     └────────refund────────────┴──▶ refunded
"""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from server.checkout.addresses import COUNTRIES
from server.errors import Conflict, NotFound
from server.offers.results import arm_label
from server.payments.registry import PROVIDERS
from server.pricing.delivery import arrival_wording

STATUS_LABELS = {
    "awaiting_payment": "Awaiting payment",
    "paid": "Paid",
    "fulfilled": "Fulfilled",
    "refunded": "Refunded",
}
EVENT_LABELS = {
    "placed": "Order placed",
    "paid": "Marked as paid",
    "fulfilled": "Marked as fulfilled",
    "refunded": "Refunded",
    "erased": "Personal details erased",
}


@dataclass(frozen=True)
class StatusAction:
    slug: str  # the last segment of the action's URL
    label: str
    from_statuses: frozenset[str]
    to_status: str


ACTIONS = {
    action.slug: action
    for action in (
        StatusAction("mark-paid", "Mark as paid", frozenset({"awaiting_payment"}), "paid"),
        StatusAction("mark-fulfilled", "Mark as fulfilled", frozenset({"paid"}), "fulfilled"),
        StatusAction("refund", "Refund", frozenset({"paid", "fulfilled"}), "refunded"),
    )
}


@dataclass(frozen=True)
class Order:
    id: int
    public_id: str
    number: int
    status: str
    email: str
    phone: str
    shipping_name: str
    shipping_address: dict[str, str]
    shipping_method: str
    delivery_from: str
    delivery_to: str
    currency: str
    prices_include_tax: bool
    subtotal: int
    discount_total: int
    shipping_total: int
    shipping_discount: int  # shipping a free-shipping code waived (shipping_total is after it)
    tax_total: int
    total: int
    discount_code: str | None
    payment_method: str
    card_brand: str | None
    card_last4: str | None
    created_at: int
    # When its personal details were erased at its shopper's request (server.privacy).
    erased_at: int | None = None


@dataclass(frozen=True)
class OrderItem:
    sku: str
    name: str
    variant: str
    unit_price: int
    quantity: int
    subtotal: int
    discount: int
    tax: int


@dataclass(frozen=True)
class OrderEvent:
    kind: str
    note: str
    created_at: int

    @property
    def label(self) -> str:
        return EVENT_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())


@dataclass(frozen=True)
class OrderFilter:
    status: str | None = None
    query: str = ""  # an order number, or part of an email address

    @classmethod
    def from_params(cls, status: str | None, query: str | None) -> OrderFilter:
        """Unknown statuses mean "any status", so a stale link still shows something.
        Control characters are no part of an order number, an email or a name: they are
        dropped (the search index's query parser would stop at a NUL)."""
        text = "".join(ch for ch in query or "" if unicodedata.category(ch) != "Cc")
        return cls(status if status in STATUS_LABELS else None, text.strip()[:200])


def action_for(slug: str) -> StatusAction:
    action = ACTIONS.get(slug)
    if action is None:
        raise NotFound("There is no such order action.")
    return action


def check_transition(action: StatusAction, current: str) -> str:
    """The status after ``action``; Conflict when the order's status does not allow it."""
    if current not in action.from_statuses:
        allowed = " or ".join(
            sorted(STATUS_LABELS[status].lower() for status in action.from_statuses)
        )
        raise Conflict(
            f"This order is {STATUS_LABELS.get(current, current).lower()}: "
            f"“{action.label}” is only possible when it is {allowed}.",
            code="status_conflict",
        )
    return action.to_status


def actions_allowed(status: str) -> list[StatusAction]:
    return [action for action in ACTIONS.values() if status in action.from_statuses]


def local_time(epoch_ms: int, timezone: str) -> datetime:
    return datetime.fromtimestamp(epoch_ms / 1000, ZoneInfo(timezone))


def delivery_wording(start: str, end: str) -> str:
    """``Arrives Tue 9 – Thu 11 Dec`` from the ISO dates stored with the order: the words
    checkout showed the shopper (server.pricing.delivery.arrival_wording)."""
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        return f"{start} – {end}"
    return arrival_wording(first, last)


def payment_label(method: str) -> str:
    provider = PROVIDERS.get(method)
    return provider.label if provider else method.replace("_", " ").capitalize()


def country_name(code: str) -> str:
    """``IE`` → ``Ireland``; a code checkout no longer knows stays as it was stored."""
    country = COUNTRIES.get(code)
    return country.name if country else code


def readable_events(events: list[OrderEvent], payment_method: str) -> list[OrderEvent]:
    """The history as people read it: checkout notes the payment method by its id
    ("Placed with test_card"); the merchant sees its name ("Placed with Card")."""
    machine = f"Placed with {payment_method}"
    readable = f"Placed with {payment_label(payment_method)}"
    return [
        dataclasses.replace(event, note=readable) if event.note == machine else event
        for event in events
    ]


@dataclass(frozen=True)
class OfferShown:
    """An offer campaign behind an order, and the arm of it the shopper was in."""

    campaign_name: str
    campaign_public_id: str | None  # None: the campaign was deleted since
    arm: str

    @property
    def arm_label(self) -> str:
        return arm_label(self.arm)


@dataclass(frozen=True)
class OrderSource:
    """What drove an order: its discount code (one the merchant made, or a coupon claimed
    from an offer) and the offers its shopper saw before ordering, within the store's
    attribution window."""

    code: str | None
    code_offer: OfferShown | None  # the offer the code was claimed from
    code_known: bool  # False: the code has been deleted since the order
    offers_seen: tuple[OfferShown, ...]

    @property
    def is_empty(self) -> bool:
        return not self.code and not self.offers_seen
