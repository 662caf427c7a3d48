"""0008 adds the invitations table and changes nothing else in the schema."""

from __future__ import annotations

import asyncio

import aiosqlite
import pytest

from server.db import migrations
from server.db.migrations import apply_migrations, available_migrations
from tests.unit.migrating import SCHEMA, migrate_before


async def _upgrade(path, monkeypatch) -> tuple[set[tuple], set[tuple], aiosqlite.Connection]:
    conn = await aiosqlite.connect(path, isolation_level=None)
    await conn.execute("PRAGMA foreign_keys = ON")
    await migrate_before(conn, monkeypatch, 8)
    schema_before = {tuple(row) for row in await conn.execute_fetchall(SCHEMA)}
    with monkeypatch.context() as patch:  # 0008 alone: later migrations change more
        upto = [m for m in available_migrations() if m.version <= 8]
        patch.setattr(migrations, "available_migrations", lambda: upto)
        assert await apply_migrations(conn) == [8]
    schema_after = {tuple(row) for row in await conn.execute_fetchall(SCHEMA)}
    return schema_before, schema_after, conn


def test_0008_adds_invitations_and_nothing_else(tmp_path, monkeypatch):
    async def run():
        before, after, conn = await _upgrade(tmp_path / "k.db", monkeypatch)
        try:
            await conn.executescript("""
                INSERT INTO stores (id, public_key, name, currency, locale, timezone, created_at)
                    VALUES (1, 'pk_a', 'A', 'EUR', 'en-IE', 'UTC', 100);
                INSERT INTO invitations (store_id, email, role, created_at)
                    VALUES (1, 'ann@shop.test', 'staff', 100);
            """)
            with pytest.raises(aiosqlite.IntegrityError):  # one per store and email
                await conn.execute(
                    "INSERT INTO invitations (store_id, email, role, created_at)"
                    " VALUES (1, 'ann@shop.test', 'owner', 100)"
                )
            with pytest.raises(aiosqlite.IntegrityError):  # owner or staff only
                await conn.execute(
                    "INSERT INTO invitations (store_id, email, role, created_at)"
                    " VALUES (1, 'bob@shop.test', 'admin', 100)"
                )
            await conn.execute("DELETE FROM stores WHERE id = 1")
            left = await conn.execute_fetchall("SELECT count(*) FROM invitations")
            return before, after, left[0][0]
        finally:
            await conn.close()

    before, after, left = asyncio.run(run())
    added = {(kind, name) for kind, name, _ in after - before}
    assert before - after == set()
    assert added == {("table", "invitations"), ("index", "invitations_by_email")}
    assert left == 0  # a store's invitations go with it
