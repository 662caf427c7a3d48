"""SQL the cart and checkout rules read (settings, shipping, taxes and discounts), and the
order's write: inside one transaction, the order, its lines, the stock taken and the discount
used (placing.py completes the Idempotency-Key in the same one), so none of them ever exists
without the others."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import aiosqlite

from server.carts.service import Cart
from server.checkout.delivery import delivery_json
from server.checkout.merchant_settings import PHONE_POLICIES, CheckoutSettings
from server.checkout.orders import check_order_stock, reload, shipping_waived
from server.checkout.service import CheckoutRequest
from server.db import Reader, read_all, read_one
from server.errors import Conflict, Unprocessable
from server.payments import Authorization
from server.pricing.rules import Discount, ShippingMethod, TaxRate
from server.security import new_public_id

if TYPE_CHECKING:  # quoting reads the rules above through this module
    from server.checkout.quoting import CartQuote


async def load_settings(conn: Reader, store_id: int) -> CheckoutSettings:
    row = await read_one(
        conn,
        "SELECT country, prices_include_tax, phone_required, payment_methods,"
        " bank_instructions, cod_instructions, floating_cart_button FROM stores WHERE id = ?",
        (store_id,),
    )
    assert row is not None  # settings are read for a store already loaded
    return CheckoutSettings(
        store_id=store_id,
        country=row["country"],
        prices_include_tax=bool(row["prices_include_tax"]),
        phone=PHONE_POLICIES[min(2, max(0, row["phone_required"]))],
        payment_methods=tuple(row["payment_methods"].split()),
        bank_instructions=row["bank_instructions"],
        cod_instructions=row["cod_instructions"],
        floating_cart_button=bool(row["floating_cart_button"]),
    )


async def shipping_methods_for(conn: Reader, store_id: int, country: str) -> list[ShippingMethod]:
    """Methods of the zone that names ``country``, else of the rest-of-world ('*') zone."""
    zones = await read_all(
        conn, "SELECT id, name, countries FROM shipping_zones WHERE store_id = ?", (store_id,)
    )
    named = [z for z in zones if country in z["countries"].replace(",", " ").split()]
    fallback = [z for z in zones if z["countries"].strip() == "*"]
    chosen = (named or fallback)[:1]
    if not chosen:
        return []
    zone = chosen[0]
    rows = await read_all(
        conn,
        "SELECT id, name, kind, rate, tiers, free_over, min_days, max_days FROM shipping_methods"
        " WHERE zone_id = ? ORDER BY position, id",
        (zone["id"],),
    )
    return [
        ShippingMethod(
            id=r["id"], zone=zone["name"], name=r["name"], kind=r["kind"], rate=r["rate"],
            tiers=tuple((int(a), int(b)) for a, b in json.loads(r["tiers"] or "[]")),
            free_over=r["free_over"], min_days=r["min_days"], max_days=r["max_days"],
        )
        for r in rows
    ]  # fmt: skip


async def shipping_countries(conn: Reader, store_id: int) -> set[str] | None:
    """Countries the store ships to; None means everywhere (a rest-of-world zone exists)."""
    zones = await read_all(
        conn, "SELECT countries FROM shipping_zones WHERE store_id = ?", (store_id,)
    )
    codes: set[str] = set()
    for zone in zones:
        listed = zone["countries"].replace(",", " ").split()
        if "*" in listed:
            return None
        codes.update(listed)
    return codes


async def tax_rates(conn: Reader, store_id: int) -> list[TaxRate]:
    rows = await read_all(
        conn, "SELECT country, region, rate, name FROM tax_rates WHERE store_id = ?", (store_id,)
    )
    return [TaxRate(r["country"], r["region"], r["rate"], r["name"]) for r in rows]


async def find_discount(conn: Reader, store_id: int, code: str) -> Discount | None:
    row = await read_one(
        conn,
        "SELECT d.id, d.code, d.kind, d.value, d.min_subtotal, d.starts_at, d.expires_at,"
        " d.usage_limit, d.times_used, d.once_per_email, d.active, d.cart_id, d.campaign_id,"
        " p.sku AS gift_sku, p.name AS gift_name FROM discounts d"
        " LEFT JOIN products p ON p.id = d.gift_product_id"
        " WHERE d.store_id = ? AND d.code = ?",
        (store_id, code.strip().upper()),
    )
    if row is None:
        return None
    return Discount(
        id=row["id"], code=row["code"], kind=row["kind"], value=row["value"],
        min_subtotal=row["min_subtotal"], starts_at=row["starts_at"],
        expires_at=row["expires_at"], usage_limit=row["usage_limit"],
        times_used=row["times_used"], once_per_email=bool(row["once_per_email"]),
        active=bool(row["active"]), cart_id=row["cart_id"],
        campaign_id=row["campaign_id"], gift_sku=row["gift_sku"] or "",
        gift_name=row["gift_name"] or "",
    )  # fmt: skip


async def email_has_used(conn: Reader, discount_id: int, email: str) -> bool:
    row = await read_one(
        conn,
        "SELECT 1 FROM discount_redemptions WHERE discount_id = ? AND email = ? LIMIT 1",
        (discount_id, email),
    )
    return row is not None


# ---- writing an order ----------------------------------------------------------------------


async def insert_order(
    conn: aiosqlite.Connection,
    *,
    store_id: int,
    currency: str,
    cart: Cart,
    request: CheckoutRequest,
    priced: CartQuote,
    authorization: Authorization,
    now_ms: int,
) -> tuple[int, str, int]:
    """Write the order and everything that goes with it; return (id, public id, number)."""
    cursor = await conn.execute(
        "UPDATE stores SET next_order_number = next_order_number + 1 WHERE id = ?"
        " RETURNING next_order_number - 1",
        (store_id,),
    )
    row = await cursor.fetchone()
    assert row is not None  # the store exists: the order is placed in it
    number = row[0]
    totals = priced.quote.totals
    method = priced.method
    assert method is not None
    delivery = delivery_json(now_ms, priced.delivery, method)
    public_id = new_public_id("ord", 12)
    cursor = await conn.execute(
        "INSERT INTO orders (public_id, store_id, number, cart_id, status, email, phone,"
        " shipping_name, shipping_address, shipping_method, delivery_from, delivery_to, currency,"
        " prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total,"
        " discount_code, payment_method, card_brand, card_last4, visitor_id, created_at,"
        " updated_at, shipping_discount, payment_reference)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?)",
        (
            public_id, store_id, number, cart.id, authorization.status, request.email,
            request.phone, request.address.name, json.dumps(request.address.as_json()),
            method.name, delivery["from"], delivery["to"], currency,
            int(totals.prices_include_tax), totals.subtotal, totals.discount, totals.shipping,
            totals.tax, totals.total, priced.discount.code if priced.discount else None,
            authorization.method, authorization.card_brand, authorization.card_last4,
            request.visitor, now_ms, now_ms, shipping_waived(priced), authorization.reference,
        ),
    )  # fmt: skip
    order_id = cursor.lastrowid
    assert order_id is not None
    await conn.executemany(
        "INSERT INTO order_items (order_id, product_id, sku, name, variant, unit_price, quantity,"
        " subtotal, discount, tax) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (order_id, line.product.id, line.product.sku, line.product.name, line.product.variant,
             line.product.price, line.quantity, priced_line.line.subtotal, priced_line.discount,
             priced_line.tax)
            for line, priced_line in zip(cart.lines, priced.quote.lines, strict=True)
        ],
    )  # fmt: skip
    await take_stock(conn, cart)
    if priced.discount is not None:
        await record_redemption(conn, priced.discount.id, order_id, request.email,
                                totals.discount, now_ms)  # fmt: skip
    await conn.execute("UPDATE carts SET status = 'ordered', updated_at = ? WHERE id = ?",
                       (now_ms, cart.id))  # fmt: skip
    await conn.execute(
        "INSERT INTO order_events (order_id, kind, note, created_at) VALUES (?, ?, ?, ?)",
        (order_id, "placed", f"Placed with {authorization.method}", now_ms),
    )
    return order_id, public_id, number


async def take_stock(conn: aiosqlite.Connection, cart: Cart) -> None:
    for line in cart.lines:
        cursor = await conn.execute(
            "UPDATE products SET stock = stock - ? WHERE id = ? AND track_stock = 1"
            " AND (allow_oversell = 1 OR stock >= ?)",
            (line.quantity, line.product.id, line.quantity),
        )
        if line.product.track_stock and cursor.rowcount != 1:
            check_order_stock(await reload(conn, cart))  # raises with the shopper-facing message
            raise Conflict("Stock changed while ordering; try again.", code="out_of_stock")


async def record_redemption(
    conn: aiosqlite.Connection, discount_id: int, order_id: int, email: str, amount: int,
    now_ms: int,
) -> None:  # fmt: skip
    cursor = await conn.execute(
        "UPDATE discounts SET times_used = times_used + 1 WHERE id = ?"
        " AND (usage_limit IS NULL OR times_used < usage_limit)",
        (discount_id,),
    )
    if cursor.rowcount != 1:
        raise Unprocessable("That code has been used up.", field="code", code="discount_used_up")
    await conn.execute(
        "INSERT INTO discount_redemptions (discount_id, order_id, email, amount, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (discount_id, order_id, email, amount, now_ms),
    )


# ---- Idempotency-Key reservations (the rules are in idempotency.py) ------------------------


async def idempotency_row(conn: Reader, store_id: int, key: str) -> aiosqlite.Row | None:
    return await read_one(
        conn,
        "SELECT request_hash, state, attempt, reserved_at, response FROM idempotency_keys"
        " WHERE store_id = ? AND key = ?",
        (store_id, key),
    )


async def reserve_idempotency_key(
    conn: aiosqlite.Connection,
    store_id: int,
    key: str,
    fingerprint: str,
    attempt: str,
    now_ms: int,
) -> None:
    """Write the key in flight for ``attempt``, taking over an abandoned reservation."""
    await conn.execute(
        "INSERT INTO idempotency_keys (store_id, key, request_hash, state, attempt, reserved_at,"
        " created_at) VALUES (?, ?, ?, 'in_flight', ?, ?, ?)"
        " ON CONFLICT (store_id, key) DO UPDATE"
        " SET attempt = excluded.attempt, reserved_at = excluded.reserved_at",
        (store_id, key, fingerprint, attempt, now_ms, now_ms),
    )


async def complete_idempotency_key(
    conn: aiosqlite.Connection, store_id: int, key: str, attempt: str, order_id: int, answer: str
) -> None:
    await conn.execute(
        "UPDATE idempotency_keys SET state = 'completed', order_id = ?, response = ?"
        " WHERE store_id = ? AND key = ? AND attempt = ?",
        (order_id, answer, store_id, key, attempt),
    )


async def release_idempotency_key(
    conn: aiosqlite.Connection, store_id: int, key: str, attempt: str
) -> None:
    await conn.execute(
        "DELETE FROM idempotency_keys WHERE store_id = ? AND key = ? AND attempt = ?"
        " AND state = 'in_flight'",
        (store_id, key, attempt),
    )


async def delete_idempotency_keys_before(
    conn: aiosqlite.Connection, reserved_before: int, limit: int
) -> int:
    """Delete up to ``limit`` keys reserved before ``reserved_before`` (found by the index on
    reserved_at); return how many."""
    cursor = await conn.execute(
        "DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys"
        " WHERE reserved_at < ? LIMIT ?)",
        (reserved_before, limit),
    )
    return cursor.rowcount
