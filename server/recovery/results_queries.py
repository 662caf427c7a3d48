"""SQL for recovery's results (the abandoned checkouts, the reminders written, the
unsubscribes) and for the attribution an order's write makes (the checkouts it recovers,
marked by id). Writes take the connection of the caller's write transaction; reads take the
Database (or that connection)."""

from __future__ import annotations

from typing import Any

import aiosqlite

from server.db import Reader, read_all, read_one

# ---- results ------------------------------------------------------------------------------


# Orders counted as sales, as the overview counts them.
_COUNTED = "('paid', 'fulfilled')"


async def abandoned_checkouts(db: Reader, store_id: int, attribution_ms: int) -> list[Any]:
    """Every abandoned checkout of the store: (id, holdout, abandoned_at, and the order that
    recovered it, written in that order's write (``mark_recovered``), if it is paid or
    fulfilled and within ``attribution_ms``: order id, total and time, else NULL). Read by
    id, never by email, which the retention clears. An order can recover several checkouts
    here; ``results`` credits it to one."""
    return await read_all(
        db,
        "SELECT k.id, k.holdout, k.abandoned_at, o.id AS order_id, o.total AS recovered_total,"
        " o.created_at AS recovered_at FROM checkout_contacts k LEFT JOIN orders o"
        f" ON o.id = k.recovered_order_id AND o.status IN {_COUNTED}"
        " AND o.created_at < k.abandoned_at + ?"
        " WHERE k.store_id = ? AND k.abandoned_at IS NOT NULL",
        (attribution_ms, store_id),
    )


async def steps_written(db: Reader, store_id: int) -> list[Any]:
    """Every reminder written in the store: its contact, step, when, clicks, and whether it
    was delivered (kept on the step: the outbox prunes its messages)."""
    return await read_all(
        db,
        "SELECT s.contact_id, s.step, s.written_at, s.clicks,"
        " (s.delivered_at IS NOT NULL OR m.state = 'sent') AS delivered FROM recovery_steps s"
        " JOIN checkout_contacts k ON k.id = s.contact_id"
        " LEFT JOIN messages m ON m.public_id = s.message_public_id WHERE k.store_id = ?",
        (store_id,),
    )


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
