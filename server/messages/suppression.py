"""A store's suppression list: addresses that asked for no more marketing from it (a
reminder's unsubscribe link). Every marketing kind (``Kind.marketing``) is checked against
it when it is written and again when it is sent, so an unsubscribe between the two still
stops it; an order's emails are transactional and still go."""

from __future__ import annotations

import aiosqlite

from server.db import Reader, read_one

UNSUBSCRIBED = "unsubscribed"
SUPPRESSED_REASON = "Not sent: the address unsubscribed from this store's reminders."


async def is_suppressed(db: Reader, store_id: int, email: str) -> bool:
    row = await read_one(
        db,
        "SELECT 1 FROM email_suppressions WHERE store_id = ? AND email = ?",
        (store_id, email.lower()),
    )
    return row is not None


async def suppress(
    conn: aiosqlite.Connection, store_id: int, email: str, reason: str, now: int, *,
    step: int | None = None,
) -> bool:  # fmt: skip
    """Add ``email`` to the store's list; False when it was on it already (the first
    unsubscribe is the one counted)."""
    cursor = await conn.execute(
        "INSERT INTO email_suppressions (store_id, email, reason, step, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (store_id, email) DO NOTHING",
        (store_id, email.lower(), reason, step, now),
    )
    return cursor.rowcount == 1
