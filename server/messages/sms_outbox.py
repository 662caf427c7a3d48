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
from server.messages.model import (
    QUIET_HOURS,
    RECOVERY_SMS_PER_DAY,
    SMS_NUMBER_CAPPED,
    SMS_STORE_CAPPED,
)
from server.messages.outbox import enqueue
from server.messages.sms_rules import (
    QuietHours,
    e164,
    has_sms_consent,
    may_text,
    next_allowed,
    parse_phone,
    shopper_zones,
    within_cap,
)
from server.stores.service import Store

RECOVERY_SMS = "recovery_sms"
DAY_MS = 24 * 3_600_000


async def enqueue_recovery_sms(
    conn: aiosqlite.Connection, store: Store, *, cart_id: int, phone: str,
    sms_consent_wording: str | None, now: int, due: int | None = None,
    inputs: dict[str, Any] | None = None,
) -> str | None:  # fmt: skip
    """Queue the cart's recovery SMS to ``phone``, due at ``due`` (default: now) or, when that
    falls in the quiet hours of the shopper's day, at the next minute outside them (with
    QUIET_HOURS as the reason it waits, which the admin's Messages pages show). Returns
    the message's public id, or None when it must not go: no SMS consent recorded, a number
    that is not a valid mobile number (read in the store's country when written without +;
    one kept before ``may_text``), the kind switched off, or another recovery SMS of the cart
    within 48 hours of it. One the store's caps stop (``sms_cap_reached``) is written
    suppressed, saying why, for the merchant to read on Messages."""
    if not has_sms_consent(sms_consent_wording):
        return None
    number = parse_phone(phone, store_region(store))
    if number is None or not may_text(number):
        return None
    settings = await queries.email_settings(conn, store.id)
    quiet = QuietHours(settings.sms_quiet_start, settings.sms_quiet_end)
    wanted = now if due is None else due
    at = next_allowed(wanted, shopper_zones(number, store.timezone), quiet)
    if not within_cap(await queries.times_for_cart(conn, cart_id, RECOVERY_SMS), at):
        return None
    recipient = e164(number)
    return await enqueue(
        conn, store.id, RECOVERY_SMS, recipient, now, cart_id=cart_id, inputs=inputs, due=at,
        deferred_reason=QUIET_HOURS if at > wanted else None,
        suppressed=await sms_cap_reached(conn, store.id, recipient, at, now),
    )  # fmt: skip


async def sms_cap_reached(
    conn: aiosqlite.Connection, store_id: int, recipient: str, due: int, now: int
) -> str | None:
    """Why a recovery SMS to ``recipient`` due at ``due`` must not go, or None: another to the
    number within 48 hours of it (whatever the cart), or the store's RECOVERY_SMS_PER_DAY
    queued in the last 24 hours. Both read by index in the caller's write, so two checkouts
    cannot both take the last one."""
    times = await queries.times_for_recipient(conn, store_id, recipient, RECOVERY_SMS)
    if not within_cap(times, due):
        return SMS_NUMBER_CAPPED
    limit = RECOVERY_SMS_PER_DAY
    if await queries.queued_since(conn, store_id, RECOVERY_SMS, now - DAY_MS, limit):
        return SMS_STORE_CAPPED.format(limit=limit)
    return None


def store_region(store: Store) -> str | None:
    """The store's country, from its locale (en-IE: IE), for numbers written without +."""
    try:
        return Locale.parse(store.locale.replace("-", "_")).territory
    except (ValueError, UnknownLocaleError):
        return None
