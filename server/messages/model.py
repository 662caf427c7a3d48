"""What a message is, which kinds there are, and the rules of delivery: when a failed attempt
is tried again, and when it is given up. Pure but for the retries' jitter: time comes in as
an argument, and so can the jitter's random source."""

from __future__ import annotations

import functools
import random
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# ---- kinds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # the merchant's word for it
    channel: str  # email, sms or webhook
    description: str = ""  # when it is sent, for the settings page
    switchable: bool = True  # a store may turn it off
    on_by_default: bool = True
    # Marketing: never delivered to an address the store's suppression list holds (an
    # unsubscribe); transactional kinds (an order's emails) still go. Review requests count:
    # they ask a favour of the buyer, the order needs none of them.
    marketing: bool = False


KINDS = {
    kind.key: kind
    for kind in (
        Kind(
            "order_confirmation", "Order confirmation", "email",
            "When an order is placed: what was ordered, the totals, the delivery address and"
            " a link to the order's status page.",
        ),
        Kind(
            "payment_instructions", "Payment instructions", "email",
            "When an order is placed to be paid by bank transfer: the amount due, the order"
            " number to quote and your bank transfer instructions.",
        ),
        Kind(
            "order_shipped", "Order shipped", "email",
            "When you mark an order as fulfilled: what is on its way and where to.",
        ),
        Kind(
            "review_request", "Review request", "email",
            "Some days after you mark an order fulfilled (the delay below): a link to review"
            " each thing it held. Off until you turn it on.", on_by_default=False,
            marketing=True,
        ),
        Kind(
            "review_reminder", "Review reminder", "email",
            "Once, some days after the review request (the delay below), for the things not"
            " reviewed yet; never when every one is. Off until you turn it on.",
            on_by_default=False, marketing=True,
        ),
        Kind(
            "recovery_sms", "Cart reminder by SMS", "sms",
            "To a shopper who left checkout and agreed to SMS: at most one per cart in 48"
            " hours, never in the quiet hours below. Needs KEEPCART_SMS_URL.",
            on_by_default=False,
        ),
        Kind(
            "cart_email", "Your cart, as asked", "email",
            "When a shopper asks an offer to email them their cart: a link that opens it"
            " again on any device.",
        ),
        # Switched on and off with the store's cart recovery settings, not here.
        Kind("recovery", "Cart reminder", "email", switchable=False, marketing=True),
        Kind("test", "Test email", "email", switchable=False),
        # One delivery of a merchant webhook (server/webhooks/): an endpoint's subscription
        # is its switch.
        Kind("webhook", "Webhook", "webhook", switchable=False),
    )
}  # fmt: skip
SWITCHABLE = tuple(kind for kind in KINDS.values() if kind.switchable)


def kind_label(key: str) -> str:
    kind = KINDS.get(key)
    return kind.label if kind else key.replace("_", " ").capitalize()


# ---- states -------------------------------------------------------------------------------

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
SUPPRESSED, UNSENT_NO_SERVER = "suppressed", "unsent_no_server"
STATE_LABELS = {
    QUEUED: "Queued",
    SENDING: "Sending",
    SENT: "Sent",
    FAILED: "Failed",
    SUPPRESSED: "Suppressed",
    UNSENT_NO_SERVER: "Not sent: no server configured",  # any channel (the list's filter)
}
# A channel's own words where the state means something different for it.
CHANNEL_STATE_LABELS = {
    ("email", UNSENT_NO_SERVER): "Not sent: no mail server configured",
    ("sms", UNSENT_NO_SERVER): "Not sent: no SMS provider configured",
}
PENDING = frozenset({QUEUED, SENDING})  # the sender still has work to do on these
# Why a queued message waits past when it was due (messages.deferred_reason): an SMS held
# until the shopper's quiet hours end.
QUIET_HOURS = "quiet_hours"
# A store's recovery SMS in any 24 hours: past it, a text ends suppressed. SMS pumping (bots
# leaving checkouts with numbers whose texts earn their owner) costs the store at most this.
RECOVERY_SMS_PER_DAY = 100
SMS_NUMBER_CAPPED = "Not sent: this number had a reminder text in the last 48 hours."
SMS_STORE_CAPPED = (
    "Not sent: the store's daily SMS limit ({limit} reminder texts in 24 hours) was reached."
)
RETRY = "retry"  # not stored: a wait after a failed attempt is told by its attempts
RESENDABLE = frozenset({FAILED, UNSENT_NO_SERVER})
NO_SERVER_REASON = "Not sent: no mail server is configured (KEEPCART_SMTP_URL)."
NO_SERVER_REASONS = {
    "email": NO_SERVER_REASON,
    "sms": "Not sent: no SMS provider is configured (KEEPCART_SMS_URL).",
}


def state_label(state: str, channel: str) -> str:
    """The merchant's words for a message's state: an SMS is not sent for want of an SMS
    provider, not of a mail server."""
    return CHANNEL_STATE_LABELS.get((channel, state)) or STATE_LABELS.get(state, state)


@dataclass(frozen=True)
class Message:
    id: int
    public_id: str  # msg_…, the idempotency id of every attempt
    store_id: int
    channel: str
    kind: str
    recipient: str
    inputs: dict[str, Any]
    state: str
    attempts: int
    next_attempt_at: int
    last_error: str | None
    order_id: int | None
    cart_id: int | None
    created_at: int
    updated_at: int
    sent_at: int | None
    deferred_reason: str | None = None  # QUIET_HOURS, or None

    @property
    def state_label(self) -> str:
        return state_label(self.state, self.channel)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def resendable(self) -> bool:
        return self.state in RESENDABLE


@dataclass(frozen=True)
class NextTry:
    at: int
    why: str | None  # QUIET_HOURS, RETRY, or None: it was queued to go then


