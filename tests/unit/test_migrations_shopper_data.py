"""0024 adds what one shopper's export and erasure need to a database as 0023 left it: orders
keep every row (none marked erased), the record of erasures takes only valid counts, and the
indexes finding a shopper reads are there."""

from __future__ import annotations

import asyncio
import sqlite3

import aiosqlite
import pytest

from tests.unit.migrating import SCHEMA, migrate_before, migrate_through

BEFORE = [
    "INSERT INTO stores (id, public_key, name, currency, locale, timezone, created_at)"
    " VALUES (1, 'pk_a', 'A', 'EUR', 'en-IE', 'UTC', 100)",
    "INSERT INTO orders (id, public_id, store_id, number, status, email, shipping_name,"
    " shipping_address, shipping_method, delivery_from, delivery_to, currency,"
    " prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total,"
    " payment_method, created_at, updated_at) VALUES (1, 'ord_1', 1, 1001, 'paid',"
    " 'pat@example.test', 'Pat', '{}', 'Post', '2026-01-01', '2026-01-02', 'EUR', 1, 1200, 0,"
    " 0, 0, 1200, 'test_card', 100, 100)",
]


def upgrade(tmp_path, monkeypatch, *after: str) -> dict[str, object]:
    async def run():
        conn = await aiosqlite.connect(tmp_path / "k.db", isolation_level=None)
        await conn.execute("PRAGMA foreign_keys = ON")
        try:
            await migrate_before(conn, monkeypatch, 24)
            for statement in BEFORE:
                await conn.execute(statement)
            before = {row[1] for row in await conn.execute_fetchall(SCHEMA)}
            assert await migrate_through(conn, monkeypatch, 24) == [24]
            for statement in after:
                await conn.execute(statement)
            return {
                "added": {row[1] for row in await conn.execute_fetchall(SCHEMA)} - before,
                "orders": [tuple(r) for r in await conn.execute_fetchall(
                    "SELECT number, email, erased_at FROM orders")],
                "erasures": [tuple(r) for r in await conn.execute_fetchall(
                    "SELECT store_id, counts FROM shopper_erasures")],
            }  # fmt: skip
        finally:
            await conn.close()

    return asyncio.run(run())


def test_0024_keeps_every_order_and_adds_the_record_and_the_indexes(tmp_path, monkeypatch):
    found = upgrade(tmp_path, monkeypatch, "INSERT INTO shopper_erasures (store_id, counts,"
                    " created_at) VALUES (1, '{\"orders\": 1}', 200)")  # fmt: skip
    assert found["orders"] == [(1001, "pat@example.test", None)]
    assert found["erasures"] == [(1, '{"orders": 1}')]
    assert found["added"] == {
        "shopper_erasures", "shopper_erasures_by_store", "email_consents_by_email",
        "discount_redemptions_by_order", "order_events_by_order", "idempotency_keys_by_order",
    }  # fmt: skip


def test_0024_refuses_a_record_whose_counts_are_not_json(tmp_path, monkeypatch):
    with pytest.raises(sqlite3.IntegrityError):
        upgrade(tmp_path, monkeypatch, "INSERT INTO shopper_erasures (store_id, counts,"
                " created_at) VALUES (1, 'orders: 1', 200)")  # fmt: skip
