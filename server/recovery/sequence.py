"""The reminder sequence: the job that finds checkouts abandoned and writes each reminder when
it falls due, run by the outbox's sender at the start of every round (``run_due``).

Each due contact is looked at once per due moment, all of a batch in one write:

- at step 1's delay after the capture, it is abandoned unless an order followed (for its
  cart, a cart its link built, or its email, from any device) or the cart emptied; the
  holdout is decided then, by a hash of the cart, and kept, and ``checkout.abandoned``
  emitted to the store's webhooks;
- at each step's moment the sequence stops for good when such an order exists, the cart
  emptied, the address unsubscribed, or the store switched recovery off; else the step's
  reminder (and its incentive code) is written in the outbox, and the next step scheduled.

A sender that was down past several steps' moments sends only the latest of them, not a
burst of reminders at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiosqlite

from server.carts.queries import load_cart
from server.db import Database, Reader
from server.messages.outbox import enqueue
from server.messages.sms_outbox import enqueue_recovery_sms
from server.recovery import queries, step_queries, stop_queries
from server.recovery.model import (
    DAILY_CAP,
    EMPTIED,
    FINISHED,
    FORGOTTEN,
    ORDERED,
    SWITCHED_OFF,
    OldLine,
    RecoverySettings,
    due_after,
    holdout_key,
    is_held_out,
)
from server.recovery.queries import Contact
from server.recovery.webhook_data import emit_abandoned
from server.security import Signer
from server.stores.directory import StoreDirectory
from server.stores.service import Store

BATCH = 50  # contacts a round's one write looks at
DAY_MS = 24 * 3_600_000
SettingsOf = Callable[[int], Awaitable[RecoverySettings]]
StoreOf = Callable[[int], Awaitable[Store | None]]


async def run_due(db: Database, stores: StoreDirectory, signer: Signer, now: int) -> int:
    """Advance every sequence due at ``now`` (one batch, one write); the reminders written.
    One indexed read when nothing is due."""
    if not await queries.any_due(db, now):
        return 0
    return await db.write(lambda conn: advance_due(conn, now, stores.by_id, signer))


async def advance_due(
    conn: aiosqlite.Connection, now: int, store_of: StoreOf | None = None,
    signer: Signer | None = None,
) -> int:  # fmt: skip
    """``store_of``: a store by its id (the directory's cache), for an SMS, queued in the
    shopper's country and time zone; without it no SMS is queued. ``signer``: the app's, so
    an erased shopper's opt-out (kept as a keyed hash) stops the sequence before it writes
    a reminder the sender would only suppress."""
    cached: dict[int, RecoverySettings] = {}

    async def settings_of(store_id: int) -> RecoverySettings:
        if store_id not in cached:
            cached[store_id] = await queries.load_settings(conn, store_id)
        return cached[store_id]

    written = 0
    for contact in await queries.due_contacts(conn, now, BATCH):
        settings = await settings_of(contact.store_id)
        store = await store_of(contact.store_id) if store_of and contact.phone else None
        written += await advance(conn, contact, settings, now, store, signer)
    return written


async def advance(
    conn: aiosqlite.Connection, contact: Contact, settings: RecoverySettings, now: int,
    store: Store | None = None, signer: Signer | None = None,
) -> int:  # fmt: skip
    """Look at one due contact; 1 when a reminder was written, else 0."""
    assert contact.next_due_at is not None
    reason = await why_stop(conn, contact, settings, signer)
    abandoned_at = contact.abandoned_at
    if abandoned_at is None:
        if reason in (ORDERED, EMPTIED, FORGOTTEN, SWITCHED_OFF):  # never abandoned
            await queries.stop(conn, contact.id, reason, now)
            return 0
        abandoned_at = contact.next_due_at  # when it was due, however late the job runs
        holdout = is_held_out(
            holdout_key(contact.store_id, contact.email)
            if contact.email
            else contact.cart_public_id,
            settings.holdout_percent,
        )
        snapshot = await _snapshot(conn, contact)
        await queries.mark_abandoned(
            conn, contact.id, holdout=holdout, snapshot=snapshot, at=abandoned_at
        )
        await emit_abandoned(conn, contact, snapshot, abandoned_at, holdout, now)
        if holdout and reason is None:
            await queries.schedule(conn, contact.id, 0, None)  # counted, never reminded
            return 0
        planned = due_after(settings.steps, 0, abandoned_at)
    else:
        planned = (contact.next_step, contact.next_due_at)
    if reason is not None:
        await queries.stop(conn, contact.id, reason, now)
        return 0
    return await _remind(conn, contact, settings, planned, abandoned_at, now, store)


async def _remind(
    conn: aiosqlite.Connection, contact: Contact, settings: RecoverySettings,
    planned: tuple[int, int] | None, abandoned_at: int, now: int, store: Store | None,
) -> int:  # fmt: skip
    if planned is None:
        await queries.stop(conn, contact.id, FINISHED, now)
        return 0
    number, due = planned
    if due > now:
        await queries.schedule(conn, contact.id, number, due)
        return 0
    following = due_after(settings.steps, number, abandoned_at)
    while following is not None and following[1] <= now:  # late: only the latest
        number, following = following[0], due_after(settings.steps, following[0], abandoned_at)
    written = 0
    if not await _over_daily_cap(conn, contact, number, now):
        first = not await step_queries.any_step_written(conn, contact.id)
        await write_reminder(conn, contact, settings, number, now)
        if first and store is not None:
            await text_reminder(conn, contact, store, number, now)
        written = 1
    if contact.email is None:  # a phone only: its one SMS was all there is to send
        following = None
    if following is None:
        await queries.stop(conn, contact.id, FINISHED, now)
    else:
        await queries.schedule(conn, contact.id, *following)
    return written


async def _over_daily_cap(conn: Reader, contact: Contact, number: int, now: int) -> bool:
    """Whether the address had its share of reminders from the store in the last 24 hours
    (step ``number`` already, or DAILY_CAP of any), for whichever carts: the step is then
    skipped, not put off, so a shopper leaving cart after cart is not reminded in bursts."""
    if contact.email is None:
        return False
    sent = await step_queries.steps_sent_to(conn, contact.store_id, contact.email, now - DAY_MS)
    return number in sent or len(sent) >= DAILY_CAP


async def write_reminder(
    conn: aiosqlite.Connection, contact: Contact, settings: RecoverySettings, number: int,
    now: int,
) -> None:  # fmt: skip
    """Step ``number``'s email in the outbox, with its incentive code when it has one (none
    for a checkout that left only a phone: the step is recorded, for the results)."""
    step = settings.step(number)
    assert step is not None
    discount_id = None
    if step.incentive is not None and contact.email is not None:
        discount_id, _ = await step_queries.insert_incentive(
            conn, store_id=contact.store_id, cart_id=contact.cart_id, kind=step.incentive.kind,
            value=step.incentive.value, expires_at=now + step.incentive.days * DAY_MS, now=now,
        )  # fmt: skip
    inputs = {"contact": contact.id, "step": number, "discount": discount_id}
    message = None
    if contact.email is not None:
        message = await enqueue(
            conn, contact.store_id, "recovery", contact.email, now, cart_id=contact.cart_id,
            inputs=inputs,
        )  # fmt: skip
    await step_queries.record_step(conn, contact.id, number, message, discount_id, now)


async def text_reminder(
    conn: aiosqlite.Connection, contact: Contact, store: Store, number: int, now: int
) -> None:
    """The checkout's one recovery SMS, with its first reminder: when the cart is freshest,
    and one text is what the 48-hour cap allows around a 24-hour second step anyway (later
    steps' incentive codes stay in the emails). ``enqueue_recovery_sms`` keeps the consent,
    the cap and the quiet hours."""
    if contact.phone is None:
        return
    await enqueue_recovery_sms(
        conn, store, cart_id=contact.cart_id, phone=contact.phone,
        sms_consent_wording=contact.sms_consent_wording, now=now,
        inputs={"contact": contact.id, "step": number},
    )  # fmt: skip


async def why_stop(
    conn: Reader, contact: Contact, settings: RecoverySettings, signer: Signer | None = None
) -> str | None:
    """Why the sequence stops now (a STOP_REASONS'), or None when it goes on: the same check
    the reminder's email makes again when it is sent (``stop_queries.stop_reason``)."""
    return await stop_queries.stop_reason(conn, contact, settings, signer)


async def _snapshot(conn: aiosqlite.Connection, contact: Contact) -> list[OldLine]:
    """The cart's lines as priced now, the moment it is abandoned (free gifts left out)."""
    cart = await load_cart(conn, contact.cart_public_id)
    if cart is None:
        return []
    return [
        OldLine(line.product.sku, line.product.name, line.quantity, line.product.price)
        for line in cart.lines
        if line.gift_of is None
    ]
