"""Exposures and orders written straight into the database, for the tests of campaign results
and the store overview (attribution counts them, whoever wrote them)."""

from __future__ import annotations

DAY = 86_400_000
T0 = 1_790_000_000_000


async def insert_exposure(db, campaign_id, visitor, arm, at, signal="exit_top"):
    await db.write(
        lambda conn: conn.execute(
            "INSERT INTO exposures (campaign_id, visitor_id, arm, signal, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (campaign_id, visitor, arm, signal, at),
        )
    )


async def insert_order(
    db, store_id, number, visitor, at, total, discount=0, code=None, status="paid"
):
    await db.write(
        lambda conn: conn.execute(
            "INSERT INTO orders (public_id, store_id, number, status, email, shipping_name,"
            " shipping_address, shipping_method, delivery_from, delivery_to, currency,"
            " prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total,"
            " discount_code, payment_method, created_at, updated_at, visitor_id)"
            " VALUES (?, ?, ?, ?, 'a@b.test', 'A', '{}', 'Post', '2030-01-01',"
            " '2030-01-02', 'EUR', 1, ?, ?, 0, 0, ?, ?, 'test_card', ?, ?, ?)",
            (
                f"ord_{number}",
                store_id,
                number,
                status,
                total + discount,
                discount,
                total,
                code,
                at,
                at,
                visitor,
            ),
        )
    )
