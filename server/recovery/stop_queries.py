"""SQL for what stops a recovery sequence (``stop_reason``: an order of the cart, of a cart
its link rebuilt or of the email; an emptied cart; an unsubscribe) and the stop an order's
own write makes (``stop_for_order``). Writes take the connection of the caller's write
transaction; reads take the Database (or that connection)."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from server.db import Reader, read_all, read_one
from server.messages.suppression import is_suppressed
from server.recovery.model import (
    EMPTIED,
    FORGOTTEN,
    ORDERED,
    SUPPRESSED_BECAUSE,
    SWITCHED_OFF,
    UNSUBSCRIBED,
    RecoverySettings,
)
from server.recovery.queries import Contact
from server.security import Signer

# ---- what stops a sequence ----------------------------------------------------------------


async def recovered_cart_ids(conn: Reader, contact_id: int) -> list[int]:
    rows = await read_all(
        conn, "SELECT cart_id FROM recovered_carts WHERE contact_id = ?", (contact_id,)
    )
    return [row["cart_id"] for row in rows]


async def order_since(
    conn: Reader, store_id: int, cart_ids: Sequence[int], email: str | None, since: int
) -> int | None:
    """The first order of the store since ``since`` for one of the carts or the email (any
    device), by id; None when there is none."""
    marks = ", ".join("?" * len(cart_ids)) or "NULL"
    # The carts' orders and the email's, each by its index (not the store's orders since
    # ``since``, which grow with the checkout's age).
    row = await read_one(
        conn,
        "SELECT id FROM orders WHERE +store_id = ? AND created_at >= ? AND id IN"
        f" (SELECT id FROM orders WHERE cart_id IN ({marks})"
        "  UNION SELECT id FROM orders WHERE store_id = ? AND email = ?)"
        " ORDER BY created_at, id LIMIT 1",
        (store_id, since, *cart_ids, store_id, email),  # no email (a phone): NULL matches none
    )
    return None if row is None else row["id"]


async def item_count(conn: Reader, cart_id: int) -> int:
    row = await read_one(conn, "SELECT count(*) AS n FROM cart_items WHERE cart_id = ?", (cart_id,))
    return int(row["n"]) if row else 0


async def stop_reason(
    conn: Reader, contact: Contact, settings: RecoverySettings, signer: Signer | None
) -> str | None:
    """Why the contact's reminders are to stop now (model.STOP_REASONS), or None: asked when
    a step falls due and again when its email is sent, which can be hours later (a retry).
    ``signer``: the app's, so an erased shopper's opt-out (a keyed hash) is found too."""
    if contact.email is None and contact.phone is None:
        return FORGOTTEN
    carts = [contact.cart_id, *await recovered_cart_ids(conn, contact.id)]
    ordered = contact.cart_status == "ordered" or await order_since(
        conn, contact.store_id, carts, contact.email, contact.created_at
    )
    if ordered:
        return ORDERED
    if settings.mode == "off":
        return SWITCHED_OFF
    if await item_count(conn, contact.cart_id) == 0:
        return EMPTIED
    if contact.email and await is_suppressed(conn, contact.store_id, contact.email, signer):
        return UNSUBSCRIBED
    return None


async def ordered_from(conn: Reader, source_cart_id: int) -> bool:
    """Whether the cart, or a cart a link rebuilt from it, was ordered."""
    row = await read_one(
        conn,
        "SELECT 1 FROM carts WHERE status = 'ordered' AND (id = ? OR id IN"
        " (SELECT cart_id FROM recovered_carts WHERE source_cart_id = ?)) LIMIT 1",
        (source_cart_id, source_cart_id),
    )
    return row is not None


async def stop_for_order(
    conn: aiosqlite.Connection, store_id: int, cart_id: int, email: str, now: int
) -> None:
    """In an order's own write: the reminders queued for its cart, the cart a link rebuilt it
    from, or its email end suppressed, and those contacts' sequences stop (ordered)."""
    # Each row found by one index look-up per way it can match (an OR of them would read
    # every contact of the store, kept for the results: this runs in every order's write);
    # "+store_id" keeps the planner from reading the store's rows by that column instead.
    carts = "(?, (SELECT source_cart_id FROM recovered_carts WHERE cart_id = ?))"
    await conn.execute(
        "UPDATE messages SET state = 'suppressed', last_error = ?, updated_at = ?"
        " WHERE kind = 'recovery' AND state = 'queued' AND +store_id = ? AND id IN"
        " (SELECT id FROM messages WHERE store_id = ? AND recipient = ?"
        f" UNION SELECT id FROM messages WHERE cart_id IN {carts} AND kind = 'recovery')",
        (SUPPRESSED_BECAUSE[ORDERED], now, store_id, store_id, email, cart_id, cart_id),
    )
    await conn.execute(
        "UPDATE checkout_contacts SET next_due_at = NULL, stopped_at = ?, stop_reason = ?,"
        " updated_at = ? WHERE +store_id = ? AND next_due_at IS NOT NULL AND id IN"
        " (SELECT id FROM checkout_contacts WHERE store_id = ? AND email = ?"
        f" UNION SELECT id FROM checkout_contacts WHERE cart_id IN {carts})",
        (now, ORDERED, now, store_id, store_id, email, cart_id, cart_id),
    )
