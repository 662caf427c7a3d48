"""Rules for carts: quantities, and what the widget is shown of a cart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.catalog.service import Product
from server.errors import Conflict, ValidationFailed
from server.pricing.discounts import gift_line_index, merchandise_discount
from server.pricing.rules import Discount, ShippingMethod
from server.pricing.shipping import free_shipping_progress

MAX_LINE_QUANTITY = 999


@dataclass(frozen=True)
class CartLine:
    product: Product
    quantity: int
    gift_of: int | None = None  # the coupon (discounts.id) whose free gift this line is

    @property
    def subtotal(self) -> int:
        return self.product.price * self.quantity


@dataclass(frozen=True)
class Cart:
    id: int
    public_id: str
    store_id: int
    status: str
    discount_code: str | None
    lines: tuple[CartLine, ...]

    @property
    def subtotal(self) -> int:
        return sum(line.subtotal for line in self.lines)

    def gift_price(self, discount: Discount | None) -> int:
        """The unit price of the discount's free gift while it is in the cart, else 0."""
        index = gift_line_index(discount, (line.product.sku for line in self.lines))
        return 0 if index is None else self.lines[index].product.price

    def stale_gifts(self, discount: Discount | None) -> list[CartLine]:
        """Free-gift lines whose coupon isn't the discount applying to this cart now."""
        applied = discount.id if discount is not None else None
        return [ln for ln in self.lines if ln.gift_of is not None and ln.gift_of != applied]


def parse_quantity(raw: object, *, allow_zero: bool = False) -> int:
    lowest = 0 if allow_zero else 1
    if type(raw) is not int or not lowest <= raw <= MAX_LINE_QUANTITY:
        raise ValidationFailed(
            f"Quantity must be a whole number from {lowest} to {MAX_LINE_QUANTITY}.",
            field="quantity",
        )
    return raw


def units_left_if_short(product: Product, quantity: int) -> int | None:
    """The units left when the store cannot sell ``quantity`` of the product (stock is the
    limit unless oversell is on); None when it can. The one stock rule: adding to a cart and
    placing an order both ask it."""
    available = product.available()
    return available if available is not None and quantity > available else None


def check_stock(product: Product, quantity: int) -> None:
    """Refuse a quantity the store cannot sell, in the cart's words."""
    available = units_left_if_short(product, quantity)
    if available is not None:
        left = "none left" if available == 0 else f"only {available} left"
        raise Conflict(
            f"{product.name} ({left}) — we can't add that many.",
            field=f"items.{product.sku}",
            code="out_of_stock",
        )


def cart_view(
    token: str,
    cart: Cart,
    currency: str,
    discount: Discount | None,
    methods: list[ShippingMethod],
    destination: str | None = None,
) -> dict[str, Any]:
    """The cart as the widget shows it. Display only: checkout recomputes every amount.

    ``methods`` are the shipping methods of the shopper's country (``destination``, its name)
    once they said where they live, else of the store's own country: free shipping is then
    told as the store's offer for that zone, not as a promise to this shopper.
    """
    subtotal = cart.subtotal
    discount_amount = merchandise_discount(discount, subtotal, cart.gift_price(discount))
    return {
        "token": token,
        "id": cart.public_id,
        "currency": currency,
        "items": [_line_view(line) for line in cart.lines],
        "item_count": sum(line.quantity for line in cart.lines),
        "subtotal": subtotal,
        # The code on the cart even when it doesn't apply (then "discount" is null and
        # "discount_error" says why): the shopper sees it, and why, and can take it off.
        "discount_code": cart.discount_code,
        "discount": discount
        and {
            "code": discount.code,
            "kind": discount.kind,
            "amount": discount_amount,
            "label": discount.label,
            "expires_at": discount.expires_at,
            "gift_sku": discount.gift_sku or None,
            # Public rule of the code (not whether anyone used it): the widget says it plainly
            # when checkout refuses it for an email that has.
            "once_per_customer": discount.once_per_email,
        },
        "free_shipping": _free_shipping(methods, subtotal - discount_amount, discount, destination),
    }


def _line_view(line: CartLine) -> dict[str, Any]:
    product = line.product
    return {
        "sku": product.sku,
        "name": product.name,
        "variant": product.variant,
        "image_url": product.image_url,
        "unit_price": product.price,
        "compare_at_price": product.compare_at_price,
        "quantity": line.quantity,
        "subtotal": line.subtotal,
        "available": product.available(),
    }


def _free_shipping(
    methods: list[ShippingMethod], merchandise: int, discount: Discount | None,
    destination: str | None,
) -> dict[str, Any] | None:  # fmt: skip
    if discount is not None and discount.kind == "free_shipping":
        return None  # the code already gives it; no progress line needed
    progress = free_shipping_progress(methods, merchandise)
    if progress is None:
        return None
    return {
        "threshold": progress.threshold,
        "remaining": progress.remaining,
        "zone": progress.zone,
        "destination": destination,
    }
