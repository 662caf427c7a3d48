"""SQL for reviews' imports (``server.reviews.importing``): each CSV import kept, listed for
the merchant, and undone. Writes take an ``aiosqlite.Connection`` inside the single writer's
transaction; reads the ``Database``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite

from server.db import Database, Reader, read_all, read_one
from server.reviews.model import IMPORTED, ImportBatch, ReviewInput
from server.security import new_public_id

_LOOKUP_BATCH = 400  # SKUs per query: well within SQLite's limit on parameters


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


async def store_platforms(db: Database, store_id: int) -> tuple[str, ...]:
    """Where the store's published imported reviews come from (the platforms its imports
    named); () when it shows none."""
    rows = await db.fetch_all(
        "SELECT DISTINCT i.platform FROM review_imports i WHERE i.store_id = ?"
        " AND i.removed_at IS NULL AND EXISTS (SELECT 1 FROM reviews r"
        "  WHERE r.import_id = i.id AND r.status = 'published') ORDER BY i.platform",
        (store_id,),
    )
    return tuple(row["platform"] for row in rows)


async def find_import(conn: Reader, store_id: int, import_id: int) -> Any:
    return await read_one(
        conn,
        "SELECT id, file_name, imported, removed_at FROM review_imports"
        " WHERE id = ? AND store_id = ?",
        (import_id, store_id),
    )


async def insert_import(
    conn: aiosqlite.Connection,
    store_id: int,
    file_name: str,
    platform: str,
    imported: int,
    user_id: int,
    now: int,
) -> int:
    cursor = await conn.execute(
        "INSERT INTO review_imports (store_id, file_name, platform, imported, user_id,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (store_id, file_name, platform, imported, user_id, now),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def insert_imported_reviews(
    conn: aiosqlite.Connection,
    store_id: int,
    import_id: int,
    reviews: Sequence[tuple[int, ReviewInput, int, str]],
) -> None:
    """Every review of an import in one call: (product id, review, written at ms, its row's
    hash) each."""
    await conn.executemany(
        "INSERT INTO reviews (public_id, store_id, product_id, source, import_id, rating, title,"
        " body, display_name, created_at, import_row_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?)",
        [
            (new_public_id("rev"), store_id, product_id, IMPORTED, import_id, review.rating,
             review.title, review.body, review.name, created_at, digest)
            for product_id, review, created_at, digest in reviews
        ],
    )  # fmt: skip


async def log_imported(
    conn: aiosqlite.Connection, store_id: int, import_id: int, user_id: int, now: int
) -> None:
    """Each review of the import gets its "import" entry in the moderation log."""
    await conn.execute(
        "INSERT INTO review_moderation (review_id, store_id, import_id, action, user_id,"
        " created_at) SELECT id, store_id, import_id, 'import', ?, ? FROM reviews"
        " WHERE store_id = ? AND import_id = ? ORDER BY id",
        (user_id, now, store_id, import_id),
    )


async def delete_imported(
    conn: aiosqlite.Connection, store_id: int, import_id: int, user_id: int, now: int
) -> int:
    """The import's reviews deleted (imported ones only; their votes with them, their log
    entries kept), the import marked removed: how many reviews went. The shop's replies in
    their log entries go first: a reply may quote its review's writer, who is gone."""
    await conn.execute(
        "UPDATE review_moderation SET detail = '' WHERE action = 'reply' AND review_id IN"
        " (SELECT id FROM reviews WHERE store_id = ? AND import_id = ? AND source = 'imported')",
        (store_id, import_id),
    )
    cursor = await conn.execute(
        "DELETE FROM reviews WHERE store_id = ? AND import_id = ? AND source = 'imported'",
        (store_id, import_id),
    )
    await conn.execute(
        "UPDATE review_imports SET removed_at = ?, removed_by = ? WHERE id = ?",
        (now, user_id, import_id),
    )
    return cursor.rowcount


# ---- checking a file against the store, before the write ----------------------------------


async def imports_state(db: Reader, store_id: int) -> tuple[int, ...]:
    """What changes whenever an import is made or removed: a plan checked against one state
    is written as checked only while the store is still in that state."""
    row = await read_one(
        db,
        "SELECT count(*) AS n, coalesce(max(id), 0) AS last, count(removed_at) AS removed"
        " FROM review_imports WHERE store_id = ?",
        (store_id,),
    )
    assert row is not None
    return (row["n"], row["last"], row["removed"])


async def imported_rows(db: Reader, store_id: int) -> list[Any]:
    """The store's imported reviews (but those removed at their writers' request: their
    tombstones stand for them), with their row hashes (NULL when imported before 0022)."""
    return await read_all(
        db,
        "SELECT import_row_hash, product_id, rating, title, body, display_name, created_at"
        " FROM reviews WHERE store_id = ? AND source = 'imported' AND status <> 'removed'",
        (store_id,),
    )


async def row_hash_of(conn: Reader, review_id: int) -> tuple[str | None, str]:
    """(the imported review's row hash, NULL when imported before 0022; its store's timezone)."""
    row = await read_one(
        conn,
        "SELECT r.import_row_hash, s.timezone FROM reviews r JOIN stores s ON s.id = r.store_id"
        " WHERE r.id = ?",
        (review_id,),
    )
    assert row is not None
    return row["import_row_hash"], row["timezone"]


async def removed_rows(db: Reader, store_id: int) -> set[str]:
    """The hashes of the store's imported rows removed at their writers' request (``row_hash``;
    keyed ones, from migration 0021's removals, too)."""
    rows = await read_all(
        db, "SELECT row_hash FROM review_removed_imports WHERE store_id = ?", (store_id,)
    )
    return {row["row_hash"] for row in rows}


async def keep_removed_row(
    conn: aiosqlite.Connection, store_id: int, row_hash: str, now: int
) -> None:
    await conn.execute(
        "INSERT OR IGNORE INTO review_removed_imports (store_id, row_hash, created_at)"
        " VALUES (?, ?, ?)",
        (store_id, row_hash, now),
    )


async def products_for(db: Reader, store_id: int, skus: set[str]) -> dict[str, int]:
    """{sku: product id}: the product with that SKU, else the first of the group so named."""
    found: dict[str, int] = {}
    wanted = sorted(skus)
    for start in range(0, len(wanted), _LOOKUP_BATCH):
        batch = wanted[start : start + _LOOKUP_BATCH]
        marks = ", ".join("?" * len(batch))
        rows = await read_all(
            db,
            f"SELECT id, sku, product_group FROM products WHERE store_id = ?"
            f" AND (sku IN ({marks}) OR product_group IN ({marks})) ORDER BY id",
            [store_id, *batch, *batch],
        )
        found |= {row["sku"]: row["id"] for row in rows if row["sku"] in skus}
        for row in rows:  # a group's code: its first product (rows are in id order)
            if row["product_group"] in skus and row["product_group"] not in found:
                found[row["product_group"]] = row["id"]
    return found
