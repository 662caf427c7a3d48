"""Upgrading to memberships (0006) keeps what every login could reach: all stores, as owner."""

from __future__ import annotations

import asyncio

import aiosqlite

from server.db.migrations import apply_migrations
from tests.unit.migrating import migrate_before


async def _upgrade(path, monkeypatch) -> list[tuple]:
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        await conn.execute("PRAGMA foreign_keys = ON")
        await migrate_before(conn, monkeypatch, 6)
        await conn.executescript("""
            INSERT INTO stores (id, public_key, name, currency, locale, timezone, created_at)
                VALUES (1, 'pk_a', 'A', 'EUR', 'en-IE', 'UTC', 100),
                       (2, 'pk_b', 'B', 'EUR', 'en-IE', 'UTC', 300);
            INSERT INTO users (id, email, password_hash, created_at)
                VALUES (1, 'ann@shop.test', 'x', 200), (2, 'bob@shop.test', 'x', 50);
        """)
        assert 6 in await apply_migrations(conn)
        return await conn.execute_fetchall(
            "SELECT user_id, store_id, role, created_at FROM memberships ORDER BY user_id, store_id"
        )
    finally:
        await conn.close()


def test_every_existing_login_becomes_owner_of_every_existing_store(tmp_path, monkeypatch):
    rows = asyncio.run(_upgrade(tmp_path / "k.db", monkeypatch))
    # Member since both the login and the store existed.
    assert [tuple(row) for row in rows] == [
        (1, 1, "owner", 200),
        (1, 2, "owner", 300),
        (2, 1, "owner", 100),
        (2, 2, "owner", 300),
    ]
