"""SQL for reading orders in the admin and recording the merchant's status changes."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from server.db import Database, Row, read_one
from server.orders.service import Order, OrderEvent, OrderFilter, OrderItem

DAY_MS = 86_400_000
_COLUMNS = (
    "id, public_id, number, status, email, phone, shipping_name, shipping_address,"
    " shipping_method, delivery_from, delivery_to, currency, prices_include_tax, subtotal,"
    " discount_total, shipping_total, shipping_discount, tax_total, total, discount_code,"
    " payment_method,"
    " card_brand, card_last4, created_at, erased_at"
)


def order_from_row(row: Any) -> Order:
    fields = _as_dict(row)
    fields.pop("store_id", None)  # selected beside the order where the caller needs it
    fields["shipping_address"] = _address(row["shipping_address"])
    fields["prices_include_tax"] = bool(row["prices_include_tax"])
    return Order(**fields)


def _as_dict(row: Any) -> dict[str, Any]:
    return dict(zip(row.keys(), row, strict=True))


def _address(text: str) -> dict[str, str]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


# The search reads the trigram index of emails and names (migration 0015), which matches
# any 3 or more characters: a shorter text finds nothing there (an order number still works).
MIN_SEARCH_CHARS = 3


def _where(store_id: int, wanted: OrderFilter, prefix: str = "") -> tuple[str, list[Any]]:
    """A WHERE clause for the filter; ``prefix`` qualifies columns in a join ("o.").

    The search matches an order number exactly (with or without "#"), or any part of the
    email address or of the name on the order, in any case. Its matches are a list of order
    ids (the number's, and the trigram index's for the text), and only those orders are read:
    the unary ``+`` keeps SQLite, with or without statistics, from walking every order of the
    store (or of the status) by index and testing each against the list instead."""
    query = wanted.query.removeprefix("#").strip()
    ids: list[str] = []
    id_params: list[Any] = []
    if query.isdecimal() and len(query) < 10:
        ids.append("SELECT id FROM orders WHERE store_id = ? AND number = ?")
        id_params += [store_id, int(query)]
    if len(query) >= MIN_SEARCH_CHARS:
        ids.append("SELECT rowid FROM orders_search WHERE orders_search MATCH ?")
        id_params.append(_phrase(query))
    searching = "+" if query else ""
    clauses: list[str] = [f"{searching}{prefix}store_id = ?"]
    params: list[Any] = [store_id]
    if wanted.status:
        clauses.append(f"{searching}{prefix}status = ?")
        params.append(wanted.status)
    if query:
        clauses.append(f"{prefix}id IN ({' UNION ALL '.join(ids)})" if ids else "0")
        params += id_params
    return " AND ".join(clauses), params


def too_short_to_search(wanted: OrderFilter) -> bool:
    """The search text is too short to look for in emails and names (a number still works)."""
    query = wanted.query.removeprefix("#").strip()
    return 0 < len(query) < MIN_SEARCH_CHARS and not query.isdecimal()


def _phrase(text: str) -> str:
    """The text as one FTS5 phrase: matched as it is, quotes and operators included."""
    return '"' + text.replace('"', '""') + '"'


async def list_orders(
    db: Database, store_id: int, wanted: OrderFilter, *, limit: int, offset: int
) -> list[Order]:
    """Newest first."""
    where, params = _where(store_id, wanted)
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM orders WHERE {where} ORDER BY created_at DESC, id DESC"
        " LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [order_from_row(row) for row in rows]


async def count_orders(db: Database, store_id: int, wanted: OrderFilter) -> int:
    where, params = _where(store_id, wanted)
    return int(await db.fetch_value(f"SELECT count(*) FROM orders WHERE {where}", params))


async def find_order(db: Database, store_id: int, number: int) -> Order | None:
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM orders WHERE store_id = ? AND number = ?", (store_id, number)
    )
    return None if row is None else order_from_row(row)


async def find_order_by_public_id(db: Database, public_id: str) -> tuple[int, Order] | None:
    """(store id, order) for a receipt link, which names the order by its public id only."""
    row = await db.fetch_one(
        f"SELECT store_id, {_COLUMNS} FROM orders WHERE public_id = ?", (public_id,)
    )
    return None if row is None else (row["store_id"], order_from_row(row))


async def order_by_id(db: Database, order_id: int) -> Order | None:
    """The order an outbox message links to (its emails are rendered from it)."""
    row = await db.fetch_one(f"SELECT {_COLUMNS} FROM orders WHERE id = ?", (order_id,))
    return None if row is None else order_from_row(row)


async def order_items(db: Database, order_id: int) -> list[OrderItem]:
    rows = await db.fetch_all(
        "SELECT sku, name, variant, unit_price, quantity, subtotal, discount, tax"
        " FROM order_items WHERE order_id = ? ORDER BY name, variant, sku",
        (order_id,),
    )
    return [OrderItem(**_as_dict(row)) for row in rows]


async def order_events(db: Database, order_id: int) -> list[OrderEvent]:
    rows = await db.fetch_all(
        "SELECT kind, note, created_at FROM order_events WHERE order_id = ?"
        " ORDER BY created_at, id",
        (order_id,),
    )
    return [OrderEvent(row["kind"], row["note"], row["created_at"]) for row in rows]


async def current_status(
    conn: aiosqlite.Connection, store_id: int, number: int
) -> tuple[int, str] | None:
    """(id, status) of the order, read inside the caller's write transaction."""
    row = await read_one(
        conn, "SELECT id, status FROM orders WHERE store_id = ? AND number = ?", (store_id, number)
    )
    return None if row is None else (row["id"], row["status"])


