"""SQL for the carts a recovery link rebuilt: the rebuilt cart's row, the claims exchanged
once, the notices it has to show its shopper; and the public id of the cart a link is for.
Writes take the connection of the caller's write transaction; reads take the Database (or
that connection)."""

from __future__ import annotations

import json

import aiosqlite

from server.db import Reader, read_one

# ---- rebuilt carts ------------------------------------------------------------------------


async def insert_recovered_cart(
    conn: aiosqlite.Connection, *, cart_id: int, store_id: int, source_cart_id: int,
    contact_id: int | None, step: int | None, notices: list[str], claim: str, now: int,
) -> None:  # fmt: skip
    """``created_at`` is when the claim was exchanged; ``claim`` (unique) makes it once."""
    await conn.execute(
        "INSERT INTO recovered_carts (cart_id, store_id, source_cart_id, contact_id, step,"
        " notices, claim, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (cart_id, store_id, source_cart_id, contact_id, step, json.dumps(notices), claim, now),
    )


async def use_claim(conn: aiosqlite.Connection, claim: str, now: int, max_age_ms: int) -> bool:
    """True the first time the claim is exchanged; the claims too old to be read go."""
    await conn.execute("DELETE FROM recovery_claims_used WHERE used_at < ?", (now - max_age_ms,))
    cursor = await conn.execute(
        "INSERT INTO recovery_claims_used (claim, used_at) VALUES (?, ?)"
        " ON CONFLICT (claim) DO NOTHING",
        (claim, now),
    )
    return cursor.rowcount == 1


async def rebuilt_from(conn: Reader, cart_id: int) -> int | None:
    """The cart a link rebuilt this one from, if any."""
    row = await read_one(
        conn, "SELECT source_cart_id FROM recovered_carts WHERE cart_id = ?", (cart_id,)
    )
    return None if row is None else row["source_cart_id"]


async def pending_notices(conn: Reader, cart_id: int) -> list[str]:
    """What a rebuilt cart has not yet told its shopper (one read by the cart's key)."""
    row = await read_one(
        conn,
        "SELECT notices FROM recovered_carts WHERE cart_id = ? AND notices_shown = 0"
        " AND notices != '[]'",
        (cart_id,),
    )
    if row is None:
        return []
    notices = json.loads(row["notices"])
    return [str(notice) for notice in notices] if isinstance(notices, list) else []


async def mark_notices_shown(conn: aiosqlite.Connection, cart_id: int) -> bool:
    """True for the one request that shows them."""
    cursor = await conn.execute(
        "UPDATE recovered_carts SET notices_shown = 1 WHERE cart_id = ? AND notices_shown = 0",
        (cart_id,),
    )
    return cursor.rowcount == 1


async def cart_public_id(conn: Reader, cart_id: int) -> str | None:
    row = await read_one(conn, "SELECT public_id FROM carts WHERE id = ?", (cart_id,))
    return None if row is None else row["public_id"]
