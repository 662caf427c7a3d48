"""Exposures past their use pruned.

An exposure recorded before its element's measurement restarted (``TrustSettings.since``: the
holdout share changed) is never counted again: the results read from ``since`` on, and a
returning visitor's row is replaced by their new one. Nothing else would ever delete it, so the
server's maintenance (server/app.py, beside the idempotency keys' pruning) deletes these rows,
``PRUNE_BATCH`` per write transaction so that checkouts and events go on between batches. A
measurement that is running keeps every row since it began: they are its data.
"""

from __future__ import annotations

import aiosqlite

from server.db import Database
from server.trust import queries

PRUNE_BATCH = 500


async def prune_stale_exposures(db: Database) -> int:
    """Delete every exposure from before its element's measurement began; how many went."""

    async def batch(conn: aiosqlite.Connection) -> int:
        return await queries.delete_stale_exposures(conn, PRUNE_BATCH)

    return await db.write_in_batches(batch, PRUNE_BATCH)
