"""SQL for reviews' imports (``server.reviews.importing``): each CSV import kept, listed for
the merchant, and undone. Writes take an ``aiosqlite.Connection`` inside the single writer's
transaction; reads the ``Database``."""

from __future__ import annotations

from typing import Any

import aiosqlite

from server.db import Database, Reader, read_one
from server.reviews.model import ImportBatch


async def list_imports(db: Database, store_id: int) -> list[ImportBatch]:
    """The store's imports, newest first."""
    rows = await db.fetch_all(
        "SELECT i.id, i.file_name, i.platform, i.imported, u.email, i.created_at,"
        " r.email AS removed_by, i.removed_at FROM review_imports i"
        " LEFT JOIN users u ON u.id = i.user_id LEFT JOIN users r ON r.id = i.removed_by"
        " WHERE i.store_id = ? ORDER BY i.id DESC",
        (store_id,),
    )
    return [
        ImportBatch(row["id"], row["file_name"], row["platform"], row["imported"], row["email"],
                    row["created_at"], row["removed_by"], row["removed_at"])
        for row in rows
    ]  # fmt: skip


async def find_import(conn: Reader, store_id: int, import_id: int) -> Any:
    return await read_one(
        conn,
        "SELECT id, file_name, imported, removed_at FROM review_imports"
        " WHERE id = ? AND store_id = ?",
        (import_id, store_id),
    )


async def insert_import(
    conn: aiosqlite.Connection, store_id: int, file_name: str, platform: str, user_id: int, now: int
) -> int:
    cursor = await conn.execute(
        "INSERT INTO review_imports (store_id, file_name, platform, imported, user_id,"
        " created_at) VALUES (?, ?, ?, 0, ?, ?)",
        (store_id, file_name, platform, user_id, now),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def set_imported(conn: aiosqlite.Connection, import_id: int, imported: int) -> None:
    await conn.execute("UPDATE review_imports SET imported = ? WHERE id = ?", (imported, import_id))


async def delete_imported(
    conn: aiosqlite.Connection, store_id: int, import_id: int, user_id: int, now: int
) -> int:
    """The import's reviews deleted (imported ones only; their votes with them, their log
    entries kept), the import marked removed: how many reviews went."""
    cursor = await conn.execute(
        "DELETE FROM reviews WHERE store_id = ? AND import_id = ? AND source = 'imported'",
        (store_id, import_id),
    )
    await conn.execute(
        "UPDATE review_imports SET removed_at = ?, removed_by = ? WHERE id = ?",
        (now, user_id, import_id),
    )
    return cursor.rowcount
