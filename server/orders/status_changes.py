"""The merchant moving an order along (paid, fulfilled, refunded): the change, its entry in
the order's history, the email it sends (the shipping email) and the merchant's webhooks
(order.paid, order.fulfilled) are one transaction."""

from __future__ import annotations

import aiosqlite

from server.errors import NotFound
from server.messages.outbox import enqueue
from server.orders import queries
from server.orders.service import StatusAction, check_transition
from server.webhooks.payloads import emit_order_event

WEBHOOKS = {"paid": "order.paid", "fulfilled": "order.fulfilled"}


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
    if new_status == "fulfilled":  # the shopper hears of it, unless the store said not to
        email = await queries.email_of(conn, order_id)
        if email:  # an order whose personal details were erased has none
            await enqueue(conn, store_id, "order_shipped", email, now, order_id=order_id)
    if new_status in WEBHOOKS:
        await emit_order_event(conn, store_id, order_id, WEBHOOKS[new_status], now)
    return new_status
