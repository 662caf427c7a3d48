"""A visitor finding a review helpful: one vote per visitor id and review, counted on the
review in the same transaction."""

from __future__ import annotations

import aiosqlite

from server.errors import NotFound
from server.reviews import queries
from server.reviews.model import PUBLISHED


async def vote_helpful(
    conn: aiosqlite.Connection, store_id: int, public_id: str, visitor: str, now: int
) -> tuple[int, bool]:
    """(the review's helpful count, whether this vote counted); a review that is hidden, or
    not the store's, is not there (404)."""
    review = await queries.find_review(conn, store_id, public_id)
    if review is None or review.status != PUBLISHED:
        raise NotFound("There is no such review.", code="review_not_found")
    counted = await queries.add_vote(conn, review.id, visitor, now)
    return await queries.helpful_count(conn, review.id), counted
