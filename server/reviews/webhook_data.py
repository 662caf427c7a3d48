"""The merchant's ``review.created`` webhook: a review a buyer published through their link,
as its payload carries it (schema: README.md, "Webhooks"). What the review shows in public
and no more: the display name the buyer chose to publish under, never their email."""

from __future__ import annotations

import aiosqlite

from server.db import read_one
from server.reviews.model import Review
from server.webhooks.emitting import emit, iso_time
from server.webhooks.queries import subscribed

EVENT = "review.created"


async def emit_created(conn: aiosqlite.Connection, review: Review, now: int) -> None:
    """The event, in the publishing write, when an endpoint wants it."""
    if not await subscribed(conn, review.store_id, EVENT):
        return
    order = None
    if review.order_id is not None:
        order = await read_one(
            conn, "SELECT public_id FROM orders WHERE id = ?", (review.order_id,)
        )
    data = {
        "review_id": review.public_id,
        "product": {"sku": review.sku, "name": review.product_name},
        "order_id": order["public_id"] if order else None,
        "verified_buyer": review.verified,
        "rating": review.rating,
        "title": review.title,
        "body": review.body,
        "display_name": review.name,
        "status": review.status,
        "created_at": iso_time(review.created_at),
    }
    await emit(conn, review.store_id, EVENT, data, now)
