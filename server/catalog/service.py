"""Rules for the catalog: what a valid product (one sellable SKU) looks like.

SKUs that share a ``product_group`` are variants of one product (sizes, grinds…); each row
carries its own price, stock and weight, so the cart and checkout deal only in SKUs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.errors import ValidationFailed
from server.urls import BadAddress, normalize_image_url

_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_PRICE = 100_000_000  # one million in a two-decimal currency: a typo guard, not a policy


@dataclass(frozen=True)
class Product:
    id: int
    sku: str
    product_group: str
    name: str
    variant: str
    description: str
    price: int
    compare_at_price: int | None
    image_url: str
    weight_grams: int
    track_stock: bool
    stock: int
    allow_oversell: bool
    active: bool

    def available(self) -> int | None:
        """Units that may still be sold, or None when stock is not limited."""
        if not self.track_stock or self.allow_oversell:
            return None
        return max(0, self.stock)


@dataclass(frozen=True)
class ProductInput:
    sku: str
    name: str
    price: int
    product_group: str = ""
    variant: str = ""
    description: str = ""
    compare_at_price: int | None = None
    image_url: str = ""
    weight_grams: int = 0
    track_stock: bool = False
    stock: int = 0
    allow_oversell: bool = False
    active: bool = True


def validate_product(raw: ProductInput) -> ProductInput:
    """A cleaned copy of ``raw``; raises ValidationFailed naming the first bad field."""
    sku = raw.sku.strip()
    if not _SKU.match(sku):
        raise ValidationFailed(
            "Use 1 to 64 letters, digits, dots, dashes or underscores for the SKU.", field="sku"
        )
    name = raw.name.strip()
    if not 1 <= len(name) <= 200:
        raise ValidationFailed("Give the product a name of 1 to 200 characters.", field="name")
    _check_money(raw.price, "price")
    if raw.compare_at_price is not None:
        _check_money(raw.compare_at_price, "compare_at_price")
        if raw.compare_at_price <= raw.price:
            raise ValidationFailed(
                "A compare-at price must be higher than the price, or left empty.",
                field="compare_at_price",
            )
    if not 0 <= raw.weight_grams <= 1_000_000:
        raise ValidationFailed("Weight must be 0 to 1,000,000 grams.", field="weight_grams")
    if raw.track_stock and not raw.allow_oversell and raw.stock < 0:
        raise ValidationFailed("Stock cannot be negative.", field="stock")
    if abs(raw.stock) > 10_000_000:
        raise ValidationFailed("Stock must be under 10,000,000.", field="stock")
    try:
        image_url = normalize_image_url(raw.image_url)
    except BadAddress as exc:
        raise ValidationFailed(str(exc), field="image_url") from None
    if len(raw.description) > 5000:
        raise ValidationFailed("Keep the description under 5,000 characters.", field="description")
    return ProductInput(
        sku=sku,
        name=name,
        price=raw.price,
        product_group=(raw.product_group.strip() or sku)[:64],
        variant=raw.variant.strip()[:100],
        description=raw.description.strip(),
        compare_at_price=raw.compare_at_price,
        image_url=image_url,
        weight_grams=raw.weight_grams,
        track_stock=raw.track_stock,
        stock=raw.stock,
        allow_oversell=raw.allow_oversell,
        active=raw.active,
    )


def _check_money(value: int, field_name: str) -> None:
    if type(value) is not int or not 0 <= value <= MAX_PRICE:
        raise ValidationFailed(
            "Enter an amount of 0 or more (in the currency's minor units).", field=field_name
        )