async def email_of(conn: aiosqlite.Connection, order_id: int) -> str:
    """The order's email address, read inside the caller's write transaction."""
    row = await read_one(conn, "SELECT email FROM orders WHERE id = ?", (order_id,))
    assert row is not None  # read for an order the transaction has just found
    return str(row["email"])


async def record_status(
    conn: aiosqlite.Connection, order_id: int, status: str, note: str, now_ms: int
) -> None:
    """Set the status and log it in order_events, in the caller's transaction."""
    await conn.execute(
        "UPDATE orders SET status = ?, updated_at = ? WHERE id = ?", (status, now_ms, order_id)
    )
    await conn.execute(
        "INSERT INTO order_events (order_id, kind, note, created_at) VALUES (?, ?, ?, ?)",
        (order_id, status, note, now_ms),
    )


async def code_origin(db: Database, store_id: int, code: str) -> Row | None:
    """The discount row of an order's code, with the offer campaign it was claimed from
    (campaign columns NULL for a code the merchant made, or a campaign since deleted)."""
    return await db.fetch_one(
        "SELECT d.arm, d.campaign_id, c.public_id AS campaign_public_id,"
        " c.name AS campaign_name FROM discounts d"
        " LEFT JOIN campaigns c ON c.id = d.campaign_id"
        " WHERE d.store_id = ? AND d.code = ?",
        (store_id, code),
    )


async def exposures_before(db: Database, order_id: int) -> list[Row]:
    """The campaigns the order's visitor was exposed to within the store's attribution window
    before it, with their arm: the same rule as a campaign's results (see
    server/admin/campaigns/queries.py), which count the order once it is paid."""
    return await db.fetch_all(
        "SELECT c.public_id, c.name, e.arm, e.created_at FROM orders o"
        " JOIN stores s ON s.id = o.store_id"
        " JOIN exposures e ON e.visitor_id = o.visitor_id AND e.created_at <= o.created_at"
        f"  AND o.created_at <= e.created_at + s.attribution_days * {DAY_MS}"
        " JOIN campaigns c ON c.id = e.campaign_id AND c.store_id = o.store_id"
        " WHERE o.id = ? ORDER BY e.created_at, c.id",
        (order_id,),
    )
