"""What a webhook endpoint is, which events there are, how a delivery is signed, and when a
failed delivery is tried again. Pure: time comes in as an argument."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from server.messages.model import FAILED, QUEUED, Outcome

# ---- event types --------------------------------------------------------------------------

EVENT_TYPES = {
    "order.created": "An order is placed.",
    "order.paid": "An order is paid: placed by card, or marked paid.",
    "order.fulfilled": "An order is marked fulfilled.",
    "checkout.abandoned": "A shopper left checkout after giving an email.",
    "checkout.recovered": "An abandoned checkout became an order.",
    "survey.response.created": "A shopper completed a survey.",
    "review.created": "A buyer published a review.",
}
TEST_EVENT = "webhook.test"  # "Send test event": to one endpoint, whatever it subscribes to
KIND = "webhook"  # the outbox's kind (and channel) of every delivery


def parse_event_types(text: str) -> tuple[str, ...]:
    """The known event types in ``text`` (space-separated), in EVENT_TYPES' order."""
    chosen = set(text.split())
    unknown = chosen - EVENT_TYPES.keys()
    if unknown:
        raise ValueError(f"Unknown event type: {sorted(unknown)[0]}.")
    if not chosen:
        raise ValueError("Choose at least one event.")
    return tuple(key for key in EVENT_TYPES if key in chosen)


@dataclass(frozen=True)
class Endpoint:
    id: int
    public_id: str  # ep_…
    store_id: int
    url: str
    description: str
    event_types: tuple[str, ...]
    enabled: bool
    disabled_reason: str | None
    last_success_at: int | None
    created_at: int
    updated_at: int

    def wants(self, event_type: str) -> bool:
        return self.enabled and event_type in self.event_types


@dataclass(frozen=True)
class EndpointInput:
    url: str
    description: str
    event_types: tuple[str, ...]


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt, as the delivery log shows it."""

    message_public_id: str
    event_type: str
    attempt: int
    started_at: int
    duration_ms: int
    status_code: int | None
    error: str | None
    response_snippet: str
    message_state: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


# ---- secrets and signatures ---------------------------------------------------------------

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec asks for 24 to 64
ROTATION_OVERLAP_MS = 24 * 3_600_000  # an old secret keeps signing this long after a rotation


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The bytes a ``whsec_…`` secret stands for: what HMAC keys on."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp_s: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` over ``id.timestamp.body``, as Standard Webhooks has it."""
    signed = f"{message_id}.{timestamp_s}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(
    secrets_live: list[str], message_id: str, timestamp_s: int, body: bytes
) -> str:
    """One signature per live secret, space-separated: a receiver holding either the old or
    the new secret verifies a delivery during a rotation's overlap."""
    return " ".join(sign(secret, message_id, timestamp_s, body) for secret in secrets_live)


# ---- retries ------------------------------------------------------------------------------

# The spec's schedule: the first attempt at once, then each of these after the one before
# failed: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts over about 27.6 hours).
RETRY_DELAYS_MS = (5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000)
MAX_ATTEMPTS = len(RETRY_DELAYS_MS) + 1
TIMEOUT_S = 15.0
SNIPPET_BYTES = 500


def after_failure(attempts: int, reason: str, permanent: bool, now: int) -> Outcome:
    """Tried again on the schedule; failed for good when refused for good (a 410, a refused
    destination) or when the schedule is spent."""
    if permanent:
        return Outcome(FAILED, now, reason)
    if attempts >= MAX_ATTEMPTS:
        return Outcome(FAILED, now, f"{reason} (gave up after {attempts} attempts)")
    return Outcome(QUEUED, now + RETRY_DELAYS_MS[max(0, attempts - 1)], reason)


def is_final(attempts: int, permanent: bool) -> bool:
    return permanent or attempts >= MAX_ATTEMPTS


GONE_REASON = "The endpoint answered 410 Gone: Keepcart stopped sending to it."
FAILING_REASON = (
    "Every delivery failed for the whole retry schedule (about 28 hours): Keepcart stopped"
    " sending to it."
)


def disables_endpoint(final_failure: bool, last_success_at: int | None, first_try: int) -> bool:
    """An endpoint is disabled when a message to it fails for good with no delivery to it
    succeeding since that message's first attempt: it failed every delivery for the whole
    schedule (one good answer in between, and it stays on)."""
    return final_failure and (last_success_at is None or last_success_at < first_try)
