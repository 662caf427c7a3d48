"""Idempotency-Key reservations: the rules that let one request per key pay and order.

A key's row is written 'in_flight' in its own short transaction before the payment is
authorized, so every process sharing the database sees it; the order's transaction turns it
'completed' with the answer to replay, and a request that places no order deletes it. The
row names the request holding it (``attempt``), so a request that lost its reservation finds
out before it orders. The SQL is in queries.py.

A key is kept for ``RETENTION_MS`` after it was reserved, then pruned (``prune_expired``, run by
the server's maintenance): the table would otherwise keep every checkout's answer for ever.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.checkout import queries
from server.db import Database, Reader
from server.errors import Conflict, Unprocessable

# An in_flight reservation older than this was abandoned (its process was killed, or lost the
# database) and is taken over, so a key is never blocked for ever. It is far longer than any
# authorization takes: a live request that still loses its reservation voids its payment.
ABANDONED_AFTER_MS = 2 * 60 * 1000

# How long a key's answer is kept, from its reservation. A retry of the same request within it
# gets the stored answer; after it, the same key is new again (and the cart it ordered is no
# longer open, so a very late retry is refused rather than ordered twice). Clients retry within
# seconds (the widget gives up after about 7 s; payment APIs keep keys 24 hours): a week also
# covers a client's queue stuck over a long weekend, and keeps the table to a week of orders.
# Far longer than ABANDONED_AFTER_MS: a key older than this was abandoned long ago, never one
# a live request still holds, so in-flight rows that old go too.
RETENTION_MS = 7 * 24 * 60 * 60 * 1000
# Keys deleted per write transaction: each is a few milliseconds of the single writer, so
# checkouts and events go on between batches.
PRUNE_BATCH = 500


@dataclass(frozen=True)
class Replay:
    """The stored answer of an earlier request with the same key and payload."""

    response: dict[str, Any]


@dataclass(frozen=True)
class Reservation:
    store_id: int
    key: str
    attempt: str  # this request's token in the row


class InProgress(Conflict):
    def __init__(self) -> None:
        super().__init__("This order is still being placed; wait a moment.", code="in_progress")


class ReservationLost(InProgress):
    """The key is no longer this request's: taken over, or completed by another request (then
    ``replay`` is its answer)."""

    def __init__(self, replay: Replay | None) -> None:
        super().__init__()
        self.replay = replay


async def reserve(
    conn: aiosqlite.Connection, store_id: int, key: str, fingerprint: str, now_ms: int
) -> Reservation | Replay:
    """Reserve ``key`` for this request, or the answer already stored for it.

    Raises 422 idempotency_mismatch when the key was used for another payload, and 409
    in_progress while another request holds it.
    """
    row = await queries.idempotency_row(conn, store_id, key)
    if row is not None:
        if row["request_hash"] != fingerprint:
            raise Unprocessable(
                "This Idempotency-Key was used for a different order.",
                code="idempotency_mismatch",
            )
        if row["state"] == "completed":
            return Replay(json.loads(row["response"]))
        if now_ms - row["reserved_at"] < ABANDONED_AFTER_MS:
            raise InProgress()
    attempt = secrets.token_hex(8)
    await queries.reserve_idempotency_key(conn, store_id, key, fingerprint, attempt, now_ms)
    return Reservation(store_id, key, attempt)


async def check_held(conn: aiosqlite.Connection, reservation: Reservation) -> None:
    """Raise ReservationLost unless ``reservation`` is still in flight and this request's."""
    row = await queries.idempotency_row(conn, reservation.store_id, reservation.key)
    if row is None:
        raise ReservationLost(None)
    if row["attempt"] != reservation.attempt or row["state"] != "in_flight":
        completed = row["state"] == "completed"
        raise ReservationLost(Replay(json.loads(row["response"])) if completed else None)


async def complete(
    conn: aiosqlite.Connection, reservation: Reservation, order_id: int, response: dict[str, Any]
) -> None:
    await queries.complete_idempotency_key(
        conn,
        reservation.store_id,
        reservation.key,
        reservation.attempt,
        order_id,
        json.dumps(response),
    )


async def release(conn: aiosqlite.Connection, reservation: Reservation) -> None:
    """Free the key for a retry: this request placed no order."""
    await queries.release_idempotency_key(
        conn, reservation.store_id, reservation.key, reservation.attempt
    )


async def completed_by(conn: Reader, reservation: Reservation) -> Replay | None:
    """The answer stored by this reservation's own order, if that order was written."""
    row = await queries.idempotency_row(conn, reservation.store_id, reservation.key)
    if row is None or row["attempt"] != reservation.attempt or row["state"] != "completed":
        return None
    return Replay(json.loads(row["response"]))


async def prune_expired(db: Database, now_ms: int) -> int:
    """Delete the keys reserved more than ``RETENTION_MS`` ago, ``PRUNE_BATCH`` per write
    transaction; return how many went."""
    cutoff = now_ms - RETENTION_MS

    async def batch(conn: aiosqlite.Connection) -> int:
        return await queries.delete_idempotency_keys_before(conn, cutoff, PRUNE_BATCH)

    return await db.write_in_batches(batch, PRUNE_BATCH)
