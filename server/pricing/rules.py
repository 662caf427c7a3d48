"""The store's pricing rules as plain values: discounts, shipping methods and tax rates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DiscountKind = Literal["percent", "fixed", "free_shipping", "free_gift"]
ShippingKind = Literal["flat", "subtotal_tiers", "weight_tiers"]


@dataclass(frozen=True)
class Discount:
    id: int
    code: str
    kind: DiscountKind
    value: int  # percent: whole percent (10 = 10%); fixed: minor units; otherwise 0
    min_subtotal: int = 0
    starts_at: int | None = None
    expires_at: int | None = None
    usage_limit: int | None = None
    times_used: int = 0
    once_per_email: bool = False
    active: bool = True
    # Coupons claimed from an offer: the one cart they may be used in, and a free gift's SKU.
    cart_id: int | None = None
    campaign_id: int | None = None
    gift_sku: str = ""
    gift_name: str = ""

    @property
    def label(self) -> str:
        if self.kind == "percent":
            return f"{self.value}% off"
        if self.kind == "free_shipping":
            return "Free shipping"
        if self.kind == "free_gift":
            return f"Free gift: {self.gift_name}" if self.gift_name else "Free gift"
        return "Money off"


@dataclass(frozen=True)
class ShippingMethod:
    id: int
    zone: str
    name: str
    kind: ShippingKind
    rate: int = 0
    tiers: tuple[tuple[int, int], ...] = ()  # (from subtotal or grams, price), ascending
    free_over: int | None = None
    min_days: int = 2
    max_days: int = 5


@dataclass(frozen=True)
class TaxRate:
    country: str
    region: str
    rate: int  # basis points: 2100 = 21%
    name: str = "Tax"
