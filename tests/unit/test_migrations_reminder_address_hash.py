"""0037: a reminder can keep its address's keyed hash (``sent_to_hash``) for when the address
itself is cleared; the reminders already written keep what they had, and no hash (none can be
made in SQL: it needs the app's key)."""

from __future__ import annotations

import asyncio

import aiosqlite

from server.db.migrations import apply_migrations
from tests.unit.migrating import migrate_before, store_with_cart


def test_0037_adds_the_hash_and_keeps_every_reminder_as_it_was(tmp_path, monkeypatch):
    async def run():
        conn = await aiosqlite.connect(tmp_path / "k.db", isolation_level=None)
        try:
            await migrate_before(conn, monkeypatch, 37)
            await store_with_cart(conn)
            await conn.execute(
                "INSERT INTO checkout_contacts (id, store_id, cart_id, email, created_at,"
                " updated_at, abandoned_at) VALUES (7, 1, 1, NULL, 0, 0, 10)"
            )
            await conn.executemany(
                "INSERT INTO recovery_steps (contact_id, step, written_at, sent_to)"
                " VALUES (7, ?, 10, ?)",
                [(1, "a@example.com"), (2, None)],
            )
            assert 37 in await apply_migrations(conn)
            rows = await conn.execute_fetchall(
                "SELECT step, sent_to, sent_to_hash FROM recovery_steps ORDER BY step"
            )
            return [tuple(row) for row in rows]
        finally:
            await conn.close()

    assert asyncio.run(run()) == [(1, "a@example.com", None), (2, None, None)]
