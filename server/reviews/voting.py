"""A visitor finding a review helpful. "Most helpful" sorts by these votes, so they must not
be stuffed: a vote counts once per review for a visitor id AND once per review for a client
address (kept only as a keyed hash, ``server.security.Signer.keyed_hash``; an IPv6 client
counts as its /64, which one host rotates its addresses within), and an address has a daily
cap across the store's reviews. The vote and the review's count are one
transaction."""

from __future__ import annotations

import aiosqlite

from server.errors import NotFound, RateLimited
from server.reviews import queries, vote_queries
from server.reviews.model import PUBLISHED

VOTES_PER_ADDRESS_PER_DAY = 50  # one shopper reads and marks far fewer reviews in a day
DAY_MS = 86_400_000


async def vote_helpful(
    conn: aiosqlite.Connection, store_id: int, public_id: str, voter: vote_queries.Voter, now: int
) -> tuple[int, bool]:
    """(the review's helpful count, whether this vote counted); a review that is hidden, or
    not the store's, is not there (404); an address past its daily cap is refused (429)."""
    review = await queries.find_review(conn, store_id, public_id)
    if review is None or review.status != PUBLISHED:
        raise NotFound("There is no such review.", code="review_not_found")
    if await vote_queries.has_voted(conn, review.id, voter):
        return review.helpful, False
    recent = await vote_queries.recent_votes(
        conn, voter, since=now - DAY_MS, limit=VOTES_PER_ADDRESS_PER_DAY
    )
    if len(recent) >= VOTES_PER_ADDRESS_PER_DAY:
        frees_at = recent[-1] + DAY_MS  # the oldest of the day's votes leaves the window
        raise RateLimited(
            "This connection has marked as many reviews helpful as it may in a day.",
            retry_after=-(-(frees_at - now) // 1000),
        )
    counted = await vote_queries.add_vote(conn, review.id, voter, now)
    return await vote_queries.helpful_count(conn, review.id), counted
