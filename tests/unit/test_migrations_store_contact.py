"""0012 gives existing stores empty contact details and indexes exposures by visitor."""

from __future__ import annotations

import asyncio

import aiosqlite

from server.db.migrations import apply_migrations
from tests.unit.migrating import migrate_before


def test_0012_keeps_stores_and_adds_empty_contact_details(tmp_path, monkeypatch):
    async def run():
        conn = await aiosqlite.connect(tmp_path / "k.db", isolation_level=None)
        try:
            await migrate_before(conn, monkeypatch, 12)
            await conn.execute(
                "INSERT INTO stores (id, public_key, name, currency, locale, timezone,"
                " created_at) VALUES (1, 'pk_a', 'A', 'EUR', 'en-IE', 'UTC', 100)"
            )
            assert 12 in await apply_migrations(conn)
            store = await conn.execute_fetchall(
                "SELECT name, contact_email, contact_phone FROM stores"
            )
            plan = await conn.execute_fetchall(
                "EXPLAIN QUERY PLAN SELECT arm FROM exposures WHERE visitor_id = 'v'"
                " AND created_at <= 5"
            )
            return [tuple(row) for row in store], " ".join(row[-1] for row in plan)
        finally:
            await conn.close()

    stores, plan = asyncio.run(run())
    assert stores == [("A", "", "")]
    assert "INDEX exposures_by_visitor" in plan  # covering since 0015
