"""Shared by the migration tests: a database as an older release left it, and the schema a
migration leaves behind."""

from __future__ import annotations

import aiosqlite
import pytest

from server.db import migrations
from server.db.migrations import apply_migrations, available_migrations

# SQLite's own tables and indexes (sqlite_sequence, autoindexes) follow from what is declared.
SCHEMA = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"


async def migrate_before(
    conn: aiosqlite.Connection, monkeypatch: pytest.MonkeyPatch, version: int
) -> None:
    """Apply every migration older than ``version`` and none after: the database as the release
    before that migration left it, for a test to fill with rows and then upgrade."""
    with monkeypatch.context() as patch:
        before = [m for m in available_migrations() if m.version < version]
        patch.setattr(migrations, "available_migrations", lambda: before)
        await apply_migrations(conn)


async def migrate_through(
    conn: aiosqlite.Connection, monkeypatch: pytest.MonkeyPatch, version: int
) -> list[int]:
    """Apply every migration up to ``version`` and none after (what a test of that migration
    looks at, whatever later ones change); the versions applied."""
    with monkeypatch.context() as patch:
        upto = [m for m in available_migrations() if m.version <= version]
        patch.setattr(migrations, "available_migrations", lambda: upto)
        return await apply_migrations(conn)


async def store_with_cart(conn: aiosqlite.Connection) -> None:
    """Store 1 (EUR, UTC) and its cart 1: what a recovery migration's rows hang from."""
    await conn.execute(
        "INSERT INTO stores (id, public_key, name, currency, locale, timezone, created_at)"
        " VALUES (1, 'pk_a', 'A', 'EUR', 'en-IE', 'UTC', 100)"
    )
    await conn.execute(
        "INSERT INTO carts (id, public_id, store_id, created_at, updated_at)"
        " VALUES (1, 'c_one', 1, 0, 0)"
    )
