"""Orders as checkout writes them, inserted directly: for the admin's order pages and walks."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from server.catalog.queries import upsert_product
from server.catalog.service import ProductInput
from server.services import services

# 1 July 2025, 12:00 UTC: 13:00 in Dublin (Irish summer time).
JULY_1_NOON_UTC = int(datetime(2025, 7, 1, 12, tzinfo=UTC).timestamp() * 1000)
ADDRESS = {
    "name": "Aoife Byrne", "line1": "12 Harbour Road", "line2": "Flat 3", "city": "Howth",
    "region": "Dublin", "postal_code": "D13 X2Y4", "country": "IE",
}  # fmt: skip


async def insert_order(app, store, number, *, status="paid", email="aoife@example.test",
                       created_at=JULY_1_NOON_UTC, **columns):  # fmt: skip
    """An order as checkout writes it: two lines, totals and a 'placed' event."""
    order = {
        "public_id": f"ord_test{number}", "store_id": store.id, "number": number,
        "status": status, "email": email, "phone": "+353 1 555 0100",
        "shipping_name": ADDRESS["name"], "shipping_address": json.dumps(ADDRESS),
        "shipping_method": "Standard post", "delivery_from": "2025-07-03",
        "delivery_to": "2025-07-07", "currency": store.currency, "prices_include_tax": 1,
        "subtotal": 5400, "discount_total": 540, "shipping_total": 495, "tax_total": 1001,
        "total": 5355, "discount_code": "WELCOME10", "payment_method": "test_card",
        "card_brand": "Visa", "card_last4": "4242", "created_at": created_at,
        "updated_at": created_at,
    } | columns  # fmt: skip

    async def write(conn):
        mug = await upsert_product(conn, store.id, ProductInput("MUG-1", "Mug", 1800), 0)
        cursor = await conn.execute(
            f"INSERT INTO orders ({', '.join(order)}) VALUES ({', '.join('?' * len(order))})",
            list(order.values()),
        )
        order_id = cursor.lastrowid
        await conn.execute(
            "INSERT INTO order_items (order_id, product_id, sku, name, variant, unit_price,"
            " quantity, subtotal, discount, tax) VALUES (?, ?, 'MUG-1', 'Mug', 'Blue', 1800,"
            " 3, 5400, 540, 1001)",
            (order_id, mug),
        )
        await conn.execute(
            "INSERT INTO order_events (order_id, kind, note, created_at)"
            " VALUES (?, 'placed', 'Placed with test_card', ?)",
            (order_id, created_at),
        )
        return order_id

    return await services(app).db.write(write)
