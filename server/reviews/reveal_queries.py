"""SQL for review links shown in the admin (``server.reviews.revealing``): each showing kept
(a line's review link, or the order's receipt link, which carries every line's), and read
back when a review is published through that line's link."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from server.db import Reader, read_all, read_one


async def order_public_id(db: Reader, store_id: int, number: int) -> str | None:
    row = await read_one(
        db, "SELECT public_id FROM orders WHERE store_id = ? AND number = ?", (store_id, number)
    )
    return None if row is None else row["public_id"]


async def find_order(db: Reader, store_id: int, number: int) -> tuple[int, str] | None:
    """(row id, public id) of the store's order ``number``."""
    row = await read_one(
        db, "SELECT id, public_id FROM orders WHERE store_id = ? AND number = ?", (store_id, number)
    )
    return None if row is None else (row["id"], row["public_id"])


async def record_reveal(
    conn: aiosqlite.Connection,
    store_id: int,
    order_id: int,
    product_id: int | None,
    user_id: int,
    now: int,
) -> None:
    """A showing of the line's review link, or (``product_id`` None) of the order's receipt
    link, which carries every line's."""
    await conn.execute(
        "INSERT INTO review_link_reveals (store_id, order_id, product_id, user_id, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (store_id, order_id, product_id, user_id, now),
    )


@dataclass(frozen=True)
class Reveals:
    """Who was shown a line's link in the admin, directly or through the order's receipt link."""

    members: tuple[str, ...]  # each member's email once, in order of first showing; "" gone
    through_receipt: bool  # the receipt link was among what was shown


async def reveals_of_line(db: Reader, order_id: int, product_id: int) -> Reveals:
    """Every showing that gave away the line's link: its own, and the order's receipt link's
    (that link never expires, so a showing before the order shipped counts too)."""
    rows = await read_all(
        db,
        "SELECT coalesce(u.email, '') AS email, v.product_id IS NULL AS receipt"
        " FROM review_link_reveals v LEFT JOIN users u ON u.id = v.user_id"
        " WHERE v.order_id = ? AND (v.product_id = ? OR v.product_id IS NULL) ORDER BY v.id",
        (order_id, product_id),
    )
    members = tuple(dict.fromkeys(row["email"] for row in rows))
    return Reveals(members, any(row["receipt"] for row in rows))
