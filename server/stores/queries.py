"""SQL for stores and their allowed origins."""

from __future__ import annotations

import aiosqlite

from server.db import Database, Reader, read_one
from server.security import new_public_id
from server.stores.service import NewStore, Store, StoreSettings


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
        " s.contact_email, s.contact_phone, group_concat(o.origin, ' ') AS origins"
        " FROM stores s LEFT JOIN store_origins o ON o.store_id = s.id"
        " GROUP BY s.id ORDER BY s.id"
    )
    return [
        Store(
            r["id"], r["public_key"], r["name"], r["currency"], r["locale"], r["timezone"],
            frozenset((r["origins"] or "").split()), r["contact_email"], r["contact_phone"],
        )
        for r in rows
    ]  # fmt: skip


async def interruptions_per_week(conn: Reader, store_id: int) -> int:
    row = await read_one(
        conn, "SELECT interruptions_per_week FROM stores WHERE id = ?", (store_id,)
    )
    return 0 if row is None else int(row["interruptions_per_week"])


async def has_orders(conn: Reader, store_id: int) -> bool:
    row = await read_one(conn, "SELECT 1 FROM orders WHERE store_id = ? LIMIT 1", (store_id,))
    return row is not None


async def update_store(conn: aiosqlite.Connection, store_id: int, new: StoreSettings) -> bool:
    """Overwrite the store's settings and replace its origins; False when there is no such
    store. Run inside the caller's write transaction."""
    cursor = await conn.execute(
        "UPDATE stores SET name = ?, currency = ?, locale = ?, timezone = ?, contact_email = ?,"
        " contact_phone = ? WHERE id = ?",
        (new.name, new.currency, new.locale, new.timezone, new.contact_email,
         new.contact_phone, store_id),
    )  # fmt: skip
    if cursor.rowcount != 1:
        return False
    await conn.execute("DELETE FROM store_origins WHERE store_id = ?", (store_id,))
    await conn.executemany(
        "INSERT INTO store_origins (store_id, origin) VALUES (?, ?)",
        [(store_id, origin) for origin in new.origins],
    )
    return True


async def currency_of(conn: Reader, store_id: int) -> str | None:
    row = await read_one(conn, "SELECT currency FROM stores WHERE id = ?", (store_id,))
    return None if row is None else str(row["currency"])


async def currency_now(conn: aiosqlite.Connection, store_id: int) -> str | None:
    """The store's currency as the database has it now (a cached Store may be older)."""
    cursor = await conn.execute("SELECT currency FROM stores WHERE id = ?", (store_id,))
    row = await cursor.fetchone()
    return None if row is None else row[0]
