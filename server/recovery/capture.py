"""Capturing a checkout's contact (``PUT /v1/carts/{token}/contact``): the email is kept only
as the store's mode allows, the phone only with the SMS box ticked, and each only with the
words the shopper was actually shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.checkout.queries import load_settings as checkout_settings
from server.db import Reader
from server.emails import normalize_email
from server.errors import Conflict, Unprocessable, ValidationFailed
from server.messages.queries import kind_enabled
from server.messages.sms_outbox import RECOVERY_SMS
from server.messages.sms_rules import e164, may_text, parse_phone
from server.recovery import queries
from server.recovery.model import RecoverySettings, first_due, may_store, offers_sms

MAX_SHOWN = 1000
MAX_PHONE = 40


@dataclass(frozen=True)
class ContactInput:
    email: str
    consent: bool
    shown: str
    phone: str = ""
    sms_consent: bool = False
    sms_shown: str = ""  # the SMS box's words, when the checkout showed it
    opt_out: bool = False  # notice mode's "Don't remind me": the email is forgotten


def parse_contact(body: dict[str, Any]) -> ContactInput:
    """The request's body checked: a 422 naming the field that is wrong (the contract the
    widget codes against; it shows nothing for it, as the email field says it already)."""
    try:
        email = normalize_email(body.get("email"))
    except ValidationFailed as exc:
        raise Unprocessable(exc.message, field="email", code="invalid_email") from None
    return ContactInput(
        email, _flag(body, "consent"), _text(body, "shown", MAX_SHOWN),
        _text(body, "phone", MAX_PHONE), _flag(body, "sms_consent"),
        _text(body, "sms_shown", MAX_SHOWN), _flag(body, "opt_out"),
    )  # fmt: skip


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise Unprocessable(f"{name} must be true or false.", field=name)
    return value


def _text(body: dict[str, Any], name: str, longest: int) -> str:
    value = body.get(name, "")
    if not isinstance(value, str) or len(value) > longest:
        raise Unprocessable(f"{name} must be the text the shopper gave or was shown.", field=name)
    return value


async def sms_wording(
    conn: Reader, store_id: int, settings: RecoverySettings, sms_configured: bool
) -> str | None:
    """The words of the SMS box the store's checkout shows now; None when it shows none."""
    offered = offers_sms(
        sms_configured=sms_configured,
        kind_enabled=await kind_enabled(conn, store_id, RECOVERY_SMS),
        phone_field=(await checkout_settings(conn, store_id)).phone,
    )
    return settings.sms_wording(offered)


def check_wording(
    settings: RecoverySettings, contact: ContactInput, sms_wording: str | None = None
) -> None:
    """A shopper who saw other words (the merchant changed them since the checkout loaded)
    agreed to nothing the store now says: 409, and nothing is kept."""
    if settings.mode != "off" and contact.shown != settings.text:
        raise Conflict(
            "The wording about email reminders has changed since this checkout loaded.",
            field="shown", code="wording_changed",
        )  # fmt: skip
    if contact.sms_shown and contact.sms_shown != sms_wording:
        raise Conflict(
            "The wording about SMS reminders has changed since this checkout loaded.",
            field="sms_shown", code="wording_changed",
        )  # fmt: skip


def sms_phone(contact: ContactInput, sms_wording: str | None, region: str | None) -> str | None:
    """The number to text (E.164), when the shopper ticked the SMS box the store shows;
    422 for one that is not a phone number (read in the store's country without +). None for
    one a text does not reach at a mobile's rate (``may_text``: no toll-free, premium,
    satellite or landline number): the rest of the contact (the email and its consent) is kept
    all the same, as the widget sends them together and a refusal would lose them. Unticked,
    the phone is not kept here at all: the courier's is the order's."""
    if not (contact.sms_consent and sms_wording and contact.sms_shown == sms_wording):
        return None
    number = parse_phone(contact.phone, region)
    if number is None:
        raise Unprocessable(
            "Enter a mobile number to get a text, like +353 87 123 4567.", field="phone",
            code="invalid_phone",
        )  # fmt: skip
    if not may_text(number):
        return None  # the email's reminders kept, no text: the answer's ``sms`` says so
    return e164(number)


async def capture(
    conn: aiosqlite.Connection, *, store_id: int, cart_id: int, settings: RecoverySettings,
    contact: ContactInput, now: int, phone: str | None = None, sms_wording: str | None = None,
) -> tuple[bool, bool]:  # fmt: skip
    """Keep or forget the cart's email and phone (``phone``: ``sms_phone``'s), in the
    request's write; (whether the email is kept, whether the phone is)."""
    if settings.mode == "off":
        return False, False
    email = may_store(settings.mode, contact.consent) and not contact.opt_out
    if not email and phone is None:
        await queries.forget_contact(conn, cart_id, now)
        return False, False
    kept = queries.Kept(phone=phone, sms_wording=phone and sms_wording)
    if email:
        kept = queries.Kept(contact.email, settings.text, settings.mode, kept.phone,
                            kept.sms_wording)  # fmt: skip
    await queries.save_contact(
        conn, store_id=store_id, cart_id=cart_id, kept=kept,
        due_at=first_due(settings.steps, now), now=now,
    )  # fmt: skip
    return email, phone is not None
