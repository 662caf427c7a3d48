"""Gathering a store's rules for one cart and destination, and pricing it.

Used by the quote endpoint (display) and by checkout (the price actually charged), so the
shopper sees exactly what the server will charge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.carts.service import Cart
from server.checkout import queries
from server.checkout.delivery import delivery_json, load_delivery_rules
from server.checkout.merchant_settings import CheckoutSettings
from server.db import Reader
from server.errors import ValidationFailed
from server.pricing.delivery import DeliveryRules
from server.pricing.discounts import DiscountRefused, check_discount, gift_refusal
from server.pricing.quote import Line, Quote, find_tax_rate, price_order
from server.pricing.rules import Discount, ShippingMethod
from server.pricing.shipping import shipping_price
from server.stores.service import Store


@dataclass(frozen=True)
class CartQuote:
    quote: Quote
    methods: list[ShippingMethod]
    method: ShippingMethod | None
    discount: Discount | None
    discount_error: DiscountRefused | None
    delivery: DeliveryRules  # the store's, for each method's delivery dates

    def shipping_options(self, now_ms: int) -> list[dict[str, Any]]:
        merchandise = self.quote.totals.subtotal - self.quote.totals.discount
        weight = sum(p.line.weight_grams * p.line.quantity for p in self.quote.lines)
        free = self.discount is not None and self.discount.kind == "free_shipping"
        return [
            {
                "id": m.id,
                "name": m.name,
                "price": 0 if free else shipping_price(m, merchandise, weight),
                "delivery": delivery_json(now_ms, self.delivery, m),
            }
            for m in self.methods
        ]


async def load_discount(
    conn: Reader, store: Store, cart: Cart, email: str | None, now_ms: int, money: Any
) -> tuple[Discount | None, DiscountRefused | None]:
    """The cart's discount if it still applies; else None and the reason."""
    if not cart.discount_code:
        return None, None
    discount = await queries.find_discount(conn, store.id, cart.discount_code)
    used = bool(email and discount and await queries.email_has_used(conn, discount.id, email))
    try:
        checked = check_discount(
            discount, subtotal=cart.subtotal - cart.gift_price(discount), now_ms=now_ms,
            email_has_used_it=used, format_money=money, cart_id=cart.id,
        )  # fmt: skip
    except DiscountRefused as refused:
        return None, refused
    return checked, None


async def quote_cart(
    conn: Reader,
    store: Store,
    settings: CheckoutSettings,
    cart: Cart,
    *,
    country: str,
    region: str = "",
    method_id: int | None = None,
    email: str | None = None,
    now_ms: int,
    money: Any = str,
    strict_method: bool = True,
) -> CartQuote:
    """Price ``cart`` for a destination. With ``strict_method`` off (display quotes), a
    method the country doesn't offer falls back to the default instead of failing."""
    methods = await queries.shipping_methods_for(conn, store.id, country)
    if not strict_method and method_id not in {m.id for m in methods}:
        method_id = None
    method = choose_method(methods, method_id)
    discount, refused = await load_discount(conn, store, cart, email, now_ms, money)
    # A gift whose coupon no longer applies is never charged for: checkout refuses until it goes.
    refused = refused or gift_refusal(len(cart.stale_gifts(discount)))
    rates = await queries.tax_rates(conn, store.id)
    lines = [
        Line(line.product.sku, line.product.price, line.quantity, line.product.weight_grams)
        for line in cart.lines
    ]
    quote = price_order(
        lines,
        discount=discount,
        shipping_method=method,
        tax_rate=find_tax_rate(rates, country, region),
        prices_include_tax=settings.prices_include_tax,
    )
    delivery = await load_delivery_rules(conn, store.id, store.timezone)
    return CartQuote(quote, methods, method, discount, refused, delivery)


def choose_method(methods: list[ShippingMethod], method_id: int | None) -> ShippingMethod | None:
    """The requested method, or the first (the merchant orders them) when none was asked."""
    if method_id is None:
        return methods[0] if methods else None
    for method in methods:
        if method.id == method_id:
            return method
    raise ValidationFailed(
        "Choose one of the shipping methods shown for your country.", field="shipping_method"
    )
