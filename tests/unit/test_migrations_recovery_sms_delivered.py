"""0038: a reminder delivered by its SMS counts as delivered — the texts sent before it
(backfilled from the outbox) and those sent after (a trigger), never one for another step."""

from __future__ import annotations

import asyncio

import aiosqlite

from server.db.migrations import apply_migrations
from tests.unit.migrating import migrate_before, store_with_cart


def test_0038_marks_the_texted_reminders_delivered_then_and_from_now_on(tmp_path, monkeypatch):
    async def run():
        conn = await aiosqlite.connect(tmp_path / "k.db", isolation_level=None)
        try:
            await migrate_before(conn, monkeypatch, 38)
            await store_with_cart(conn)
            await conn.execute(
                "INSERT INTO checkout_contacts (id, store_id, cart_id, phone, created_at,"
                " updated_at, abandoned_at) VALUES (7, 1, 1, '+353871234567', 0, 0, 10)"
            )
            await conn.executemany(
                "INSERT INTO recovery_steps (contact_id, step, written_at) VALUES (7, ?, 10)",
                [(1,), (2,), (3,)],
            )
            texts = [  # step 1 sent before the migration, step 2 queued, step 3 sent after
                ("msg_1", '{"contact": 7, "step": 1}', "sent", 50),
                ("msg_2", '{"contact": 7, "step": 2}', "queued", None),
                ("msg_3", '{"contact": 7, "step": 3}', "queued", None),
            ]
            await conn.executemany(
                "INSERT INTO messages (public_id, store_id, channel, kind, recipient, inputs,"
                " state, attempts, next_attempt_at, created_at, updated_at, sent_at)"
                " VALUES (?, 1, 'sms', 'recovery_sms', '+353871234567', ?, ?, 0, 0, 0, 0, ?)",
                texts,
            )
            assert 38 in await apply_migrations(conn)
            await conn.execute(
                "UPDATE messages SET state = 'sent', sent_at = 90 WHERE public_id = 'msg_3'"
            )
            rows = await conn.execute_fetchall(
                "SELECT step, delivered_at FROM recovery_steps ORDER BY step"
            )
            return [tuple(row) for row in rows]
        finally:
            await conn.close()

    assert asyncio.run(run()) == [(1, 50), (2, None), (3, 90)]
