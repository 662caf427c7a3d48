"""SQL for review links shown in the admin (``server.reviews.revealing``): each showing kept,
and read back when a review is published through that line's link."""

from __future__ import annotations

import aiosqlite

from server.db import Reader, read_one


async def order_public_id(db: Reader, store_id: int, number: int) -> str | None:
    row = await read_one(
        db, "SELECT public_id FROM orders WHERE store_id = ? AND number = ?", (store_id, number)
    )
    return None if row is None else row["public_id"]


async def record_reveal(
    conn: aiosqlite.Connection,
    store_id: int,
    order_id: int,
    product_id: int,
    user_id: int,
    now: int,
) -> None:
    await conn.execute(
        "INSERT INTO review_link_reveals (store_id, order_id, product_id, user_id, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (store_id, order_id, product_id, user_id, now),
    )


async def last_revealed_to(db: Reader, order_id: int, product_id: int) -> str | None:
    """The email of the member the line's link was last shown to in the admin; "" when that
    login is gone; None when it never was."""
    row = await read_one(
        db,
        "SELECT coalesce(u.email, '') AS email FROM review_link_reveals v"
        " LEFT JOIN users u ON u.id = v.user_id"
        " WHERE v.order_id = ? AND v.product_id = ? ORDER BY v.id DESC LIMIT 1",
        (order_id, product_id),
    )
    return None if row is None else row["email"]
