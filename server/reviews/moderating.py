"""The merchant's moderation: hide (for a reason from the fixed list only), show again, reply
in public (write, edit, remove), and remove a review at its writer's request (its words and
name erased, for good). Each change and its entry in the moderation log are one transaction;
a change that changes nothing (a second click) logs nothing. A removed review takes no other
change: nothing brings back what its writer asked to have removed."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from server.errors import Conflict, NotFound
from server.reviews import import_queries, queries
from server.reviews.importing import row_hash
from server.reviews.model import HIDDEN, IMPORTED, PUBLISHED, REMOVED, Review, ReviewInput
from server.reviews.service import local_date


class RemovedReview(Conflict):
    code = "review_removed"

    def __init__(self) -> None:
        super().__init__("This review was removed at its writer's request: it can't be changed.")


async def _any_review(conn: aiosqlite.Connection, store_id: int, public_id: str) -> Review:
    review = await queries.find_review(conn, store_id, public_id)
    if review is None:
        raise NotFound("There is no such review.")
    return review


async def _review(conn: aiosqlite.Connection, store_id: int, public_id: str) -> Review:
    """The review to change; a removed one is refused (409)."""
    review = await _any_review(conn, store_id, public_id)
    if review.status == REMOVED:
        raise RemovedReview()
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


@dataclass(frozen=True)
class RemovalRequest:
    note: str  # what the writer asked, and how


async def remove_on_request(
    conn: aiosqlite.Connection,
    store_id: int,
    public_id: str,
    request: RemovalRequest,
    user_id: int,
    now: int,
) -> None:
    """Personal data, deletable per shopper: the review's words, rating, name and reply are
    erased (not hidden), logged with the owner's note, counted apart from the shop's hides.
    An imported review leaves the hash of its file's row (``importing.row_hash``), so that
    importing that file again does not bring it back (``importing.plan_import``)."""
    review = await _any_review(conn, store_id, public_id)
    if review.status == REMOVED:
        return
    if review.source == IMPORTED and review.rating is not None:
        await import_queries.keep_removed_row(conn, store_id, await _row_hash(conn, review), now)
    await queries.erase_review(conn, review.id)
    await queries.log_decision(
        conn, review_id=review.id, store_id=store_id, action="remove_on_request",
        detail=request.note,
        user_id=user_id, now=now,
    )  # fmt: skip


async def _row_hash(conn: aiosqlite.Connection, review: Review) -> str:
    """The imported review's row hash: kept since it was imported, or (imported before
    migration 0022) computed from its date in the store's timezone, as a re-import does."""
    kept, timezone = await import_queries.row_hash_of(conn, review.id)
    if kept is not None:
        return kept
    words = ReviewInput(review.rating or 0, review.title, review.body, review.name)
    day = local_date(review.created_at, timezone)
    return row_hash(review.store_id, review.product_id, words, day)
