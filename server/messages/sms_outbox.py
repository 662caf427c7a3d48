"""Queueing a recovery SMS, with every rule an SMS keeps (``server.messages.sms_rules``)
checked inside the caller's write transaction.

The cart recovery job calls ``enqueue_recovery_sms`` with a checkout's first reminder when the
shopper gave a phone number with SMS consent; the renderer of the kind ``recovery_sms``
(which writes the text with the signed recovery link) is cart recovery's
(``server.recovery.sms_reminder``).
"""

from __future__ import annotations

from typing import Any

import aiosqlite
from babel import Locale, UnknownLocaleError

from server.messages import queries
from server.messages.model import QUIET_HOURS
from server.messages.outbox import enqueue
from server.messages.sms_rules import (
    QuietHours,
    e164,
    has_sms_consent,
    next_allowed,
    parse_phone,
    shopper_zones,
    within_cap,
)
from server.stores.service import Store

RECOVERY_SMS = "recovery_sms"


async def enqueue_recovery_sms(
    conn: aiosqlite.Connection, store: Store, *, cart_id: int, phone: str,
    sms_consent_wording: str | None, now: int, due: int | None = None,
    inputs: dict[str, Any] | None = None,
) -> str | None:  # fmt: skip
    """Queue the cart's recovery SMS to ``phone``, due at ``due`` (default: now) or, when that
    falls in the quiet hours of the shopper's day, at the next minute outside them (with
    QUIET_HOURS as the reason it waits, which the admin's Messages pages show). Returns
    the message's public id, or None when it must not go: no SMS consent recorded, a number
    that is not a valid phone number (read in the store's country when written without +),
    the kind switched off, or another recovery SMS of the cart within 48 hours of it."""
    if not has_sms_consent(sms_consent_wording):
        return None
    number = parse_phone(phone, store_region(store))
    if number is None:
        return None
    settings = await queries.email_settings(conn, store.id)
    quiet = QuietHours(settings.sms_quiet_start, settings.sms_quiet_end)
    wanted = now if due is None else due
    at = next_allowed(wanted, shopper_zones(number, store.timezone), quiet)
    if not within_cap(await queries.times_for_cart(conn, cart_id, RECOVERY_SMS), at):
        return None
    return await enqueue(
        conn, store.id, RECOVERY_SMS, e164(number), now, cart_id=cart_id, inputs=inputs, due=at,
        deferred_reason=QUIET_HOURS if at > wanted else None,
    )  # fmt: skip


def store_region(store: Store) -> str | None:
    """The store's country, from its locale (en-IE: IE), for numbers written without +."""
    try:
        return Locale.parse(store.locale.replace("-", "_")).territory
    except (ValueError, UnknownLocaleError):
        return None
