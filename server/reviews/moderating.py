"""The merchant's moderation: hide (for a reason from the fixed list only), show again, and
reply in public (write, edit, remove). Each change and its entry in the moderation log are
one transaction; a change that changes nothing (a second click) logs nothing."""

from __future__ import annotations

import aiosqlite

from server.errors import NotFound
from server.reviews import queries
from server.reviews.model import HIDDEN, PUBLISHED, Review


async def _review(conn: aiosqlite.Connection, store_id: int, public_id: str) -> Review:
    review = await queries.find_review(conn, store_id, public_id)
    if review is None:
        raise NotFound("There is no such review.")
    return review


async def hide_review(
    conn: aiosqlite.Connection, store_id: int, public_id: str, reason: str, user_id: int, now: int
) -> None:
    """``reason`` is one of HIDE_REASONS (``service.parse_hide_reason`` checked it; the
    database's CHECK refuses any other)."""
    review = await _review(conn, store_id, public_id)
    if review.status == HIDDEN and review.hidden_reason == reason:
        return
    await queries.set_status(conn, review.id, HIDDEN, reason)
    await queries.log_decision(
        conn, review_id=review.id, store_id=store_id, action="hide", reason=reason,
        user_id=user_id, now=now,
    )  # fmt: skip


async def unhide_review(
    conn: aiosqlite.Connection, store_id: int, public_id: str, user_id: int, now: int
) -> None:
    review = await _review(conn, store_id, public_id)
    if review.status == PUBLISHED:
        return
    await queries.set_status(conn, review.id, PUBLISHED, None)
    await queries.log_decision(
        conn, review_id=review.id, store_id=store_id, action="unhide", user_id=user_id, now=now
    )


async def save_reply(
    conn: aiosqlite.Connection, store_id: int, public_id: str, text: str, user_id: int, now: int
) -> None:
    review = await _review(conn, store_id, public_id)
    if review.reply is not None and review.reply.body == text:
        return
    await queries.set_reply(conn, review.id, text, now)
    await queries.log_decision(
        conn, review_id=review.id, store_id=store_id, action="reply", detail=text,
        user_id=user_id, now=now,
    )  # fmt: skip


async def remove_reply(
    conn: aiosqlite.Connection, store_id: int, public_id: str, user_id: int, now: int
) -> None:
    review = await _review(conn, store_id, public_id)
    if review.reply is None:
        return
    await queries.set_reply(conn, review.id, None, None)
    await queries.log_decision(
        conn, review_id=review.id, store_id=store_id, action="remove_reply", user_id=user_id,
        now=now,
    )  # fmt: skip
