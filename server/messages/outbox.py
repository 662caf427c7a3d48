"""Putting a message in the outbox: inside the transaction of the change that causes it, so a
change that rolls back leaves no message, and a change that commits always has its own."""

from __future__ import annotations

from typing import Any

import aiosqlite

from server.messages import queries
from server.messages.model import KINDS


async def enqueue(
    conn: aiosqlite.Connection, store_id: int, kind: str, recipient: str, now: int, *,
    order_id: int | None = None, cart_id: int | None = None,
    inputs: dict[str, Any] | None = None, due: int | None = None,
    deferred_reason: str | None = None, suppressed: str | None = None,
) -> str | None:  # fmt: skip
    """Queue a ``kind`` message to ``recipient``, due at ``due`` (default: at once; later
    for ``deferred_reason``, when a rule moved it; written suppressed, saying why, when a rule
    stopped it: ``suppressed``), in the caller's write transaction.
    Returns its public id; None when the store has switched the kind off, or when the order
    already has this message (``messages_once_per_order``)."""
    channel = KINDS[kind].channel  # an unknown kind is a bug: KeyError
    if not await queries.kind_enabled(conn, store_id, kind):
        return None
    return await queries.insert_message(
        conn, store_id=store_id, channel=channel, kind=kind, recipient=recipient,
        inputs=inputs or {}, now=now, order_id=order_id, cart_id=cart_id, due=due,
        deferred_reason=deferred_reason, suppressed=suppressed,
    )  # fmt: skip
