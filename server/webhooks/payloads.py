"""The ``data`` of each event type, with the stable schema README.md documents ("Webhooks").

No personal data goes into a payload (no shopper's email, phone, name or address): the
payload is stored in the outbox row until the message's retention ends, out of reach of a
shopper's erasure, and sent to a third party's URL. A receiver gets the order's public id
and number and looks the shopper up in Keepcart's admin. Money is integer minor units with
an ISO 4217 currency, as everywhere.

Orders are read here (not in ``server.orders``) because checkout, below orders, emits
``order.created`` as it writes the order.
"""

from __future__ import annotations

from typing import Any

import aiosqlite

from server.db import read_all, read_one
from server.webhooks import queries
from server.webhooks.emitting import emit, iso_time


async def order_data(conn: aiosqlite.Connection, order_id: int) -> dict[str, Any]:
    """An order as its events carry it, read inside the write that changes it."""
    order = await read_one(
        conn,
        "SELECT public_id, number, status, currency, subtotal, discount_total, shipping_total,"
        " tax_total, total, prices_include_tax, discount_code, payment_method, shipping_method,"
        " delivery_from, delivery_to, created_at, updated_at FROM orders WHERE id = ?",
        (order_id,),
    )
    assert order is not None  # the caller's write has it
    items = await read_all(
        conn,
        "SELECT sku, name, variant, unit_price, quantity, subtotal, discount, tax"
        " FROM order_items WHERE order_id = ? ORDER BY rowid",
        (order_id,),
    )
    return {
        "order_id": order["public_id"],
        "number": order["number"],
        "status": order["status"],
        "currency": order["currency"],
        "totals": {
            "subtotal": order["subtotal"],
            "discount": order["discount_total"],
            "shipping": order["shipping_total"],
            "tax": order["tax_total"],
            "total": order["total"],
            "prices_include_tax": bool(order["prices_include_tax"]),
        },
        "discount_code": order["discount_code"],
        "payment_method": order["payment_method"],
        "shipping_method": order["shipping_method"],
        "delivery": {"from": order["delivery_from"], "to": order["delivery_to"]},
        "items": [dict(item) for item in items],
        "created_at": iso_time(order["created_at"]),
        "updated_at": iso_time(order["updated_at"]),
    }


async def emit_order_event(
    conn: aiosqlite.Connection, store_id: int, order_id: int, event_type: str, now: int
) -> None:
    """``event_type`` about the order, as it is in the caller's write (read only when an
    endpoint wants it)."""
    if await queries.subscribed(conn, store_id, event_type):
        await emit(conn, store_id, event_type, await order_data(conn, order_id), now)
