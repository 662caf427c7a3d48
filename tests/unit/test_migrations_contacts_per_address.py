"""0033: a cart may hold a checkout contact per address given after an abandonment, at most
one of them not yet abandoned; the contacts, and the reminders and rebuilt carts that name
them, come through the rebuild unchanged."""

from __future__ import annotations

import asyncio
import sqlite3

import aiosqlite
import pytest

from server.db.migrations import apply_migrations
from tests.unit.migrating import migrate_before

CONTACT = (
    "INSERT INTO checkout_contacts (id, store_id, cart_id, email, created_at, updated_at,"
    " abandoned_at, next_due_at) VALUES (?, 1, ?, ?, 0, 0, ?, ?)"
)


async def _older_database(conn: aiosqlite.Connection) -> None:
    await conn.execute(
        "INSERT INTO stores (id, public_key, name, currency, locale, timezone, created_at)"
        " VALUES (1, 'pk_a', 'Shop', 'EUR', 'en-IE', 'UTC', 100)"
    )
    await conn.executemany(
        "INSERT INTO carts (id, public_id, store_id, created_at, updated_at)"
        " VALUES (?, ?, 1, 0, 0)",
        [(1, "c_one"), (2, "c_two")],
    )
    await conn.execute(CONTACT, (7, 1, "a@example.com", 10, 20))
    await conn.execute(
        "INSERT INTO orders (id, public_id, store_id, number, status, email, shipping_name,"
        " shipping_address, shipping_method, delivery_from, delivery_to, currency,"
        " prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total,"
        " payment_method, created_at, updated_at) VALUES (5, 'ord_a', 1, 1001, 'paid',"
        " 'a@example.com', 'A', '{}', 'Standard', '2026-01-01', '2026-01-02', 'EUR', 1, 100,"
        " 0, 0, 0, 100, 'test_card', 30, 30)"
    )
    await conn.execute(
        "UPDATE checkout_contacts SET recovered_at = 30, recovered_order_id = 5 WHERE id = 7"
    )
    await conn.execute(
        "INSERT INTO recovery_steps (contact_id, step, written_at, sent_to)"
        " VALUES (7, 1, 10, 'a@example.com')"
    )
    await conn.execute(
        "INSERT INTO recovered_carts (cart_id, store_id, source_cart_id, contact_id, step,"
        " created_at) VALUES (2, 1, 1, 7, 1, 30)"
    )


def test_0033_keeps_the_contacts_and_lets_a_cart_hold_one_per_address(tmp_path, monkeypatch):
    async def run():
        conn = await aiosqlite.connect(tmp_path / "k.db", isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA foreign_keys = ON")
        try:
            await migrate_before(conn, monkeypatch, 33)
            await _older_database(conn)
            assert 33 in await apply_migrations(conn)
            kept = await conn.execute_fetchall(
                "SELECT k.id, k.email, s.sent_to, r.cart_id, k.recovered_order_id"
                " FROM checkout_contacts k"
                " JOIN recovery_steps s ON s.contact_id = k.id"
                " JOIN recovered_carts r ON r.contact_id = k.id"
            )
            await conn.execute(CONTACT, (8, 1, "b@example.com", None, 40))  # after abandonment
            with pytest.raises(sqlite3.IntegrityError):  # a second not yet abandoned
                await conn.execute(CONTACT, (9, 1, "c@example.com", None, 50))
            await conn.execute("DELETE FROM checkout_contacts WHERE id = 7")
            steps = await conn.execute_fetchall("SELECT * FROM recovery_steps")
            rebuilt = await conn.execute_fetchall("SELECT contact_id FROM recovered_carts")
            return [tuple(row) for row in kept], steps, [tuple(row) for row in rebuilt]
        finally:
            await conn.close()

    kept, steps, rebuilt = asyncio.run(run())
    # the order that recovered it (0032's column) comes through the rebuild too
    assert kept == [(7, "a@example.com", "a@example.com", 2, 5)]
    assert steps == [] and rebuilt == [(None,)]  # the foreign keys still name the table
