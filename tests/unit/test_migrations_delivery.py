"""0009: every store gets a delivery rule whose defaults keep its estimates sensible; transit
days stored under the old meaning keep their estimate; debug exposures stop counting."""

from __future__ import annotations

import asyncio

import aiosqlite

from server.checkout.delivery import load_delivery_rules
from server.db.migrations import apply_migrations
from server.pricing.delivery import DeliveryRules
from tests.unit.migrating import migrate_before


async def _at_0008_with_data(path, monkeypatch) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    await conn.execute("PRAGMA foreign_keys = ON")
    await migrate_before(conn, monkeypatch, 9)
    await conn.executescript("""
        INSERT INTO stores (id, public_key, name, currency, locale, timezone, created_at)
            VALUES (1, 'pk_a', 'A', 'EUR', 'en-IE', 'Europe/Dublin', 100);
        INSERT INTO shipping_zones (id, store_id, name, countries) VALUES (1, 1, 'IE', 'IE');
        INSERT INTO shipping_methods (zone_id, name, kind, rate, min_days, max_days, position)
            VALUES (1, 'Courier', 'flat', 500, 0, 0, 0), (1, 'Post', 'flat', 300, 0, 4, 1),
                   (1, 'Freight', 'flat', 900, 3, 8, 2);
        INSERT INTO campaigns (id, public_id, store_id, name, trigger, targeting, frequency,
            created_at, updated_at) VALUES (1, 'cmp_1', 1, 'Exit', '{}', '{}', '{}', 100, 100);
        INSERT INTO exposures (campaign_id, visitor_id, arm, signal, created_at)
            VALUES (1, 'v_merchant', 'A', 'debug', 100), (1, 'v_shopper', 'A', 'exit_top', 100);
    """)
    return conn


def test_0009_adds_the_rule_keeps_estimates_and_drops_debug_exposures(tmp_path, monkeypatch):
    async def run():
        conn = await _at_0008_with_data(tmp_path / "k.db", monkeypatch)
        try:
            assert 9 in await apply_migrations(conn)
            rules = await load_delivery_rules(conn, 1, "Europe/Dublin")
            methods = await conn.execute_fetchall(
                "SELECT name, min_days, max_days FROM shipping_methods ORDER BY position"
            )
            exposures = await conn.execute_fetchall("SELECT visitor_id FROM exposures")
            return rules, [tuple(m) for m in methods], [e[0] for e in exposures]
        finally:
            await conn.close()

    rules, methods, exposures = asyncio.run(run())
    assert rules == DeliveryRules(timezone="Europe/Dublin")  # 14:00, Mon–Fri, no holidays
    # Old 0s meant "at least one day"; other transit times are unchanged.
    assert methods == [("Courier", 1, 1), ("Post", 1, 4), ("Freight", 3, 8)]
    assert exposures == ["v_shopper"]
