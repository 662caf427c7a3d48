"""SQL the cart and checkout rules read: settings, shipping, taxes and discounts."""

from __future__ import annotations

import json

from server.checkout.settings import PHONE_POLICIES, CheckoutSettings
from server.db import Reader, read_all, read_one
from server.pricing.rules import Discount, ShippingMethod, TaxRate


async def load_settings(conn: Reader, store_id: int) -> CheckoutSettings:
    row = await read_one(
        conn,
        "SELECT country, prices_include_tax, phone_required, payment_methods,"
        " bank_instructions, cod_instructions, floating_cart_button FROM stores WHERE id = ?",
        (store_id,),
    )
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
