"""SQL for the catalog."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.catalog.service import Product, ProductInput
from server.db import Database, like_pattern

_COLUMNS = (
    "id, sku, product_group, name, variant, description, price, compare_at_price, image_url,"
    " weight_grams, track_stock, stock, allow_oversell, active"
)


def product_from_row(row: Any) -> Product:
    return Product(
        id=row["id"],
        sku=row["sku"],
        product_group=row["product_group"],
        name=row["name"],
        variant=row["variant"],
        description=row["description"],
        price=row["price"],
        compare_at_price=row["compare_at_price"],
        image_url=row["image_url"],
        weight_grams=row["weight_grams"],
        track_stock=bool(row["track_stock"]),
        stock=row["stock"],
        allow_oversell=bool(row["allow_oversell"]),
        active=bool(row["active"]),
    )


async def find_by_sku(
    conn: aiosqlite.Connection | Database, store_id: int, sku: str
) -> Product | None:
    found = await products_by_skus(conn, store_id, [sku])
    return found.get(sku)


async def products_by_skus(
    conn: aiosqlite.Connection | Database, store_id: int, skus: Iterable[str]
) -> dict[str, Product]:
    wanted = list(dict.fromkeys(skus))
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    sql = f"SELECT {_COLUMNS} FROM products WHERE store_id = ? AND sku IN ({marks})"
    rows = await _fetch_all(conn, sql, [store_id, *wanted])
    return {row["sku"]: product_from_row(row) for row in rows}


async def list_products(db: Database, store_id: int) -> list[Product]:
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM products WHERE store_id = ? ORDER BY product_group, id",
        (store_id,),
    )
    return [product_from_row(row) for row in rows]


async def has_active_products(db: Database, store_id: int) -> bool:
    row = await db.fetch_one(
        "SELECT 1 FROM products WHERE store_id = ? AND active = 1 LIMIT 1", (store_id,)
    )
    return row is not None


async def upsert_product(
    conn: aiosqlite.Connection, store_id: int, product: ProductInput, now_ms: int
) -> int:
    """Insert the SKU, or update it in place when the store already has it."""
    cursor = await conn.execute(
        "INSERT INTO products (store_id, sku, product_group, name, variant, description, price,"
        " compare_at_price, image_url, weight_grams, track_stock, stock, allow_oversell, active,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (store_id, sku) DO UPDATE SET product_group = excluded.product_group,"
        " name = excluded.name, variant = excluded.variant, description = excluded.description,"
        " price = excluded.price, compare_at_price = excluded.compare_at_price,"
        " image_url = excluded.image_url, weight_grams = excluded.weight_grams,"
        " track_stock = excluded.track_stock, stock = excluded.stock,"
        " allow_oversell = excluded.allow_oversell, active = excluded.active,"
        " updated_at = excluded.updated_at"
        " RETURNING id",
        (
            store_id, product.sku, product.product_group, product.name, product.variant,
            product.description, product.price, product.compare_at_price, product.image_url,
            product.weight_grams, int(product.track_stock), product.stock,
            int(product.allow_oversell), int(product.active), now_ms, now_ms,
        ),
    )  # fmt: skip
    row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def _fetch_all(
    conn: aiosqlite.Connection | Database, sql: str, params: list[Any]
) -> list[Any]:
    if isinstance(conn, Database):
        return await conn.fetch_all(sql, params)
    async with conn.execute(sql, params) as cursor:
        return list(await cursor.fetchall())


async def find_product(db: Database, store_id: int, product_id: int) -> Product | None:
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM products WHERE store_id = ? AND id = ?", (store_id, product_id)
    )
    return None if row is None else product_from_row(row)


async def sku_owner(conn: aiosqlite.Connection, store_id: int, sku: str) -> int | None:
    """The id of the store's product with this SKU, if there is one."""
    rows = await _fetch_all(
        conn, "SELECT id FROM products WHERE store_id = ? AND sku = ?", [store_id, sku]
    )
    return rows[0]["id"] if rows else None