def next_try(message: Message, now: int) -> NextTry | None:
    """When a queued message not due yet goes, and why it waits when that is known: the end
    of the shopper's quiet hours (an SMS), or a retry after a failed attempt. None when it
    is not waiting (due now: the sender takes it within a second or so)."""
    if message.state != QUEUED or message.next_attempt_at <= now:
        return None
    if message.deferred_reason == QUIET_HOURS:
        why: str | None = QUIET_HOURS
    else:
        why = RETRY if message.attempts > 0 else None
    return NextTry(message.next_attempt_at, why)


# ---- retries ------------------------------------------------------------------------------

# A claimed message belongs to its sender this long: past it, the sender is taken to have
# died mid-attempt and the message is claimed again. Well above the longest attempt
# (ATTEMPT_TIMEOUT_S, twice over: a claim's batch runs in up to two rounds).
LEASE_MS = 5 * 60_000
ATTEMPT_TIMEOUT_S = 60.0
# Exponential backoff: 5 s, 20 s, 80 s, … times 4 each time, up to 2 hours apart; the 10th
# failed attempt fails the message for good, 7.9 hours after the first on average.
FIRST_RETRY_MS = 5_000
BACKOFF_FACTOR = 4
MAX_RETRY_MS = 2 * 3_600_000
MAX_ATTEMPTS = 10
# Each delay is stretched or shrunk at random by up to a fifth (so the whole schedule takes
# 6.3 to 9.5 hours): a mail server down for a minute fails a whole batch at once, and its
# retries must come back spread out, not in one burst at the same second.
JITTER = 0.2
jitter_source = random.Random()  # tests may put a seeded Random in its place


def retry_delay_ms(attempts: int, rand: Callable[[], float] | None = None) -> int:
    """How long after its ``attempts``-th failed attempt a message is tried again: the
    backoff's step times a factor from 0.8 to 1.2, drawn from ``rand`` (a float in [0, 1);
    0.5 is the step itself) or else from ``jitter_source``."""
    step = min(MAX_RETRY_MS, FIRST_RETRY_MS * BACKOFF_FACTOR ** max(0, attempts - 1))
    draw = rand() if rand is not None else jitter_source.random()
    return round(step * (1 - JITTER + 2 * JITTER * draw))


@dataclass(frozen=True)
class Outcome:
    """What recording an attempt's failure does: try again at ``retry_at``, or give up."""

    state: str
    next_attempt_at: int
    last_error: str


def after_failure(
    attempts: int, reason: str, permanent: bool, now: int,
    rand: Callable[[], float] | None = None,
) -> Outcome:  # fmt: skip
    """A refusal for good, or the last allowed attempt failing, fails the message; anything
    else is tried again after the backoff (``retry_delay_ms``, jitter from ``rand``)."""
    if permanent:
        return Outcome(FAILED, now, reason)
    if attempts >= MAX_ATTEMPTS:
        return Outcome(FAILED, now, f"{reason} (gave up after {attempts} attempts)")
    return Outcome(QUEUED, now + retry_delay_ms(attempts, rand), reason)


class DeliveryFailed(Exception):
    """An attempt failed. ``reason`` is for the merchant's eyes (it is stored and shown, and
    never holds a password); ``code`` is for the log (no personal data: an SMTP reply code,
    an exception's class). ``permanent``: trying again cannot help."""

    def __init__(self, reason: str, *, code: str, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason[:500]
        self.code = code
        self.permanent = permanent


# ---- what an email says, and how a store's emails look ------------------------------------


@dataclass(frozen=True)
class EmailContent:
    subject: str
    text: str  # the plain-text part
    html: str  # the HTML part
    # Headers of the email's own beyond the usual (List-Unsubscribe on a marketing email).
    headers: tuple[tuple[str, str], ...] = ()


DEFAULT_ACCENT = "#1f6f5c"
_COLOUR = re.compile(r"#[0-9a-f]{6}")


@dataclass(frozen=True)
class EmailSettings:
    """A store's sender and look. Empty sender fields fall back to the store's name and
    contact email (``sender_of``)."""

    sender_name: str = ""
    sender_email: str = ""
    accent_colour: str = DEFAULT_ACCENT
    enabled: frozenset[str] = frozenset(k.key for k in SWITCHABLE if k.on_by_default)
    # Days after an order is marked fulfilled that its review request is due, and days after
    # that its one reminder (0: no reminder).
    review_request_days: int = 7
    review_reminder_days: int = 7
    # SMS are sent only between these minutes of the shopper's day (08:00 to 21:00).
    sms_quiet_end: int = 8 * 60
    sms_quiet_start: int = 21 * 60

    def sends(self, kind: str) -> bool:
        known = KINDS.get(kind)
        return known is not None and (not known.switchable or kind in self.enabled)


def parse_colour(text: str) -> str:
    cleaned = text.strip().lower()
    if not _COLOUR.fullmatch(cleaned):
        raise ValueError("Enter a colour like #1f6f5c.")
    return cleaned


def text_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (#rrggbb)."""
    return "#ffffff" if contrast(colour, "#ffffff") >= contrast(colour, "#000000") else "#000000"


def link_colour(accent: str) -> str:
    """The accent, for links on white, when it reads there (WCAG AA, 4.5:1); a dark ink when
    it is too light."""
    return accent if contrast(accent, "#ffffff") >= 4.5 else "#1b2421"


def contrast(first: str, second: str) -> float:
    """WCAG's contrast ratio of two #rrggbb colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The system's certificate checks for outgoing HTTPS (SMS provider, webhooks), built once:
    each new context loads the CA bundle again, 15–35 ms of the event loop per attempt."""
    return ssl.create_default_context()
