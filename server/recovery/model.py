"""Abandoned-checkout recovery's rules, pure: a store's settings and their defaults, who is
held out, when each reminder is due, and what a rebuilt cart tells the shopper.

A checkout's contact (the email a shopper gave) is captured only as the store's mode allows:

- ``consent`` (the default for a store that has not chosen): only with the unticked box
  ticked. The EU's ePrivacy rules ask for consent before marketing email to someone who has
  not bought; it is the safe choice where a store's law is unknown, and it is what a new
  store gets until its owner decides.
- ``notice``: always, with a line under the email field saying the shop may send a reminder
  (the US's CAN-SPAM asks for an opt-out in every email, which every reminder carries), and
  its "Don't remind me" button (the request's ``opt_out``): then nothing is kept.
- ``off``: never.

A contact with no order within step 1's delay is *abandoned*; a share of them (the holdout)
gets no reminders, decided then by a hash of the store and the address (``holdout_key``),
so the results can tell what the reminders added.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

MODES = ("off", "notice", "consent")
MODE_LABELS = {
    "off": "Off: no reminders",
    "notice": "Notice: a line under the email field says the shop may send a reminder",
    "consent": "Consent: an unticked box the shopper ticks to get a reminder",
}
DEFAULT_NOTICE = (
    "If you leave before paying, we may email you a reminder of your cart. Every reminder"
    " has a link to unsubscribe."
)
DEFAULT_CONSENT = "Email me a reminder of my cart if I don’t finish my order."
# The checkout's box for a reminder by SMS (always a box: SMS need explicit consent), shown
# with the phone field when the store sends them.
DEFAULT_SMS_CONSENT = "Text me a reminder about my cart"
MAX_TEXT = 300
MAX_STEPS = 3
HOUR_MS = 3_600_000
MINUTE_MS = 60_000
MAX_DELAY_MINUTES = 30 * 24 * 60  # a reminder a month on is no longer about this cart
INCENTIVE_KINDS = ("percent", "fixed", "free_shipping")
DEFAULT_HOLDOUT = 10
MAX_HOLDOUT = 50
# A recovery link opens the cart for this long; a reminder's order counts as recovered
# within it.
LINK_DAYS = 30
LINK_MAX_AGE_S = LINK_DAYS * 24 * 3600
ATTRIBUTION_MS = LINK_DAYS * 24 * HOUR_MS

# One address gets at most this many reminders from a store in 24 hours, whatever number of
# carts it was given in, and at most one of each step (a full sequence fits: MAX_STEPS).
DAILY_CAP = 3

# Why a sequence stopped before its last step. ``replaced``: the address ran a sequence for
# another cart since (one running sequence per address in a store), or a different address
# was given for the cart after it was abandoned (that one gets a contact of its own).
ORDERED, UNSUBSCRIBED, EMPTIED, FORGOTTEN, FINISHED, SWITCHED_OFF, REPLACED = (
    "ordered", "unsubscribed", "emptied", "forgotten", "finished", "switched_off", "replaced",
)  # fmt: skip
STOP_REASONS = (ORDERED, UNSUBSCRIBED, EMPTIED, FORGOTTEN, FINISHED, SWITCHED_OFF, REPLACED)
# Why a reminder written earlier is not sent after all (what the Messages page says).
SUPPRESSED_BECAUSE = {
    ORDERED: "The shopper ordered after this reminder was written.",
    SWITCHED_OFF: "The store switched reminders off after this one was written.",
    EMPTIED: "The cart was emptied after this reminder was written.",
    UNSUBSCRIBED: "The address unsubscribed after this reminder was written.",
    FORGOTTEN: "The shopper withdrew their email after this reminder was written.",
}


@dataclass(frozen=True)
class Incentive:
    """A single-use code made for one reminder: ``value`` is a whole percent off the cart for
    ``percent``, minor units off for ``fixed``, unused for ``free_shipping``."""

    kind: str
    value: int
    days: int  # the code expires this many days after the reminder is written

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value, "days": self.days}


DEFAULT_INCENTIVE = Incentive("percent", 10, 7)


@dataclass(frozen=True)
class Step:
    delay_minutes: int  # after the shopper gave their email in checkout
    enabled: bool = True
    incentive: Incentive | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "delay_minutes": self.delay_minutes,
            "enabled": self.enabled,
            "incentive": self.incentive and self.incentive.as_json(),
        }


DEFAULT_STEPS = (Step(60), Step(24 * 60), Step(72 * 60, incentive=DEFAULT_INCENTIVE))


@dataclass(frozen=True)
class RecoverySettings:
    mode: str = "consent"
    notice_text: str = DEFAULT_NOTICE
    consent_text: str = DEFAULT_CONSENT
    shop_url: str = ""
    holdout_percent: int = DEFAULT_HOLDOUT
    steps: tuple[Step, ...] = field(default=DEFAULT_STEPS)
    sms_text: str = DEFAULT_SMS_CONSENT

    @property
    def text(self) -> str:
        """The words a shopper is shown with the email field in the current mode."""
        return self.consent_text if self.mode == "consent" else self.notice_text

    def widget_block(self, sms: bool = False) -> dict[str, str] | None:
        """``recovery`` in the checkout's setup: null when off; ``sms``, the SMS box's words,
        only when the store may send a reminder by SMS (``sms``: see ``offers_sms``)."""
        if self.mode == "off":
            return None
        block = {"mode": self.mode, "text": self.text}
        return block | {"sms": self.sms_text} if sms else block

    def sms_wording(self, sms: bool) -> str | None:
        """The words of the SMS box a checkout shows now; None when it shows none."""
        return self.sms_text if sms and self.mode != "off" else None

    def step(self, number: int) -> Step | None:
        return self.steps[number - 1] if 1 <= number <= len(self.steps) else None

    def steps_json(self) -> list[dict[str, Any]]:
        return [step.as_json() for step in self.steps]


DEFAULTS = RecoverySettings()


def steps_from_json(raw: Any) -> tuple[Step, ...]:
    """Stored steps read back; anything malformed falls back to the defaults."""
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_STEPS:
        return DEFAULT_STEPS
    try:
        return tuple(_step_from_json(item) for item in raw)
    except (KeyError, TypeError, ValueError):
        return DEFAULT_STEPS


def _step_from_json(item: Mapping[str, Any]) -> Step:
    incentive = item.get("incentive")
    return Step(
        int(item["delay_minutes"]),
        bool(item.get("enabled", True)),
        Incentive(str(incentive["kind"]), int(incentive["value"]), int(incentive["days"]))
        if incentive
        else None,
    )


# ---- capture ------------------------------------------------------------------------------


def offers_sms(*, sms_configured: bool, kind_enabled: bool, phone_field: str) -> bool:
    """Whether checkout offers a reminder by SMS: an SMS provider is configured, the store has
    the kind on (Email settings) and its checkout shows a phone field (optional or
    required; a box with no number to send to would promise what cannot be kept)."""
    return sms_configured and kind_enabled and phone_field in ("optional", "required")


def may_store(mode: str, consent: bool) -> bool:
    """Whether a contact given in ``mode`` may be kept: with notice always, with consent only
    when the box was ticked."""
    return mode == "notice" or (mode == "consent" and consent)


# ---- the sequence -------------------------------------------------------------------------


def holdout_key(store_id: int, email: str) -> str:
    """What the holdout is decided by: the shopper (the store and the address), not the cart,
    so one shopper's checkouts are all on one side (a result is credited by email too)."""
    return f"{store_id}:{email}"


