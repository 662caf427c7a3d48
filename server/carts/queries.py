"""SQL for carts and their lines."""

from __future__ import annotations

import aiosqlite

from server.carts.service import Cart, CartLine
from server.catalog.queries import product_from_row
from server.db import Reader, read_all, read_one
from server.security import new_public_id


async def insert_cart(conn: aiosqlite.Connection, store_id: int, now_ms: int) -> str:
    public_id = new_public_id("cart", 12)
    await conn.execute(
        "INSERT INTO carts (public_id, store_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
        (public_id, store_id, now_ms, now_ms),
    )
    return public_id


async def load_cart(conn: Reader, public_id: str) -> Cart | None:
    row = await read_one(
        conn,
        "SELECT id, public_id, store_id, status, discount_code FROM carts WHERE public_id = ?",
        (public_id,),
    )
    if row is None:
        return None
    items = await read_all(
        conn,
        "SELECT p.*, i.quantity AS cart_quantity, i.gift_of_discount_id FROM cart_items i"
        " JOIN products p ON p.id = i.product_id WHERE i.cart_id = ? ORDER BY i.added_at, p.id",
        (row["id"],),
    )
    lines = tuple(
        CartLine(product_from_row(item), item["cart_quantity"], item["gift_of_discount_id"])
        for item in items
    )
    return Cart(
        row["id"], row["public_id"], row["store_id"], row["status"], row["discount_code"], lines
    )


async def set_line(
    conn: aiosqlite.Connection, cart_id: int, product_id: int, quantity: int, now_ms: int
) -> None:
    """Set a line's quantity; 0 removes the line."""
    if quantity == 0:
        await conn.execute(
            "DELETE FROM cart_items WHERE cart_id = ? AND product_id = ?", (cart_id, product_id)
        )
    else:
        await conn.execute(
            "INSERT INTO cart_items (cart_id, product_id, quantity, added_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity",
            (cart_id, product_id, quantity, now_ms),
        )
    await touch(conn, cart_id, now_ms)


async def set_discount_code(
    conn: aiosqlite.Connection, cart_id: int, code: str | None, now_ms: int
) -> None:
    await conn.execute("UPDATE carts SET discount_code = ? WHERE id = ?", (code, cart_id))
    await touch(conn, cart_id, now_ms)


async def touch(conn: aiosqlite.Connection, cart_id: int, now_ms: int) -> None:
    await conn.execute("UPDATE carts SET updated_at = ? WHERE id = ?", (now_ms, cart_id))


async def add_gift_line(
    conn: aiosqlite.Connection, cart_id: int, product_id: int, discount_id: int, now_ms: int
) -> None:
    """One unit of a coupon's free gift, marked as the coupon's."""
    await conn.execute(
        "INSERT INTO cart_items (cart_id, product_id, quantity, added_at, gift_of_discount_id)"
        " VALUES (?, ?, 1, ?, ?)",
        (cart_id, product_id, now_ms, discount_id),
    )
    await touch(conn, cart_id, now_ms)


async def remove_gifts(
    conn: aiosqlite.Connection, cart_id: int, now_ms: int, keep_discount_id: int | None = None
) -> int:
    """Take the free gift's unit out of the cart for every coupon but ``keep_discount_id``
    (units the shopper added on top stay, at full price); return how many lines changed."""
    gift = "gift_of_discount_id IS NOT NULL AND gift_of_discount_id IS NOT ?"
    deleted = await conn.execute(
        f"DELETE FROM cart_items WHERE cart_id = ? AND quantity = 1 AND {gift}",
        (cart_id, keep_discount_id),
    )
    reduced = await conn.execute(
        "UPDATE cart_items SET quantity = quantity - 1, gift_of_discount_id = NULL"
        f" WHERE cart_id = ? AND {gift}",
        (cart_id, keep_discount_id),
    )
    changed = deleted.rowcount + reduced.rowcount
    if changed:
        await touch(conn, cart_id, now_ms)
    return changed


async def remove_gift_of(
    conn: aiosqlite.Connection, cart_id: int, discount_id: int, now_ms: int
) -> None:
    """Take one coupon's free gift out of a cart (units the shopper added stay)."""
    await conn.execute(
        "DELETE FROM cart_items WHERE cart_id = ? AND gift_of_discount_id = ? AND quantity = 1",
        (cart_id, discount_id),
    )
    await conn.execute(
        "UPDATE cart_items SET quantity = quantity - 1, gift_of_discount_id = NULL"
        " WHERE cart_id = ? AND gift_of_discount_id = ?",
        (cart_id, discount_id),
    )
    await touch(conn, cart_id, now_ms)
