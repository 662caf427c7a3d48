"""0011 widens the orders index (same leading columns), indexes exposures by time and adds
the kept session counts; nothing else in the schema changes, and no row is lost."""

from __future__ import annotations

import asyncio

import aiosqlite

from server.db import migrations
from server.db.migrations import apply_migrations, available_migrations
from tests.unit.migrating import SCHEMA, migrate_before


async def _migrate(path, monkeypatch) -> tuple[set[tuple], set[tuple], int]:
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        await migrate_before(conn, monkeypatch, 11)
        await conn.executescript("""
            INSERT INTO stores (id, public_key, name, currency, locale, timezone, created_at)
                VALUES (1, 'pk_a', 'A', 'EUR', 'en-IE', 'UTC', 100);
            INSERT INTO orders (public_id, store_id, number, status, email, shipping_name,
                shipping_address, shipping_method, delivery_from, delivery_to, currency,
                prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total,
                payment_method, created_at, updated_at)
                VALUES ('ord_1', 1, 1001, 'paid', 'a@b.test', 'A', '{}', 'Post', '2026-01-01',
                '2026-01-02', 'EUR', 1, 1200, 0, 0, 0, 1200, 'test_card', 100, 100);
        """)
        schema_before = {tuple(row) for row in await conn.execute_fetchall(SCHEMA)}
        with monkeypatch.context() as patch:
            up_to_11 = [m for m in available_migrations() if m.version <= 11]
            patch.setattr(migrations, "available_migrations", lambda: up_to_11)
            assert await apply_migrations(conn) == [11]
        schema_after = {tuple(row) for row in await conn.execute_fetchall(SCHEMA)}
        [(orders,)] = await conn.execute_fetchall("SELECT count(*) FROM orders")
        return schema_before, schema_after, orders
    finally:
        await conn.close()


def test_0011_adds_the_overview_indexes_and_kept_days_and_keeps_orders(tmp_path, monkeypatch):
    before, after, orders = asyncio.run(_migrate(tmp_path / "k.db", monkeypatch))
    assert {(kind, name) for kind, name, _ in before - after} == {
        ("index", "orders_by_store_time")  # rebuilt, wider
    }
    assert {(kind, name) for kind, name, _ in after - before} == {
        ("index", "orders_by_store_time"),
        ("index", "exposures_by_time"),
        ("table", "event_days"),
    }
    widened = next(sql for kind, name, sql in after if name == "orders_by_store_time")
    assert "(store_id, created_at, status, total)" in widened
    assert orders == 1