def is_held_out(key: str, holdout_percent: int) -> bool:
    """Deterministic: the same key (``holdout_key``) is always on the same side, whichever
    process decides."""
    digest = hashlib.sha256(f"recovery-holdout:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100 < holdout_percent


def first_due(steps: tuple[Step, ...], captured_at: int) -> int:
    """When a checkout captured at ``captured_at`` counts as abandoned: step 1's delay on,
    whether or not step 1 itself is sent."""
    return captured_at + steps[0].delay_minutes * MINUTE_MS


def due_after(steps: tuple[Step, ...], done: int, abandoned_at: int) -> tuple[int, int] | None:
    """(the next enabled step after step ``done``, when it is due) for a checkout abandoned
    at ``abandoned_at``; None when no enabled step is left. Each step's delay counts from
    when the checkout was captured, so step n is due ``delay n - delay 1`` after the
    abandonment (which is step 1's delay after the capture)."""
    for number in range(done + 1, len(steps) + 1):
        if steps[number - 1].enabled:
            offset = steps[number - 1].delay_minutes - steps[0].delay_minutes
            return number, abandoned_at + max(0, offset) * MINUTE_MS
    return None


# ---- a rebuilt cart -----------------------------------------------------------------------


@dataclass(frozen=True)
class OldLine:
    """A line of the abandoned cart, as it was priced when the reminder was written."""

    sku: str
    name: str
    quantity: int
    unit_price: int


def notices_for(
    old: list[OldLine], now_prices: Mapping[str, int | None], kept: Mapping[str, int],
    money: Callable[[int], str],
) -> list[str]:  # fmt: skip
    """What the shopper is told about the rebuilt cart: each item gone or out of stock, each
    quantity cut to what is left, each price changed. ``now_prices``: the SKU's price now
    (None: no longer sold); ``kept``: the quantity put in the new cart."""
    notices = []
    for line in old:
        price = now_prices.get(line.sku)
        quantity = kept.get(line.sku, 0)
        if price is None or quantity == 0:
            notices.append(f"{line.name} is no longer available, so it is not in your cart.")
            continue
        if quantity < line.quantity:
            notices.append(f"Only {quantity} of {line.name} left, so your cart has {quantity}.")
        if price != line.unit_price:
            notices.append(
                f"The price of {line.name} changed from {money(line.unit_price)} to {money(price)}."
            )
    return notices
