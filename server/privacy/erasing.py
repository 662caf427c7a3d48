"""Erasing one shopper's data from a store: one write, so a failure anywhere leaves all of it
as it was.

What exists only for the shopper goes: the messages sent them (about their orders, to their
email, or about a cart of theirs; sent, and any still to go), their "email me my cart" requests,
survey responses (with their answers), and the checkout answers kept for retries. The contacts
they gave in checkout for cart reminders lose their details and stop (one whose abandonment
the recovery results count stays, cleared); their unsubscribe stays as a keyed hash of their
address only, so no reminder reaches them afterwards (``server.privacy.recovery``). Their reviews
are removed as at their writer's request (words, rating and name erased; the product still
counts a review removed). Orders are redacted, not deleted: lines, amounts, number, status,
dates and the country (and region) their tax was charged for stay for the store's accounts and
revenue figures; email, phone, name, street address, card digits and visitor id go, and the
order says when. A code's use keeps its amount and loses its email: a once-per-email code can be
used again with that email, since anything kept to refuse it (even a keyed hash) would let
anyone who types the email at checkout learn that it bought here.

What their browser recorded is kept under a new random visitor id per old one (events,
offers and badges seen, coupons claimed, helpful votes, and every order placed from that
browser), so campaign, badge and review figures stay right. What stays links only to itself:
an event keeps its type, name, time, page and referrer cut to origin and path, the widget's
own properties and a new visit id (``server.privacy.redacting``); a redacted order keeps its
new visitor id, so it still meets the exposures before it. Orders placed from the browser
with another email are someone else's (``finding``): they are not redacted, but carry the
new visitor id too. Afterwards the orders search's index is merged and the WAL
checkpointed, so the erased details leave the database file (``clear_leftovers``).

The store's record of the erasure names who did it, when, and how many rows of each kind:
never the email or the visitor ids.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import aiosqlite

from server.db import Database, Reader
from server.privacy import queries
from server.privacy.finding import shopper_orders, visitor_ids_of
from server.privacy.model import KIND_KEYS, Erasure, ShopperKey
from server.privacy.queries import EventIds
from server.privacy.recovery import erase_recovery, shopper_contacts
from server.privacy.redacting import erasing_functions
from server.reviews.moderating import RemovalRequest, remove_on_request
from server.reviews.queries import reviews_of_orders
from server.security import Signer, new_public_id
from server.surveys.privacy import erase_shopper_responses

# The moderation log's note on a review removed with the rest of its writer's data.
REVIEW_NOTE = "Removed with the rest of the shopper's data, at their request."
# What a redacted order's address keeps: what its tax was charged by.
KEPT_ADDRESS = ("country", "region")


# Pages of the orders search's index one merge step writes: each step is its own write, a
# few milliseconds, so other writes go on between them.
MERGE_PAGES = 16
MAX_MERGE_STEPS = 100_000


async def clear_leftovers(db: Database, erasure: Erasure) -> int:
    """After an erasure: merge the orders search's index until it is one segment (an erased
    order's old terms stay in the index's older segments, marked deleted, until merged with
    them), then checkpoint, so the erased details leave the database file. How many merge
    steps it took (none when no order was redacted)."""
    if not erasure.counts.get("orders"):
        await db.checkpoint()
        return 0

    async def step(conn: aiosqlite.Connection) -> int:
        before = conn.total_changes
        await conn.execute(
            "INSERT INTO orders_search (orders_search, rank) VALUES ('merge', ?)",
            (-MERGE_PAGES,),
        )
        return conn.total_changes - before

    steps = 1
    # SQLite's documented test: a step that changed fewer than 2 rows found nothing to merge.
    while await db.write(step) >= 2 and steps < MAX_MERGE_STEPS:
        steps += 1
    await db.checkpoint()
    return steps


class NothingStored(Exception):
    """The store held nothing about the shopper by the time of the write: nothing was done
    (and nothing recorded)."""


async def events_before_erasing(db: Reader, store_id: int, key: ShopperKey) -> EventIds:
    """Read before the erasure's write, outside it: the shopper's events (``EventIds``)."""
    orders = await shopper_orders(db, store_id, key)
    return await queries.event_ids(db, store_id, visitor_ids_of(key, orders.theirs))


async def erase_shopper(
    conn: aiosqlite.Connection,
    store_id: int,
    key: ShopperKey,
    events: EventIds,
    user_id: int,
    now: int,
    *,
    signer: Signer,
) -> Erasure:
    """Inside a write: erase what the store holds about the shopper, record it, and return the
    record (``signer``: their unsubscribe's keyed hash). Raises NothingStored (the write then
    rolls back) when there was nothing."""
    orders = (await shopper_orders(conn, store_id, key)).theirs
    visitors = visitor_ids_of(key, orders)
    order_ids = [row["id"] for row in orders]
    counts = dict.fromkeys(KIND_KEYS, 0)
    counts["survey_responses"] = await erase_shopper_responses(
        conn, store_id, key.email, visitors, order_ids
    )
    counts["reviews"] = await _remove_reviews(conn, store_id, order_ids, user_id, now)
    # Read before their "email me my cart" requests and checkout contacts (which name carts)
    # go: their reminders (to a phone too) are found by cart.
    carts = await queries.shopper_carts(conn, store_id, order_ids, key.email)
    contacts = await shopper_contacts(conn, store_id, key.email, carts)
    carts = sorted({*carts, *(row["cart_id"] for row in contacts)})
    messages = await queries.shopper_messages(conn, store_id, order_ids, key.email, carts)
    if messages:
        counts["messages"] = await queries.delete_messages(conn, [row["id"] for row in messages])
    counts |= await erase_recovery(conn, signer, store_id, key.email, contacts, now)
    if key.email:
        counts["cart_email_requests"] = await queries.delete_cart_requests(
            conn, store_id, key.email
        )
    if order_ids:
        counts["checkout_answers"] = await queries.delete_checkout_answers(conn, order_ids)
        counts["discount_codes_used"] = await queries.anonymise_redemptions(conn, order_ids)
        kept = {row["id"]: kept_address(row["shipping_address"]) for row in orders}
        await queries.redact_orders(conn, kept, now)
        counts["orders"] = len(order_ids)
    if visitors:
        fresh = {visitor: new_public_id("anon", 12) for visitor in visitors}
        async with erasing_functions(conn):
            counts |= await queries.replace_visitor_ids(conn, store_id, fresh, events)
    if not any(counts.values()):
        raise NothingStored()
    erasure_id = await queries.record_erasure(conn, store_id, user_id, counts, now)
    return Erasure(erasure_id, counts, now)


async def _remove_reviews(
    conn: aiosqlite.Connection, store_id: int, order_ids: Sequence[int], user_id: int, now: int
) -> int:
    """Their reviews, removed as at their writer's request (those already removed stay so)."""
    reviews = await reviews_of_orders(conn, store_id, order_ids)
    written = [review for review in reviews if review.status != "removed"]
    for review in written:
        await remove_on_request(
            conn, store_id, review.public_id, RemovalRequest(REVIEW_NOTE), user_id, now
        )
    return len(written)


def kept_address(text: str) -> dict[str, str]:
    """The address's country and region, where it has them."""
    try:
        address = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(address, dict):
        return {}
    return {k: v for k in KEPT_ADDRESS if isinstance(v := address.get(k), str) and v}
