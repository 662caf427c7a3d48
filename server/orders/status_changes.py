"""The merchant moving an order along (paid, fulfilled, refunded): the change, its entry in
the order's history, the emails it sends (the shipping email now, the review request and
its reminder days later) and the merchant's webhooks (order.paid, order.fulfilled) are one
transaction."""

from __future__ import annotations

import aiosqlite

from server.errors import NotFound
from server.messages import queries as message_queries
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
            await schedule_review_requests(conn, store_id, order_id, email, now)
    if new_status in WEBHOOKS:
        await emit_order_event(conn, store_id, order_id, WEBHOOKS[new_status], now)
    return new_status


DAY_MS = 86_400_000


async def schedule_review_requests(
    conn: aiosqlite.Connection, store_id: int, order_id: int, email: str, now: int
) -> None:
    """The review request, due the store's number of days after fulfilment, and its one
    reminder after that, each if the store sends it. Queued now with their due times, they
    survive restarts like any message; whether they still have something to ask is decided
    when they are due (``server.reviews.requests``)."""
    settings = await message_queries.email_settings(conn, store_id)
    request_due = now + settings.review_request_days * DAY_MS
    await enqueue(conn, store_id, "review_request", email, now, order_id=order_id,
                  due=request_due)  # fmt: skip
    if settings.review_reminder_days:
        reminder_due = request_due + settings.review_reminder_days * DAY_MS
        await enqueue(conn, store_id, "review_reminder", email, now, order_id=order_id,
                      due=reminder_due)  # fmt: skip
