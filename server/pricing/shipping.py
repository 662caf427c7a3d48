"""Shipping: which methods reach a country, and what each costs for a cart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from server.pricing.rules import ShippingMethod


def shipping_price(method: ShippingMethod, merchandise: int, weight_grams: int) -> int:
    """The price of ``method`` for a cart worth ``merchandise`` (after discount)."""
    if method.free_over is not None and merchandise >= method.free_over:
        return 0
    if method.kind == "flat":
        return method.rate
    measure = merchandise if method.kind == "subtotal_tiers" else weight_grams
    price = method.rate
    for start, tier_price in method.tiers:
        if measure >= start:
            price = tier_price
    return price


def free_shipping_threshold(methods: Sequence[ShippingMethod]) -> ShippingMethod | None:
    """The method with the lowest free-shipping threshold, if any has one."""
    candidates = [m for m in methods if m.free_over is not None]
    return min(candidates, key=lambda m: (m.free_over, m.id), default=None)


@dataclass(frozen=True)
class FreeShippingProgress:
    """How far a cart is from free shipping in one zone: ``remaining`` 0 means it ships free."""

    zone: str
    threshold: int
    remaining: int


def free_shipping_progress(
    methods: Sequence[ShippingMethod], merchandise: int
) -> FreeShippingProgress | None:
    """Progress towards the zone's lowest free-shipping threshold; None when it has none."""
    method = free_shipping_threshold(methods)
    if method is None or method.free_over is None:
        return None
    remaining = max(0, method.free_over - merchandise)
    return FreeShippingProgress(zone=method.zone, threshold=method.free_over, remaining=remaining)
