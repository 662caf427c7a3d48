"""SQL for recovery's results (the abandoned checkouts and the reminders counted, the
recovered checkouts, the unsubscribes) and for the attribution an order's write makes (the
checkouts it recovers, marked by id). Writes take the connection of the caller's write
transaction; reads take the Database (or that connection)."""

from __future__ import annotations

from typing import Any

import aiosqlite

from server.db import Reader, read_all, read_one

# ---- results ------------------------------------------------------------------------------


# Orders counted as sales, as the overview counts them.
_COUNTED = "('paid', 'fulfilled')"

# Counted here, not row by row in Python: a grown store has tens of thousands of abandoned
# checkouts and reminders, and only the recovered checkouts need crediting one by one.
CHECKOUTS_BY_GROUP = (
    "SELECT holdout, count(*) AS checkouts FROM checkout_contacts"
    " WHERE store_id = ? AND abandoned_at IS NOT NULL GROUP BY holdout"
)

# An order recovers a checkout while paid or fulfilled and within the attribution window;
# its last reminder is the latest written by the order's time (the later step on a tie).
RECOVERED_CHECKOUTS = (
    "SELECT k.id, k.holdout, k.abandoned_at, o.id AS order_id, o.total AS recovered_total,"
    " (SELECT s.step FROM recovery_steps s WHERE s.contact_id = k.id"
    "  AND s.written_at <= o.created_at ORDER BY s.written_at DESC, s.step DESC LIMIT 1)"
    " AS last_step"
    " FROM checkout_contacts k JOIN orders o ON o.id = k.recovered_order_id"
    f" AND o.status IN {_COUNTED} AND o.created_at < k.abandoned_at + ?"
    " WHERE k.store_id = ? AND k.abandoned_at IS NOT NULL AND k.recovered_order_id IS NOT NULL"
)

# Delivered: kept on the step (the outbox prunes its messages), else its message's state; the
# message is looked up only for the few steps whose row does not say.
STEP_COUNTS = (
    "SELECT s.step, count(*) AS written,"
    " count(CASE WHEN s.delivered_at IS NOT NULL THEN 1"
    "  WHEN (SELECT m.state FROM messages m WHERE m.public_id = s.message_public_id) = 'sent'"
    "  THEN 1 END) AS delivered,"
    " count(CASE WHEN s.clicks > 0 THEN 1 END) AS clicked, sum(s.clicks) AS clicks"
    " FROM checkout_contacts k JOIN recovery_steps s ON s.contact_id = k.id"
    " WHERE k.store_id = ? GROUP BY s.step"
)


async def checkouts_by_group(db: Reader, store_id: int) -> dict[bool, int]:
    """The store's abandoned checkouts: how many in the holdout (True) and reminded."""
    rows = await read_all(db, CHECKOUTS_BY_GROUP, (store_id,))
    return {bool(row["holdout"]): row["checkouts"] for row in rows}


async def recovered_checkouts(db: Reader, store_id: int, attribution_ms: int) -> list[Any]:
    """The abandoned checkouts an order recovered, written in that order's write
    (``mark_recovered``), if it is paid or fulfilled and within ``attribution_ms``: (id,
    holdout, abandoned_at, order_id, recovered_total, and last_step: the reminder written
    last by the order's time, or NULL). Read by id, never by email, which
    the retention clears. An order can recover several checkouts here; ``results`` credits it
    to one."""
    return await read_all(db, RECOVERED_CHECKOUTS, (attribution_ms, store_id))


async def step_counts(db: Reader, store_id: int) -> list[Any]:
    """Per step, the store's reminders: written, delivered, clicked (opened at least once)
    and their clicks."""
    return await read_all(db, STEP_COUNTS, (store_id,))


async def unsubscribes_by_step(db: Reader, store_id: int) -> dict[int, int]:
    rows = await read_all(
        db,
        "SELECT step, count(*) AS n FROM email_suppressions WHERE store_id = ?"
        " AND step IS NOT NULL GROUP BY step",
        (store_id,),
    )
    return {row["step"]: row["n"] for row in rows}


# ---- attribution -------------------------------------------------------------------------


async def store_currency(conn: Reader, store_id: int) -> str:
    row = await read_one(conn, "SELECT currency FROM stores WHERE id = ?", (store_id,))
    assert row is not None  # the caller's write has its store
    return row["currency"]


async def order_for_attribution(conn: Reader, order_id: int) -> Any:
    row = await read_one(
        conn,
        "SELECT public_id, number, cart_id, email, currency, total FROM orders WHERE id = ?",
        (order_id,),
    )
    assert row is not None  # the caller's write has just written it
    return row


async def recoverable_by(
    conn: Reader, store_id: int, cart_id: int | None, email: str, after: int, until: int
) -> list[Any]:
    """The abandoned checkouts of the store, not yet recovered, abandoned in (after, until],
    of the cart, of a cart whose link built it, or of the email (three indexed look-ups):
    (id, cart_public_id, abandoned_at, holdout, last_step: the latest reminder written by
    ``until``, or NULL)."""
    return await read_all(
        conn,
        "SELECT k.id, c.public_id AS cart_public_id, k.abandoned_at, k.holdout,"
        " (SELECT max(s.step) FROM recovery_steps s WHERE s.contact_id = k.id"
        "  AND s.written_at <= ?) AS last_step"
        " FROM checkout_contacts k JOIN carts c ON c.id = k.cart_id"
        " WHERE k.id IN (SELECT id FROM checkout_contacts WHERE cart_id = ?"
        "  UNION SELECT contact_id FROM recovered_carts WHERE cart_id = ?"
        "  UNION SELECT id FROM checkout_contacts WHERE store_id = ? AND email = ?)"
        " AND k.store_id = ? AND k.recovered_at IS NULL AND k.abandoned_at > ?"
        " AND k.abandoned_at <= ? ORDER BY k.id",
        (until, cart_id, cart_id, store_id, email, store_id, after, until),
    )


async def mark_recovered(
    conn: aiosqlite.Connection, contact_id: int, order_id: int, now: int
) -> None:
    await conn.execute(
        "UPDATE checkout_contacts SET recovered_at = ?, recovered_order_id = ? WHERE id = ?",
        (now, order_id, contact_id),
    )
