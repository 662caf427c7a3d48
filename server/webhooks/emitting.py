"""Emitting an event: one outbox message per endpoint that wants it, written inside the
transaction of the change that causes the event, so a change that rolls back emits nothing.

The message's inputs are the delivery's JSON body exactly (``{"type", "timestamp",
"data"}``): every attempt sends the same bytes under the same ``webhook-id``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import aiosqlite

from server.messages.outbox import enqueue
from server.webhooks import queries
from server.webhooks.model import EVENT_TYPES, KIND, TEST_EVENT, Endpoint


def event_body(event_type: str, data: dict[str, Any], now: int) -> dict[str, Any]:
    return {"type": event_type, "timestamp": iso_time(now), "data": data}


def iso_time(epoch_ms: int) -> str:
    """RFC 3339 in UTC with milliseconds, as the spec's examples write it."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def emit(
    conn: aiosqlite.Connection, store_id: int, event_type: str, data: dict[str, Any], now: int
) -> list[str]:
    """Queue ``event_type`` with ``data`` (its documented schema: README.md, "Webhooks") to
    every enabled endpoint of the store that subscribes to it, in the caller's write
    transaction; the messages' ids (``msg_…``, each a ``webhook-id``)."""
    if event_type not in EVENT_TYPES:  # a typo in a caller is a bug, not a silent no-op
        raise KeyError(event_type)
    endpoints = await queries.subscribed(conn, store_id, event_type)
    return [await _queue(conn, endpoint, event_type, data, now) for endpoint in endpoints]


async def emit_test(conn: aiosqlite.Connection, endpoint: Endpoint, now: int) -> str:
    """A ``webhook.test`` event to this one endpoint (the admin's "Send test event")."""
    data = {"endpoint_id": endpoint.public_id, "message": "A test event from Keepcart."}
    return await _queue(conn, endpoint, TEST_EVENT, data, now)


async def _queue(
    conn: aiosqlite.Connection, endpoint: Endpoint, event_type: str, data: dict[str, Any],
    now: int,
) -> str:  # fmt: skip
    public_id = await enqueue(
        conn, endpoint.store_id, KIND, endpoint.public_id, now,
        inputs=event_body(event_type, data, now),
    )  # fmt: skip
    assert public_id is not None  # webhooks are never switched off, nor tied to an order
    return public_id
