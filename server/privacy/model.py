"""What one shopper's data is made of, kind by kind, and what erasing it does to each kind,
in words a merchant reads (pure: no database)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The words an erasure uses for what it did to a kind.
REDACTED, DELETED, REMOVED, ANONYMISED = "redacted", "deleted", "removed", "anonymised"
CLEARED, FINGERPRINTED = "cleared", "kept as a keyed fingerprint"


@dataclass(frozen=True)
class ShopperKey:
    """How the owner names the shopper: the email they used, their visitor id, or both."""

    email: str = ""  # normalised (server.emails.normalize_email)
    visitor_id: str = ""


@dataclass(frozen=True)
class Kind:
    key: str  # the export's section, and the audit row's count
    one: str
    many: str
    erased: str  # what erasing does to it
    about: str  # what it is, and what erasing it keeps, for the page


# In the order the page, the export and an erasure's words list them.
KINDS = (
    Kind("orders", "order", "orders", REDACTED,
         "Their email, phone, name, street address, card digits and visitor id are erased; the"
         " lines, amounts, number, status, dates and country stay for the store's accounts."),
    Kind("discount_codes_used", "discount code use", "discount code uses", ANONYMISED,
         "The email on each use of a code goes; the amount stays with its order."),
    Kind("messages", "message", "messages", DELETED,
         "The emails and SMS the store sent them, or was about to: about their orders, to"
         " their email, or reminding them of a cart of theirs. None waiting goes out"
         " afterwards."),
    Kind("cart_email_requests", "“email me my cart” request", "“email me my cart” requests",
         DELETED, "Each request, its email and the wording they agreed to."),
    Kind("checkout_contacts", "checkout contact", "checkout contacts", CLEARED,
         "The email or phone they gave in checkout for cart reminders, the wording shown with"
         " it, the cart's lines when they left it, and the reminders it was sent. Those"
         " details go and no further reminder is sent; that a checkout was abandoned (and"
         " reminded, clicked) stays, naming nobody, for the recovery results."),
    Kind("unsubscribes", "unsubscribe", "unsubscribes", FINGERPRINTED,
         "Their request for no more reminders. It stays, so the store never sends them"
         " marketing again, but without their email: only a fingerprint of it made with the"
         " server's secret key, which an address can be checked against and which cannot be"
         " turned back into the address."),
    Kind("reviews", "review", "reviews", REMOVED,
         "As at their writer's request: the words, rating, name and the shop's reply are"
         " erased; the product's page still counts a review removed."),
    Kind("survey_responses", "survey response", "survey responses", DELETED,
         "Each response with all its answers."),
    Kind("checkout_answers", "stored checkout answer", "stored checkout answers", DELETED,
         "The copy of an order's confirmation kept for a week, so a retried checkout gets"
         " the same answer."),
    Kind("events", "event", "events", ANONYMISED,
         "What their browser recorded (pages, cart, checkout) stays, so the store's figures"
         " stay right, under a new random visitor id and new visit ids; each page and"
         " referrer keeps only its address without the query, and only the widget's own"
         " details stay (a product, an amount, an order's reference). Their redacted orders"
         " carry the same new visitor id, so each order still counts for the offer or badge"
         " that came before it."),
    Kind("offer_exposures", "offer shown", "offers shown", ANONYMISED,
         "Which offer campaigns and variants they were in: anonymised, so results stay right."),
    Kind("trust_exposures", "trust badge measurement", "trust badge measurements", ANONYMISED,
         "Whether they saw badges or social proof, or were held out: anonymised."),
    Kind("coupons_claimed", "coupon claimed", "coupons claimed", ANONYMISED,
         "Single-use codes from offers: anonymised, so a campaign's claims still count."),
    Kind("helpful_votes", "helpful vote", "helpful votes", ANONYMISED,
         "Their votes on others' reviews: anonymised, so each review's count stays."),
)  # fmt: skip
KIND_KEYS = tuple(kind.key for kind in KINDS)


@dataclass(frozen=True)
class Found:
    """Everything a store holds about one shopper, as the export writes it."""

    key: ShopperKey
    visitor_ids: tuple[str, ...]  # theirs: the one named, and those their orders came from
    order_numbers: tuple[int, ...]
    counts: dict[str, int]  # kind → rows the store holds
    # kind → those rows as the export writes them (fewer than counted where a kind is capped)
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Orders placed from the browser named with another email (number, email): someone
    # else's as far as the store can tell, so neither exported nor erased. For the owner
    # only, to name that email too when the shopper says the order was theirs.
    other_orders: tuple[tuple[int, str], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not any(self.counts.values())


@dataclass(frozen=True)
class Erasure:
    """One erasure as the store's record keeps it: never whose data it was."""

    id: int
    counts: dict[str, int]
    created_at: int
    by: str | None = None  # the member's email; None once that login is gone


def describe(counts: Mapping[str, int]) -> str:
    """``3 orders redacted, 2 survey responses deleted and 40 events anonymised``: the kinds
    with rows, in KINDS order; ``nothing`` when none has any."""
    parts = [
        f"{counts[kind.key]} {kind.one if counts[kind.key] == 1 else kind.many} {kind.erased}"
        for kind in KINDS
        if counts.get(kind.key)
    ]
    if not parts:
        return "nothing"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def counted(counts: Mapping[str, Any]) -> dict[str, int]:
    """An audit row's counts as read back: known kinds only, whole numbers only."""
    return {
        key: value
        for key, value in counts.items()
        if key in KIND_KEYS and type(value) is int and value >= 0
    }
