"""Capturing a checkout's contact (``PUT /v1/carts/{token}/contact``): the email is kept only
as the store's mode allows, and only with the words the shopper was actually shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.emails import normalize_email
from server.errors import Conflict, Unprocessable, ValidationFailed
from server.recovery import queries
from server.recovery.model import RecoverySettings, first_due, may_store

MAX_SHOWN = 1000


@dataclass(frozen=True)
class ContactInput:
    email: str
    consent: bool
    shown: str


def parse_contact(body: dict[str, Any]) -> ContactInput:
    """The request's body checked: a 422 naming the field that is wrong (the contract the
    widget codes against; it shows nothing for it, as the email field says it already)."""
    try:
        email = normalize_email(body.get("email"))
    except ValidationFailed as exc:
        raise Unprocessable(exc.message, field="email", code="invalid_email") from None
    consent = body.get("consent", False)
    if not isinstance(consent, bool):
        raise Unprocessable("consent must be true or false.", field="consent")
    shown = body.get("shown", "")
    if not isinstance(shown, str) or len(shown) > MAX_SHOWN:
        raise Unprocessable("shown must be the text the shopper was shown.", field="shown")
    return ContactInput(email, consent, shown)


def check_wording(settings: RecoverySettings, contact: ContactInput) -> None:
    """A shopper who saw other words (the merchant changed them since the checkout loaded)
    agreed to nothing the store now says: 409, and nothing is kept."""
    if settings.mode != "off" and contact.shown != settings.text:
        raise Conflict(
            "The wording about email reminders has changed since this checkout loaded.",
            field="shown", code="wording_changed",
        )  # fmt: skip


async def capture(
    conn: aiosqlite.Connection, *, store_id: int, cart_id: int, settings: RecoverySettings,
    contact: ContactInput, now: int,
) -> bool:  # fmt: skip
    """Keep or forget the cart's email, in the request's write; whether it is kept."""
    if settings.mode == "off":
        return False
    if may_store(settings.mode, contact.consent):
        await queries.save_contact(
            conn, store_id=store_id, cart_id=cart_id, email=contact.email,
            wording=settings.text, mode=settings.mode, due_at=first_due(settings.steps, now),
            now=now,
        )  # fmt: skip
        return True
    await queries.forget_contact(conn, cart_id, now)
    return False
