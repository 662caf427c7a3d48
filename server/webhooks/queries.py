"""SQL for webhook endpoints, their secrets, their delivery log and a store's webhook
settings. Writes take the connection of the caller's write transaction; reads take the
Database (or that connection)."""

from __future__ import annotations

from typing import Any

import aiosqlite

from server.db import Database, Reader, read_all, read_one
from server.messages.model import FAILED, QUEUED, SENT
from server.security import new_public_id
from server.webhooks.model import KIND, TEST_EVENT, Attempt, Endpoint, EndpointInput

_ENDPOINT = (
    "id, public_id, store_id, url, description, event_types, enabled, disabled_reason,"
    " last_success_at, created_at, updated_at"
)


def _endpoint(row: Any) -> Endpoint:
    fields = dict(zip(row.keys(), row, strict=True))
    fields["event_types"] = tuple(fields["event_types"].split())
    fields["enabled"] = bool(fields["enabled"])
    return Endpoint(**fields)


# ---- endpoints ----------------------------------------------------------------------------


async def list_endpoints(db: Reader, store_id: int) -> list[Endpoint]:
    rows = await read_all(
        db,
        f"SELECT {_ENDPOINT} FROM webhook_endpoints WHERE store_id = ? ORDER BY created_at, id",
        (store_id,),
    )
    return [_endpoint(row) for row in rows]


async def find_endpoint(db: Reader, store_id: int, public_id: str) -> Endpoint | None:
    row = await read_one(
        db,
        f"SELECT {_ENDPOINT} FROM webhook_endpoints WHERE store_id = ? AND public_id = ?",
        (store_id, public_id),
    )
    return None if row is None else _endpoint(row)


async def insert_endpoint(
    conn: aiosqlite.Connection, store_id: int, new: EndpointInput, secret: str, now: int
) -> str:
    public_id = new_public_id("ep", 12)
    cursor = await conn.execute(
        "INSERT INTO webhook_endpoints (public_id, store_id, url, description, event_types,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (public_id, store_id, new.url, new.description, " ".join(new.event_types), now, now),
    )
    await conn.execute(
        "INSERT INTO webhook_secrets (endpoint_id, secret, created_at) VALUES (?, ?, ?)",
        (cursor.lastrowid, secret, now),
    )
    return public_id


async def update_endpoint(
    conn: aiosqlite.Connection, endpoint_id: int, new: EndpointInput, now: int
) -> None:
    await conn.execute(
        "UPDATE webhook_endpoints SET url = ?, description = ?, event_types = ?,"
        " updated_at = ? WHERE id = ?",
        (new.url, new.description, " ".join(new.event_types), now, endpoint_id),
    )


async def set_enabled(
    conn: aiosqlite.Connection, endpoint_id: int, enabled: bool, reason: str | None, now: int
) -> None:
    await conn.execute(
        "UPDATE webhook_endpoints SET enabled = ?, disabled_reason = ?, updated_at = ?"
        " WHERE id = ?",
        (int(enabled), None if enabled else reason, now, endpoint_id),
    )


async def delete_endpoint(conn: aiosqlite.Connection, endpoint_id: int) -> None:
    await conn.execute("DELETE FROM webhook_endpoints WHERE id = ?", (endpoint_id,))


async def subscribed(conn: Reader, store_id: int, event_type: str) -> list[Endpoint]:
    """The store's enabled endpoints that want ``event_type``."""
    return [e for e in await list_endpoints(conn, store_id) if e.wants(event_type)]


# ---- secrets ------------------------------------------------------------------------------


async def live_secrets(db: Reader, endpoint_id: int, now: int) -> list[str]:
    """The secrets that sign a delivery now, newest first."""
    rows = await read_all(
        db,
        "SELECT secret FROM webhook_secrets WHERE endpoint_id = ?"
        " AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at DESC, id DESC",
        (endpoint_id, now),
    )
    return [row["secret"] for row in rows]


