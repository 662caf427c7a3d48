"""SQL for stores and their allowed origins."""

from __future__ import annotations

import aiosqlite

from server.db import Database, Reader, read_one
from server.security import new_public_id
from server.stores.service import NewStore, Store


async def insert_store(conn: aiosqlite.Connection, new: NewStore, now_ms: int) -> Store:
    key = new_public_id("pk", 12)
    cursor = await conn.execute(
        "INSERT INTO stores (public_key, name, currency, locale, timezone, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (key, new.name, new.currency, new.locale, new.timezone, now_ms),
    )
    store_id = cursor.lastrowid
    assert store_id is not None
    await conn.executemany(
        "INSERT INTO store_origins (store_id, origin) VALUES (?, ?)",
        [(store_id, origin) for origin in new.origins],
    )
    return Store(
        store_id, key, new.name, new.currency, new.locale, new.timezone, frozenset(new.origins)
    )


async def list_stores(db: Database) -> list[Store]:
    rows = await db.fetch_all(
        "SELECT s.id, s.public_key, s.name, s.currency, s.locale, s.timezone,"
        " group_concat(o.origin, ' ') AS origins"
        " FROM stores s LEFT JOIN store_origins o ON o.store_id = s.id"
        " GROUP BY s.id ORDER BY s.id"
    )
    return [
        Store(
            r["id"], r["public_key"], r["name"], r["currency"], r["locale"], r["timezone"],
            frozenset((r["origins"] or "").split()),
        )
        for r in rows
    ]  # fmt: skip


async def interruptions_per_week(conn: Reader, store_id: int) -> int:
    row = await read_one(
        conn, "SELECT interruptions_per_week FROM stores WHERE id = ?", (store_id,)
    )
    return 0 if row is None else int(row["interruptions_per_week"])
