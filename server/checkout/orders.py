"""Writing an order: inside one transaction, the order, its lines, the stock taken and the
discount used (placing.py completes the Idempotency-Key in the same one), so none of them
ever exists without the others."""

from __future__ import annotations

import json

import aiosqlite

from server.carts.queries import load_cart
from server.carts.service import Cart
from server.checkout.quoting import CartQuote, delivery_json
from server.checkout.service import CheckoutRequest
from server.errors import Conflict, Unprocessable
from server.payments import Authorization
from server.pricing.shipping import shipping_price
from server.security import new_public_id


def shipping_waived(priced: CartQuote) -> int:
    """What a free-shipping discount took off the order: the chosen method's price for this
    cart had there been no such discount (the quote charges 0 for it)."""
    quote, method, discount = priced.quote, priced.method, priced.discount
    if discount is None or discount.kind != "free_shipping" or method is None or not quote.lines:
        return 0
    merchandise = quote.totals.subtotal - quote.totals.discount
    weight = sum(p.line.weight_grams * p.line.quantity for p in quote.lines)
    return shipping_price(method, merchandise, weight)


def check_stock(cart: Cart) -> None:
    short = [
        line.product
        for line in cart.lines
        if line.product.available() is not None and line.quantity > (line.product.available() or 0)
    ]
    if short:
        first = short[0]
        left = first.available() or 0
        raise Conflict(
            f"Sorry, {first.name} has {'sold out' if left == 0 else f'only {left} left'}."
            " Update your cart and try again; you have not been charged.",
            field=f"items.{first.sku}",
            code="out_of_stock",
        )


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
    number = (await cursor.fetchone())[0]
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
            check_stock(await reload(conn, cart))  # raises with the shopper-facing message
            raise Conflict("Stock changed while ordering; try again.", code="out_of_stock")


async def reload(conn: aiosqlite.Connection, cart: Cart) -> Cart:
    fresh = await load_cart(conn, cart.public_id)
    assert fresh is not None
    return fresh


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
