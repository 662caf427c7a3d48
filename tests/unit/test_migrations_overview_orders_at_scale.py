"""0015 indexes the orders an existing store already has for the search, and adds the kept
exposure days and the covering indexes; no order is lost."""

from __future__ import annotations

import asyncio

import aiosqlite

from tests.unit.migrating import SCHEMA, migrate_before, migrate_through


async def _migrate(path, monkeypatch) -> tuple[set[tuple], set[tuple], list, int]:
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        await migrate_before(conn, monkeypatch, 15)
        await conn.executescript("""
            INSERT INTO stores (id, public_key, name, currency, locale, timezone, created_at)
                VALUES (1, 'pk_a', 'A', 'EUR', 'en-IE', 'UTC', 100);
            INSERT INTO orders (public_id, store_id, number, status, email, shipping_name,
                shipping_address, shipping_method, delivery_from, delivery_to, currency,
                prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total,
                payment_method, created_at, updated_at)
                VALUES ('ord_1', 1, 1001, 'paid', 'Aoife@Example.test', 'Aoife Byrne', '{}',
                'Post', '2026-01-01', '2026-01-02', 'EUR', 1, 1200, 0, 0, 0, 1200,
                'test_card', 100, 100);
        """)
        before = {tuple(row) for row in await conn.execute_fetchall(SCHEMA)}
        assert await migrate_through(conn, monkeypatch, 15) == [15]
        after = {tuple(row) for row in await conn.execute_fetchall(SCHEMA)}
        found = await conn.execute_fetchall(
            "SELECT rowid FROM orders_search WHERE orders_search MATCH '\"byrn\"'"
            " UNION ALL SELECT rowid FROM orders_search WHERE orders_search MATCH '\"e@exa\"'"
        )
        [(orders,)] = await conn.execute_fetchall("SELECT count(*) FROM orders")
        return before, after, [row[0] for row in found], orders
    finally:
        await conn.close()


def test_0015_indexes_existing_orders_for_the_search(tmp_path, monkeypatch):
    before, after, found, orders = asyncio.run(_migrate(tmp_path / "k.db", monkeypatch))
    assert found == [1, 1]  # by part of the name, and by part of the email in another case
    assert orders == 1
    added = {(kind, name) for kind, name, _ in after - before}
    assert {
        ("index", "orders_by_status"),
        ("table", "orders_search"),
        ("table", "exposure_days"),
        ("trigger", "orders_search_insert"),
        ("trigger", "orders_search_update"),
        ("trigger", "orders_search_delete"),
    } <= added
    # Rebuilt covering, with the same leading columns (the same as the campaign pages'
    # migration 0014 makes orders_by_visitor, so after it this one changes nothing).
    sql = {name: text for _, name, text in after}
    assert "(visitor_id, created_at, campaign_id, arm)" in sql["exposures_by_visitor"]
    assert "(store_id, visitor_id, created_at, status, total," in sql["orders_by_visitor"]
    assert {(kind, name) for kind, name, _ in before - after} <= {
        ("index", "exposures_by_time"),
        ("index", "exposures_by_visitor"),
        ("index", "orders_by_visitor"),
    }
