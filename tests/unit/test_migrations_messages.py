"""0025 adds the outbox to a database as 0023 left it: stores and orders keep their rows, and
the new tables take what the constraints allow and nothing else."""

from __future__ import annotations

import asyncio
import sqlite3

import aiosqlite
import pytest

from server.db import migrations
from server.db.migrations import apply_migrations, available_migrations
from tests.unit.migrating import migrate_before

BEFORE = [
    "INSERT INTO stores (id, public_key, name, currency, locale, timezone, created_at)"
    " VALUES (1, 'pk_a', 'A', 'EUR', 'en-IE', 'UTC', 100)",
    "INSERT INTO orders (id, public_id, store_id, number, status, email, shipping_name,"
    " shipping_address, shipping_method, delivery_from, delivery_to, currency,"
    " prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total,"
    " payment_method, created_at, updated_at) VALUES (7, 'ord_1', 1, 1001, 'paid', 'a@b.test',"
    " 'A', '{}', 'Post', '2026-01-01', '2026-01-02', 'EUR', 1, 1200, 0, 0, 0, 1200,"
    " 'test_card', 100, 100)",
]
MESSAGE = (
    "INSERT INTO messages (public_id, store_id, channel, kind, recipient, state, order_id,"
    " next_attempt_at, created_at, updated_at)"
    " VALUES ('{id}', 1, '{channel}', 'order_confirmation', 'a@b.test', '{state}', 7, 0, 0, 0)"
)


def migrate(tmp_path, monkeypatch, *after: str) -> list[tuple]:
    async def run():
        conn = await aiosqlite.connect(tmp_path / "k.db", isolation_level=None)
        await conn.execute("PRAGMA foreign_keys = ON")
        try:
            await migrate_before(conn, monkeypatch, 24)
            for statement in BEFORE:
                await conn.execute(statement)
            with monkeypatch.context() as patch:
                up_to_25 = [m for m in available_migrations() if m.version <= 25]
                patch.setattr(migrations, "available_migrations", lambda: up_to_25)
                assert 25 in await apply_migrations(conn)
            for statement in after:
                await conn.execute(statement)
            return await conn.execute_fetchall(
                "SELECT o.number, m.public_id, m.state, m.attempts FROM orders o"
                " LEFT JOIN messages m ON m.order_id = o.id ORDER BY m.id"
            )
        finally:
            await conn.close()

    return [tuple(row) for row in asyncio.run(run())]


def test_orders_stay_and_a_message_starts_queued(tmp_path, monkeypatch):
    added = MESSAGE.format(id="msg_1", channel="email", state="queued")
    assert migrate(tmp_path, monkeypatch, added) == [(1001, "msg_1", "queued", 0)]


@pytest.mark.parametrize(
    "bad",
    [
        MESSAGE.format(id="msg_1", channel="email", state="lost"),
        MESSAGE.format(id="msg_1", channel="fax", state="queued"),
    ],
    ids=["unknown state", "unknown channel"],
)
def test_only_known_states_and_channels(tmp_path, monkeypatch, bad):
    with pytest.raises(sqlite3.IntegrityError):
        migrate(tmp_path, monkeypatch, bad)


def test_an_order_has_a_kind_of_message_once_per_recipient(tmp_path, monkeypatch):
    first = MESSAGE.format(id="msg_1", channel="email", state="queued")
    second = MESSAGE.format(id="msg_2", channel="email", state="sent")
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        migrate(tmp_path, monkeypatch, first, second)
