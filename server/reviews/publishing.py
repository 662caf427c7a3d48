"""A buyer publishing the review of an order line through its link: the review and its
entry in the moderation log are one transaction, and the line's one review is decided inside
it, so a double submit makes one review."""

from __future__ import annotations

import aiosqlite

from server.errors import Conflict, NotFound
from server.reviews import queries, reveal_queries, webhook_data
from server.reviews.links import LineKey
from server.reviews.model import ORDER, Review, ReviewInput
from server.reviews.revealing import publish_note
from server.reviews.service import may_review


class AlreadyReviewed(Conflict):
    """The line has its review already (``review``): one review per order line."""

    code = "already_reviewed"

    def __init__(self, review: Review):
        super().__init__("This item has been reviewed already.")
        self.review = review


class NotReviewable(Conflict):
    """The line's order is not (or no longer) fulfilled: shipped orders only."""

    code = "not_reviewable"

    def __init__(self) -> None:
        super().__init__("This order can be reviewed once it has shipped.")


async def publish_review(
    conn: aiosqlite.Connection, key: LineKey, review: ReviewInput, now: int
) -> Review:
    """Publish ``review`` for the line, at once, as every review is; checked as the line is
    now, inside the write lock."""
    line = await queries.find_line(conn, key)
    if line is None:
        raise NotFound("There is no such order line.")
    if line.review is not None:
        raise AlreadyReviewed(line.review)
    if not may_review(line.order_status, line.payment_method):
        raise NotReviewable()
    review_id = await queries.insert_review(
        conn,
        store_id=line.store_id,
        product_id=line.product_id,
        source=ORDER,
        order_id=line.order_id,
        review=review,
        created_at=now,
    )
    # Whoever had the link shown in the admin (itself, or the receipt link that carries it)
    # could have written this: the log says so.
    reveals = await reveal_queries.reveals_of_line(conn, line.order_id, line.product_id)
    await queries.log_decision(
        conn, review_id=review_id, store_id=line.store_id, action="publish", user_id=None,
        now=now, detail=publish_note(reveals),
    )  # fmt: skip
    published = await queries.find_review_by_id(conn, review_id)
    assert published is not None
    await webhook_data.emit_created(conn, published, now)
    return published
