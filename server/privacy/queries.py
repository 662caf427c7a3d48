"""SQL for one shopper's data: reads take a ``Reader`` (the database, or the write's own
connection, so an erasure finds its rows inside its transaction); writes an
``aiosqlite.Connection`` inside the single writer's transaction. Every statement names the
store, directly or through a row that belongs to it: another store's rows are never read.

A shopper has few orders, requests and votes: their ids go into ``IN (…)`` lists whole. Their
events can be many, and are changed in batches of ``ID_BATCH``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.db import Reader, Row, read_all, read_one
from server.privacy.model import Erasure, counted

ID_BATCH = 500
# A shopper's events are read for the export up to this many, newest first (all are counted
# and all are anonymised): a browser left open for months sends thousands.
MAX_EVENTS = 5000


def marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def batches(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), ID_BATCH):
        yield ids[start : start + ID_BATCH]


# ---- found by email ------------------------------------------------------------------------


_ORDER = (
    "SELECT id, public_id, number, status, email, phone, shipping_name, shipping_address,"
    " shipping_method, delivery_from, delivery_to, currency, prices_include_tax, subtotal,"
    " discount_total, shipping_total, shipping_discount, tax_total, total, discount_code,"
    " payment_method, card_brand, card_last4, visitor_id, created_at FROM orders"
)


async def shopper_orders(db: Reader, store_id: int, email: str, visitor_id: str) -> list[Row]:
    """The store's orders placed with ``email`` or from the browser ``visitor_id`` (either
    may be empty: it then finds nothing), oldest first. By their indexes, which SQLite would
    pass over for the time index (no sort to do) when it has no statistics."""
    parts: list[str] = []
    params: list[Any] = []
    if email:
        parts.append(f"{_ORDER} INDEXED BY orders_by_email WHERE store_id = ? AND email = ?")
        params += [store_id, email]
    if visitor_id:
        parts.append(f"{_ORDER} INDEXED BY orders_by_visitor WHERE store_id = ? AND visitor_id = ?")
        params += [store_id, visitor_id]
    if not parts:
        return []
    return await read_all(db, " UNION ".join(parts) + " ORDER BY created_at, id", params)


async def order_lines(db: Reader, order_ids: Sequence[int]) -> list[Row]:
    return await read_all(
        db,
        "SELECT order_id, sku, name, variant, unit_price, quantity, subtotal, discount, tax"
        f" FROM order_items WHERE order_id IN ({marks(order_ids)}) ORDER BY name, variant, sku",
        order_ids,
    )


async def order_history(db: Reader, order_ids: Sequence[int]) -> list[Row]:
    """What happened to each order, when (order_events_by_order); the notes, which name
    members, stay out."""
    return await read_all(
        db,
        "SELECT order_id, kind, created_at FROM order_events"
        f" WHERE order_id IN ({marks(order_ids)}) ORDER BY created_at, id",
        order_ids,
    )


async def redemptions(db: Reader, order_ids: Sequence[int]) -> list[Row]:
    """The discount codes these orders used (discount_redemptions_by_order)."""
    return await read_all(
        db,
        "SELECT d.code, r.email, r.amount, r.created_at, o.number, o.currency"
        " FROM discount_redemptions r JOIN discounts d ON d.id = r.discount_id"
        f" JOIN orders o ON o.id = r.order_id WHERE r.order_id IN ({marks(order_ids)})"
        " ORDER BY r.created_at",
        order_ids,
    )


async def shopper_messages(
    db: Reader, store_id: int, order_ids: Sequence[int], email: str, cart_ids: Sequence[int]
) -> list[Row]:
    """What the store sent them or was about to, email or SMS: about their orders
    (messages_once_per_order), to their email (messages_by_recipient), or about a cart of
    theirs (messages_by_cart: a cart's recovery email or SMS, to whatever number it gave)."""
    parts: list[str] = []
    params: list[Any] = []
    if order_ids:
        parts.append(f"SELECT id FROM messages WHERE order_id IN ({marks(order_ids)})")
        params += order_ids
    if email:
        parts.append("SELECT id FROM messages WHERE store_id = ? AND recipient = ?")
        params += [store_id, email]
    if cart_ids:
        parts.append(f"SELECT id FROM messages WHERE cart_id IN ({marks(cart_ids)})")
        params += cart_ids
    if not parts:
        return []
    return await read_all(
        db,
        "SELECT m.id, m.channel, m.kind, m.recipient, m.state, m.created_at, m.sent_at,"
        " o.number FROM messages m LEFT JOIN orders o ON o.id = m.order_id"
        # By the ids found (``+``: never the store's index of every message).
        f" WHERE m.id IN ({' UNION '.join(parts)}) AND +m.store_id = ?"
        " ORDER BY m.created_at, m.id",
        [*params, store_id],
    )


async def shopper_carts(
    db: Reader, store_id: int, order_ids: Sequence[int], email: str
) -> list[int]:
    """The carts their orders were placed from and those their "email me my cart" requests
    kept."""
    rows = []
    if order_ids:
        rows += await read_all(
            db,
            f"SELECT cart_id FROM orders WHERE id IN ({marks(order_ids)}) AND cart_id IS NOT NULL",
            order_ids,
        )
    if email:
        rows += await read_all(
            db,
            "SELECT cart_id FROM email_consents WHERE store_id = ? AND email = ?"
            " AND cart_id IS NOT NULL",
            (store_id, email),
        )
    return sorted({row[0] for row in rows})


async def cart_requests(db: Reader, store_id: int, email: str) -> list[Row]:
    """Their "email me my cart" requests (email_consents_by_email), oldest first."""
    return await read_all(
        db,
        "SELECT e.id, e.email, e.wording, e.cart_id, e.created_at,"
        " coalesce(c.name, '') AS campaign FROM email_consents e"
        " LEFT JOIN campaigns c ON c.id = e.campaign_id"
        " WHERE e.store_id = ? AND e.email = ? ORDER BY e.created_at, e.id",
        (store_id, email),
    )


async def cart_lines(db: Reader, cart_ids: Sequence[int]) -> list[Row]:
    return await read_all(
        db,
        "SELECT i.cart_id, p.name, p.variant, i.quantity FROM cart_items i"
        f" JOIN products p ON p.id = i.product_id WHERE i.cart_id IN ({marks(cart_ids)})"
        " ORDER BY i.added_at, p.name",
        cart_ids,
    )


async def checkout_answers(db: Reader, order_ids: Sequence[int]) -> list[Row]:
    """The checkout answers kept for these orders' retries (idempotency_keys_by_order)."""
    return await read_all(
        db,
        "SELECT o.number, k.created_at FROM idempotency_keys k JOIN orders o ON o.id = k.order_id"
        f" WHERE k.order_id IN ({marks(order_ids)}) ORDER BY k.created_at",
        order_ids,
    )


# ---- found by visitor id -------------------------------------------------------------------


@dataclass(frozen=True)
class EventIds:
    """The ids of some visitors' events in a store, read before an erasure's write so that
    the write changes them by id: the events table has no index by visitor, and a scan of it
    inside the write would hold every other write back. ``below`` is the highest event id
    when they were read (events are never deleted): the write finds newer ones above it."""

    visitors: frozenset[str]
    below: int
    ids: tuple[int, ...]


async def event_ids(db: Reader, store_id: int, visitor_ids: Sequence[str]) -> EventIds:
    """One pass over the table, in its own order: faster than the store's time index, whose
    every entry would need a look-up of its row (~150 ms against ~1 s at 1M events)."""
    top = await read_one(db, "SELECT coalesce(max(id), 0) FROM events")
    rows = []
    if visitor_ids:
        rows = await read_all(
            db,
            "SELECT id FROM events NOT INDEXED WHERE store_id = ?"
            f" AND visitor_id IN ({marks(visitor_ids)}) ORDER BY id",
            [store_id, *visitor_ids],
        )
    return EventIds(frozenset(visitor_ids), int(top[0]) if top else 0, tuple(r[0] for r in rows))


async def events_by_id(db: Reader, ids: Sequence[int]) -> list[Row]:
    found: list[Row] = []
    for batch in batches(ids):
        found += await read_all(
            db,
            "SELECT type, name, occurred_at, url, referrer, visitor_id, session_id, props"
            f" FROM events WHERE id IN ({marks(batch)})",
            batch,
        )
    return sorted(found, key=lambda row: row["occurred_at"])


async def offer_exposures(db: Reader, store_id: int, visitor_ids: Sequence[str]) -> list[Row]:
    return await read_all(
        db,
        "SELECT c.name AS campaign, x.arm, x.signal, x.visitor_id, x.created_at FROM exposures x"
        " JOIN campaigns c ON c.id = x.campaign_id"
        f" WHERE x.visitor_id IN ({marks(visitor_ids)}) AND c.store_id = ? ORDER BY x.created_at",
        [*visitor_ids, store_id],
    )


async def trust_exposures(db: Reader, store_id: int, visitor_ids: Sequence[str]) -> list[Row]:
    return await read_all(
        db,
        "SELECT element, arm, visitor_id, created_at FROM trust_exposures"
        " WHERE store_id = ? AND element IN ('badges', 'proof')"
        f" AND visitor_id IN ({marks(visitor_ids)}) ORDER BY created_at",
        [store_id, *visitor_ids],
    )


# A store's coupons, by visitor: those of its campaigns, and those of campaigns deleted since
# (campaign_id NULL); both by discounts_by_campaign (campaign_id, visitor_id), never a walk of
# every code and coupon of the store (which, without statistics, SQLite would choose).
COUPONS = "discounts INDEXED BY discounts_by_campaign"
COUPONS_OF_STORE = (
    "campaign_id IN (SELECT id FROM campaigns WHERE store_id = ?)",
    "campaign_id IS NULL AND store_id = ?",
)


async def coupons(db: Reader, store_id: int, visitor_ids: Sequence[str]) -> list[Row]:
    found: list[Row] = []
    for where in COUPONS_OF_STORE:
        found += await read_all(
            db,
            "SELECT code, visitor_id, times_used, created_at, expires_at,"
            " coalesce((SELECT name FROM campaigns c WHERE c.id = campaign_id), '') AS campaign"
            f" FROM {COUPONS} WHERE {where} AND visitor_id IN ({marks(visitor_ids)})",
            [store_id, *visitor_ids],
        )
    return sorted(found, key=lambda row: row["created_at"])


async def helpful_votes(db: Reader, store_id: int, visitor_ids: Sequence[str]) -> list[Row]:
    return await read_all(
        db,
        "SELECT r.public_id, p.name AS product, v.visitor_id, v.created_at FROM review_votes v"
        " JOIN reviews r ON r.id = v.review_id JOIN products p ON p.id = r.product_id"
        f" WHERE v.visitor_id IN ({marks(visitor_ids)})"
        " AND v.review_id IN (SELECT id FROM reviews WHERE store_id = ?) ORDER BY v.created_at",
        [*visitor_ids, store_id],
    )


# ---- erasing -------------------------------------------------------------------------------


async def redact_orders(
    conn: aiosqlite.Connection, kept_addresses: Mapping[int, dict[str, str]], now: int
) -> None:
    """Each order without its personal details; its address keeps only ``kept_addresses``'
    (country and region: what its tax was charged by). The trigger of migration 0015 takes
    the email and name out of the orders search with the update."""
    await conn.executemany(
        "UPDATE orders SET email = '', phone = '', shipping_name = '', shipping_address = ?,"
        " card_last4 = NULL, erased_at = ?, updated_at = ? WHERE id = ?",
        [(json.dumps(kept), now, now, order_id) for order_id, kept in kept_addresses.items()],
    )
    await conn.executemany(
        "INSERT INTO order_events (order_id, kind, note, created_at)"
        " VALUES (?, 'erased', 'At the shopper''s request', ?)",
        [(order_id, now) for order_id in kept_addresses],
    )


async def anonymise_redemptions(conn: aiosqlite.Connection, order_ids: Sequence[int]) -> int:
    cursor = await conn.execute(
        f"UPDATE discount_redemptions SET email = '' WHERE order_id IN ({marks(order_ids)})",
        order_ids,
    )
    return cursor.rowcount


async def delete_messages(conn: aiosqlite.Connection, message_ids: Sequence[int]) -> int:
    """Their messages, those waiting to go included: the outbox's sender finds nothing
    more to send them (one it is sending now finds its row gone when it records it)."""
    cursor = await conn.execute(
        f"DELETE FROM messages WHERE id IN ({marks(message_ids)})", message_ids
    )
    return cursor.rowcount


async def delete_cart_requests(conn: aiosqlite.Connection, store_id: int, email: str) -> int:
    cursor = await conn.execute(
        "DELETE FROM email_consents WHERE store_id = ? AND email = ?", (store_id, email)
    )
    return cursor.rowcount


async def delete_checkout_answers(conn: aiosqlite.Connection, order_ids: Sequence[int]) -> int:
    cursor = await conn.execute(
        f"DELETE FROM idempotency_keys WHERE order_id IN ({marks(order_ids)})", order_ids
    )
    return cursor.rowcount


async def replace_visitor_ids(
    conn: aiosqlite.Connection, store_id: int, fresh: Mapping[str, str], events: EventIds
) -> dict[str, int]:
    """Every row of the store keyed by an old visitor id (``fresh``'s keys) keyed by its new
    one instead: rows per kind. Orders follow too, whoever placed them, so a campaign's or
    the badges' results still meet each order with its exposure. Events and offer exposures
    lose their details too (``server.privacy.redacting``: its functions must be registered
    on ``conn``)."""
    old = list(fresh)
    case = "CASE visitor_id " + " ".join("WHEN ? THEN ?" for _ in old) + " END"
    new = [value for pair in fresh.items() for value in pair]
    among = f"visitor_id IN ({marks(old)})"

    async def update(table: str, where: str, params: Sequence[Any], also: str = "") -> int:
        sql = f"UPDATE {table} SET visitor_id = {case}{also} WHERE {where} AND {among}"
        cursor = await conn.execute(sql, [*new, *params, *old])
        return cursor.rowcount

    counts = {
        "events": await _replace_in_events(update, store_id, old, events),
        "offer_exposures": await update(
            "exposures", "campaign_id IN (SELECT id FROM campaigns WHERE store_id = ?)",
            [store_id], ", session_id = erased_visit(session_id)",
        ),
        "trust_exposures": await update(
            "trust_exposures", "store_id = ? AND element IN ('badges', 'proof')", [store_id]
        ),
        "coupons_claimed": sum(
            [await update(COUPONS, where, [store_id]) for where in COUPONS_OF_STORE]
        ),
        "helpful_votes": await update(
            "review_votes", "review_id IN (SELECT id FROM reviews WHERE store_id = ?)",
            [store_id],
        ),
    }  # fmt: skip
    await update("orders", "store_id = ?", [store_id])
    return counts


# By rowid (ids, or a range above the ids read), else a scan: never the store's time index,
# which would visit every event of the store and look each one's row up.
_EVENTS = "events NOT INDEXED"
# What else an erased event loses (server.privacy.redacting's SQL functions).
_EVENT_DETAILS = (
    ", url = erased_url(url), referrer = erased_url(referrer),"
    " session_id = erased_visit(session_id), props = erased_props(type, props)"
)
Update = Callable[[str, str, Sequence[Any], str], Awaitable[int]]


async def _replace_in_events(
    update: Update, store_id: int, old: list[str], events: EventIds
) -> int:
    """By the ids read before the write, then any newer than them; a visitor id found only
    inside the write (an order placed meanwhile) is looked for in a scan."""
    done = 0
    for batch in batches(events.ids):
        done += await update(_EVENTS, f"id IN ({marks(batch)})", batch, _EVENT_DETAILS)
    done += await update(
        _EVENTS, "id > ? AND store_id = ?", [events.below, store_id], _EVENT_DETAILS
    )
    unread = [visitor for visitor in old if visitor not in events.visitors]
    if unread:
        done += await update(
            _EVENTS,
            f"id <= ? AND store_id = ? AND visitor_id IN ({marks(unread)})",
            [events.below, store_id, *unread],
            _EVENT_DETAILS,
        )
    return done


async def record_erasure(
    conn: aiosqlite.Connection, store_id: int, user_id: int, counts: Mapping[str, int], now: int
) -> int:
    cursor = await conn.execute(
        "INSERT INTO shopper_erasures (store_id, user_id, counts, created_at) VALUES (?, ?, ?, ?)",
        (store_id, user_id, json.dumps(dict(counts)), now),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


_ERASURES = (
    "SELECT e.id, e.counts, e.created_at, u.email FROM shopper_erasures e"
    " LEFT JOIN users u ON u.id = e.user_id WHERE e.store_id = ?"
)


async def erasures(db: Reader, store_id: int, limit: int) -> list[Erasure]:
    """The store's erasures, newest first (shopper_erasures_by_store)."""
    rows = await read_all(db, _ERASURES + " ORDER BY e.id DESC LIMIT ?", (store_id, limit))
    return [_erasure(row) for row in rows]


async def erasure(db: Reader, store_id: int, erasure_id: int) -> Erasure | None:
    row = await read_one(db, _ERASURES + " AND e.id = ?", (store_id, erasure_id))
    return None if row is None else _erasure(row)


def _erasure(row: Row) -> Erasure:
    return Erasure(row["id"], counted(json.loads(row["counts"])), row["created_at"], row["email"])
