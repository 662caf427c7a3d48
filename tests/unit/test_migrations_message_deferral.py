"""0034: a queued message records why it waits past when it was due (an SMS held for the
shopper's quiet hours), so the admin says so instead of guessing. The SMS already waiting when
it runs are told apart as the outbox left them; every other message waits for nothing."""

from __future__ import annotations

import asyncio
import sqlite3

import aiosqlite
import pytest

from server.db.migrations import apply_migrations
from tests.unit.migrating import migrate_before

WAITING = "Waiting for the end of the shopper's quiet hours."
# (public_id, channel, state, attempts, next_attempt_at, last_error), all created at 100.
ROWS = [
    ("msg_night", "sms", "queued", 0, 5_000, None),  # queued at night: due in the morning
    ("msg_held", "sms", "queued", 0, 5_000, WAITING),  # found due at night by the sender
    ("msg_held_again", "sms", "queued", 2, 5_000, WAITING),  # a retry the night held back
    ("msg_due", "sms", "queued", 0, 100, None),  # due when queued
    ("msg_retry", "email", "queued", 1, 5_000, "451 Greylisted"),
    ("msg_sent", "sms", "sent", 1, 100, None),
]


def migrate(tmp_path, monkeypatch) -> dict[str, tuple]:
    async def run():
        conn = await aiosqlite.connect(tmp_path / "k.db", isolation_level=None)
        try:
            await migrate_before(conn, monkeypatch, 34)
            await conn.execute(
                "INSERT INTO stores (id, public_key, name, currency, locale, timezone,"
                " created_at) VALUES (1, 'pk_a', 'A', 'EUR', 'en-IE', 'UTC', 100)"
            )
            await conn.executemany(
                "INSERT INTO messages (public_id, store_id, channel, kind, recipient, state,"
                " attempts, next_attempt_at, last_error, created_at, updated_at)"
                " VALUES (?, 1, ?, 'recovery_sms', '+353871234567', ?, ?, ?, ?, 100, 100)",
                ROWS,
            )
            assert 34 in await apply_migrations(conn)
            rows = await conn.execute_fetchall(
                "SELECT public_id, deferred_reason, attempts, last_error FROM messages"
            )
            return {row[0]: tuple(row[1:]) for row in rows}
        finally:
            await conn.close()

    return asyncio.run(run())


def test_0034_tells_the_sms_waiting_for_the_quiet_hours_from_the_rest(tmp_path, monkeypatch):
    assert migrate(tmp_path, monkeypatch) == {
        "msg_night": ("quiet_hours", 0, None),
        # The wait was written where an error goes: it is no error, and no longer there.
        "msg_held": ("quiet_hours", 0, None),
        "msg_held_again": ("quiet_hours", 2, None),
        "msg_due": (None, 0, None),
        "msg_retry": (None, 1, "451 Greylisted"),
        "msg_sent": (None, 1, None),
    }


def test_0034_takes_only_a_known_reason(tmp_path):
    async def run():
        conn = await aiosqlite.connect(tmp_path / "k.db", isolation_level=None)
        try:
            await apply_migrations(conn)
            await conn.execute(
                "INSERT INTO stores (id, public_key, name, currency, locale, timezone,"
                " created_at) VALUES (1, 'pk_a', 'A', 'EUR', 'en-IE', 'UTC', 100)"
            )
            await conn.execute(
                "INSERT INTO messages (public_id, store_id, channel, kind, recipient,"
                " next_attempt_at, deferred_reason, created_at, updated_at)"
                " VALUES ('msg_1', 1, 'sms', 'recovery_sms', '+353871234567', 0, 'bored', 0, 0)"
            )
        finally:
            await conn.close()

    with pytest.raises(sqlite3.IntegrityError):
        asyncio.run(run())
