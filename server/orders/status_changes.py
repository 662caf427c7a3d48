"""The merchant moving an order along (paid, fulfilled, refunded): the change and its entry
in the order's history are one transaction."""

from __future__ import annotations

import aiosqlite

from server.errors import NotFound
from server.orders import queries
from server.orders.service import StatusAction, check_transition


async def apply_action(
    conn: aiosqlite.Connection,
    store_id: int,
    number: int,
    action: StatusAction,
    note: str,
    now: int,
) -> str:
    """Check the transition against the status as it is now, inside the write lock."""
    found = await queries.current_status(conn, store_id, number)
    if found is None:
        raise NotFound("There is no such order.")
    order_id, status = found
    new_status = check_transition(action, status)
    await queries.record_status(conn, order_id, new_status, note, now)
    return new_status
