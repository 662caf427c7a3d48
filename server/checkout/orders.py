"""What an order is checked against before it is written (the stock left), what a
free-shipping code took off it, and the cart as it is now. The order itself is written by
``queries.insert_order``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiosqlite

from server.carts.queries import load_cart
from server.carts.service import Cart, units_left_if_short
from server.errors import Conflict
from server.pricing.shipping import shipping_price

if TYPE_CHECKING:  # quoting reads this package's queries, which write with these rules
    from server.checkout.quoting import CartQuote


def shipping_waived(priced: CartQuote) -> int:
    """What a free-shipping discount took off the order: the chosen method's price for this
    cart had there been no such discount (the quote charges 0 for it)."""
    quote, method, discount = priced.quote, priced.method, priced.discount
    if discount is None or discount.kind != "free_shipping" or method is None or not quote.lines:
        return 0
    merchandise = quote.totals.subtotal - quote.totals.discount
    weight = sum(p.line.weight_grams * p.line.quantity for p in quote.lines)
    return shipping_price(method, merchandise, weight)


def check_order_stock(cart: Cart) -> None:
    """Refuse an order the stock left cannot fill (the cart's own rule), naming the first line
    that is short, in checkout's words: the shopper has not been charged."""
    for line in cart.lines:
        left = units_left_if_short(line.product, line.quantity)
        if left is None:
            continue
        raise Conflict(
            f"Sorry, {line.product.name} has {'sold out' if left == 0 else f'only {left} left'}."
            " Update your cart and try again; you have not been charged.",
            field=f"items.{line.product.sku}",
            code="out_of_stock",
        )


async def reload(conn: aiosqlite.Connection, cart: Cart) -> Cart:
    fresh = await load_cart(conn, cart.public_id)
    assert fresh is not None
    return fresh
