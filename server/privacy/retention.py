"""How long a checkout contact keeps the shopper's details once its sequence ended (finished,
stopped, or held out): ``CONTACT_DAYS``, as long as its last reminder's link works and an
order can still be credited to it by that email (``server.recovery.model.LINK_DAYS``), and
no longer. The row then stays, cleared, for the recovery results (``recovery.clear_contacts``).
Run by the hourly maintenance."""

from __future__ import annotations

import functools

import aiosqlite

from server.db import Database, read_all
from server.privacy.recovery import HOLDS_DETAILS, clear_contacts
from server.recovery.model import HOUR_MS, LINK_DAYS
from server.security import Signer

CONTACT_DAYS = LINK_DAYS
_BATCH = 500  # contacts cleared per transaction: other writes go on between batches
# By the index of migration 0031 (its expression and condition, word for word).
_ENDED = (
    "SELECT id FROM checkout_contacts INDEXED BY checkout_contacts_ended"
    f" WHERE next_due_at IS NULL AND {HOLDS_DETAILS}"
    " AND coalesce(stopped_at, abandoned_at, updated_at) <= ? LIMIT ?"
)


async def clear_ended_contacts(db: Database, signer: Signer, now: int) -> int:
    """Clear the details of contacts whose sequence ended ``CONTACT_DAYS`` or more before
    ``now``, a batch per write; how many. Each reminder keeps its address's keyed hash
    (``signer``'s) for its unsubscribe link."""
    before = now - CONTACT_DAYS * 24 * HOUR_MS
    batch = functools.partial(_clear_batch, signer=signer, before=before, now=now)
    return await db.write_in_batches(batch, _BATCH)


async def _clear_batch(conn: aiosqlite.Connection, signer: Signer, before: int, now: int) -> int:
    rows = await read_all(conn, _ENDED, (before, _BATCH))
    return await clear_contacts(conn, signer, [row[0] for row in rows], now)
