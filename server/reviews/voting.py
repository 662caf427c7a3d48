"""A visitor finding a review helpful. "Most helpful" sorts by these votes, so they must not
be stuffed: a vote counts once per review for a visitor id AND once per review for a client
address (kept only as a keyed hash, ``server.security.Signer.keyed_hash``; an IPv6 client
counts as its /64, which one host rotates its addresses within), and an address has a daily
cap across the store's reviews; an IPv6 client's /48 (a site's prefix, which one person can
hold whole, and with it 65,536 /64s) has a second, higher one. The vote and the review's
count are one transaction.

Past a daily cap the answer is 429 ``daily_vote_limit``, apart from the per-minute limiter's
``rate_limited``: the widget says "today's limit" for the one and "try again" for the other."""

from __future__ import annotations

import aiosqlite

from server.errors import NotFound, RateLimited
from server.reviews import queries, vote_queries
from server.reviews.model import PUBLISHED

VOTES_PER_ADDRESS_PER_DAY = 50  # one shopper reads and marks far fewer reviews in a day
VOTES_PER_NETWORK_PER_DAY = 200  # an IPv6 /48: an office or a household, several shoppers
DAY_MS = 86_400_000


class DailyVotesSpent(RateLimited):
    code = "daily_vote_limit"


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
    since = now - DAY_MS
    by_address = await vote_queries.recent_votes(
        conn, voter, since=since, limit=VOTES_PER_ADDRESS_PER_DAY
    )
    _within_daily_cap(by_address, VOTES_PER_ADDRESS_PER_DAY, now)
    by_network = await vote_queries.recent_network_votes(
        conn, voter, since=since, limit=VOTES_PER_NETWORK_PER_DAY
    )
    _within_daily_cap(by_network, VOTES_PER_NETWORK_PER_DAY, now)
    counted = await vote_queries.add_vote(conn, review.id, voter, now)
    return await vote_queries.helpful_count(conn, review.id), counted


def _within_daily_cap(recent: list[int], cap: int, now: int) -> None:
    """``recent``: when the day's votes (newest first, ``cap`` at most) were cast."""
    if len(recent) >= cap:
        frees_at = recent[-1] + DAY_MS  # the oldest of the day's votes leaves the window
        raise DailyVotesSpent(
            "This connection has marked as many reviews helpful as it may in a day.",
            retry_after=-(-(frees_at - now) // 1000),
        )
