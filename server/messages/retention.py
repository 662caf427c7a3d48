"""How long the outbox keeps a message once it is done with it (sent, failed, suppressed or
unsent): long enough for a merchant to answer "did my confirmation go out?", and no longer,
as each holds a shopper's address."""

from __future__ import annotations

import functools

from server.db import Database
from server.messages.queries import prune_final

RETENTION_DAYS = 90
_BATCH = 2_000  # rows deleted per transaction: other writes go on between batches


async def prune_old_messages(db: Database, now: int) -> int:
    """Delete finished messages created more than ``RETENTION_DAYS`` before ``now``."""
    before = now - RETENTION_DAYS * 86_400_000
    batch = functools.partial(prune_final, before=before, limit=_BATCH)
    return await db.write_in_batches(batch, _BATCH)