async def update_product(
    conn: aiosqlite.Connection, store_id: int, product_id: int, product: ProductInput, now_ms: int
) -> bool:
    """Overwrite one product, SKU included; False when the store has no such product."""
    cursor = await conn.execute(
        "UPDATE products SET sku = ?, product_group = ?, name = ?, variant = ?, description = ?,"
        " price = ?, compare_at_price = ?, image_url = ?, weight_grams = ?, track_stock = ?,"
        " stock = ?, allow_oversell = ?, active = ?, updated_at = ?"
        " WHERE store_id = ? AND id = ?",
        (
            product.sku, product.product_group, product.name, product.variant,
            product.description, product.price, product.compare_at_price, product.image_url,
            product.weight_grams, int(product.track_stock), product.stock,
            int(product.allow_oversell), int(product.active), now_ms, store_id, product_id,
        ),
    )  # fmt: skip
    return cursor.rowcount == 1


async def set_product_active(
    conn: aiosqlite.Connection, store_id: int, product_id: int, active: bool, now_ms: int
) -> bool:
    """Archive (active False) or restore a product; False when the store has no such product."""
    cursor = await conn.execute(
        "UPDATE products SET active = ?, updated_at = ? WHERE store_id = ? AND id = ?",
        (int(active), now_ms, store_id, product_id),
    )
    return cursor.rowcount == 1


# ---- the admin's product list: filtered, searched, a page of product groups at a time -----


@dataclass(frozen=True)
class ProductSearch:
    show: str = "active"  # "active", "archived" or "all"
    query: str = ""  # part of a name, SKU, variant or product group


def _search_where(
    store_id: int, search: ProductSearch, *, status: bool = True
) -> tuple[str, list[Any]]:
    clauses, params = ["store_id = ?"], [store_id]
    if status and search.show != "all":
        clauses.append("active = ?")
        params.append(int(search.show == "active"))
    if search.query:
        # LIKE ignores case (ASCII letters); the pattern's own % and _ are literal.
        pattern = "%" + like_pattern(search.query) + "%"
        columns = ("name", "sku", "variant", "product_group")
        clauses.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in columns) + ")")
        params += [pattern] * len(columns)
    return " AND ".join(clauses), params


async def count_by_status(db: Database, store_id: int, search: ProductSearch) -> dict[str, int]:
    """Products matching the search, by status: {"active", "archived", "all"}."""
    where, params = _search_where(store_id, search, status=False)
    rows = await db.fetch_all(
        f"SELECT active, count(*) AS n FROM products WHERE {where} GROUP BY active", params
    )
    counts = {bool(row["active"]): row["n"] for row in rows}
    active, archived = counts.get(True, 0), counts.get(False, 0)
    return {"active": active, "archived": archived, "all": active + archived}


async def count_groups(db: Database, store_id: int, search: ProductSearch) -> int:
    where, params = _search_where(store_id, search)
    return int(
        await db.fetch_value(
            f"SELECT count(DISTINCT product_group) FROM products WHERE {where}", params
        )
    )


async def page_of_groups(
    db: Database, store_id: int, search: ProductSearch, *, limit: int, offset: int
) -> list[Product]:
    """The matching products of one page of product groups (groups in name order), so a
    group's variants are never split across two pages."""
    where, params = _search_where(store_id, search)
    rows = await db.fetch_all(
        f"WITH page AS (SELECT product_group FROM products WHERE {where}"
        " GROUP BY product_group ORDER BY lower(product_group), product_group LIMIT ? OFFSET ?)"
        f" SELECT {_COLUMNS} FROM products WHERE {where}"
        " AND product_group IN (SELECT product_group FROM page) ORDER BY product_group, id",
        [*params, limit, offset, *params],
    )
    return [product_from_row(row) for row in rows]


async def products_in_group(db: Database, store_id: int, group: str) -> list[Product]:
    """Every product (variant) of a group, archived ones too, oldest first."""
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM products WHERE store_id = ? AND product_group = ? ORDER BY id",
        (store_id, group),
    )
    return [product_from_row(row) for row in rows]


async def park_sku(conn: aiosqlite.Connection, store_id: int, product_id: int) -> None:
    """Give a product a SKU no one else can have (``~moving-{id}``), so that the SKUs of
    several products saved together may swap between them."""
    await conn.execute(
        "UPDATE products SET sku = ? WHERE store_id = ? AND id = ?",
        (f"~moving-{product_id}", store_id, product_id),
    )


async def stock_of(conn: aiosqlite.Connection, store_id: int, product_id: int) -> int | None:
    cursor = await conn.execute(
        "SELECT stock FROM products WHERE store_id = ? AND id = ?", (store_id, product_id)
    )
    row = await cursor.fetchone()
    return None if row is None else row[0]