async def rotate_secret(
    conn: aiosqlite.Connection, endpoint_id: int, secret: str, overlap_until: int, now: int
) -> None:
    """``secret`` becomes the current one; the current one signs along until
    ``overlap_until``; any older one still overlapping keeps its own, earlier, expiry."""
    await conn.execute(
        "UPDATE webhook_secrets SET expires_at = ? WHERE endpoint_id = ? AND expires_at IS NULL",
        (overlap_until, endpoint_id),
    )
    await conn.execute(
        "DELETE FROM webhook_secrets WHERE endpoint_id = ? AND expires_at <= ?",
        (endpoint_id, now),
    )
    await conn.execute(
        "INSERT INTO webhook_secrets (endpoint_id, secret, created_at) VALUES (?, ?, ?)",
        (endpoint_id, secret, now),
    )


async def overlap_ends(db: Reader, endpoint_id: int, now: int) -> int | None:
    """When the last old secret stops signing, while one still does."""
    value = await read_one(
        db,
        "SELECT max(expires_at) AS until FROM webhook_secrets WHERE endpoint_id = ?"
        " AND expires_at > ?",
        (endpoint_id, now),
    )
    return None if value is None or value["until"] is None else int(value["until"])


# ---- the delivery log ---------------------------------------------------------------------


async def record_attempt(
    conn: aiosqlite.Connection, *, message_id: int, endpoint_id: int, attempt: int,
    started_at: int, duration_ms: int, status_code: int | None, error: str | None,
    snippet: str,
) -> None:  # fmt: skip
    await conn.execute(
        "INSERT INTO webhook_attempts (message_id, endpoint_id, attempt, started_at,"
        " duration_ms, status_code, error, response_snippet) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (message_id, endpoint_id, attempt, started_at, duration_ms, status_code, error, snippet),
    )


async def mark_success(conn: aiosqlite.Connection, endpoint_id: int, now: int) -> None:
    await conn.execute(
        "UPDATE webhook_endpoints SET last_success_at = ? WHERE id = ?", (now, endpoint_id)
    )


async def delivery_log(db: Database, endpoint_id: int, limit: int = 100) -> list[Attempt]:
    """The endpoint's latest attempts, newest first."""
    rows = await db.fetch_all(
        "SELECT m.public_id AS message_public_id, json_extract(m.inputs, '$.type') AS event_type,"
        " a.attempt, a.started_at, a.duration_ms, a.status_code, a.error, a.response_snippet,"
        " m.state AS message_state FROM webhook_attempts a JOIN messages m ON m.id = a.message_id"
        " WHERE a.endpoint_id = ? ORDER BY a.started_at DESC, a.id DESC LIMIT ?",
        (endpoint_id, limit),
    )
    return [Attempt(**dict(zip(row.keys(), row, strict=True))) for row in rows]


async def resend(conn: aiosqlite.Connection, store_id: int, recipient: str, public_id: str,
                 now: int) -> bool:  # fmt: skip
    """A delivery to the endpoint that is over (sent or failed) queued again, due now, with
    its own webhook-id (a receiver that had it already sees it once) and a fresh schedule."""
    cursor = await conn.execute(
        "UPDATE messages SET state = ?, attempts = 0, next_attempt_at = ?, updated_at = ?"
        " WHERE store_id = ? AND public_id = ? AND channel = 'webhook' AND recipient = ?"
        " AND state IN (?, ?)",
        (QUEUED, now, now, store_id, public_id, recipient, SENT, FAILED),
    )
    return cursor.rowcount == 1


# ---- a store's settings -------------------------------------------------------------------


async def last_test_at(conn: Reader, endpoint: Endpoint, since: int) -> int | None:
    """When the latest test event to ``endpoint`` queued at or after ``since`` was queued."""
    row = await read_one(
        conn,
        "SELECT max(created_at) AS at FROM messages WHERE store_id = ? AND recipient = ?"
        " AND kind = ? AND created_at >= ? AND json_extract(inputs, '$.type') = ?",
        (endpoint.store_id, endpoint.public_id, KIND, since, TEST_EVENT),
    )
    return None if row is None or row["at"] is None else int(row["at"])
