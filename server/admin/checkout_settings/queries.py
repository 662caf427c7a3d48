"""SQL for the checkout settings pages. Every statement is scoped to one store, so an id
from another store's page finds nothing."""

from __future__ import annotations

import json

import aiosqlite

from server.admin.checkout_settings.inputs import (
    DiscountInput,
    GeneralSettings,
    MethodInput,
    TaxRateInput,
    ZoneInput,
)
from server.checkout.delivery import load_delivery_rules, save_delivery_rules
from server.db import Database, Row, read_all, read_one
from server.pricing.delivery import DeliveryRules

_DISCOUNT_COLUMNS = (
    "id, code, kind, value, min_subtotal, starts_at, expires_at, usage_limit, times_used,"
    " once_per_email, active"
)
# The merchant's typed codes. Coupons claimed from offers are rows of `discounts` too, but they
# belong to their campaign (and visitor): these pages neither list nor change them. A coupon
# whose campaign was deleted keeps its visitor, so it stays out as well. A cart reminder's
# single-use code (server/recovery) is bound to its cart from the start: out too.
_TYPED_CODE = "campaign_id IS NULL AND visitor_id IS NULL AND cart_id IS NULL"
_METHOD_COLUMNS = (
    "m.id, m.zone_id, m.name, m.kind, m.rate, m.tiers, m.free_over, m.min_days, m.max_days"
)

# ---- general ------------------------------------------------------------------------------


async def general_settings(db: Database, store_id: int) -> Row | None:
    return await db.fetch_one(
        "SELECT country, prices_include_tax, phone_required, payment_methods,"
        " bank_instructions, cod_instructions, floating_cart_button FROM stores WHERE id = ?",
        (store_id,),
    )


async def store_country(db: Database, store_id: int) -> str | None:
    return await db.fetch_value("SELECT country FROM stores WHERE id = ?", (store_id,))


async def update_general(conn: aiosqlite.Connection, store_id: int, s: GeneralSettings) -> None:
    await conn.execute(
        "UPDATE stores SET country = ?, prices_include_tax = ?, phone_required = ?,"
        " payment_methods = ?, bank_instructions = ?, cod_instructions = ?,"
        " floating_cart_button = ? WHERE id = ?",
        (s.country, int(s.prices_include_tax), s.phone_required, " ".join(s.payment_methods),
         s.bank_instructions, s.cod_instructions, int(s.floating_cart_button), store_id),
    )  # fmt: skip


# ---- delivery dates -----------------------------------------------------------------------


async def delivery_rules(db: Database, store_id: int, timezone: str) -> DeliveryRules:
    return await load_delivery_rules(db, store_id, timezone)


async def update_delivery(conn: aiosqlite.Connection, store_id: int, rules: DeliveryRules) -> None:
    await save_delivery_rules(conn, store_id, rules)


# ---- discounts ----------------------------------------------------------------------------


async def list_discounts(db: Database, store_id: int) -> list[Row]:
    return await db.fetch_all(
        f"SELECT {_DISCOUNT_COLUMNS} FROM discounts WHERE store_id = ? AND {_TYPED_CODE}"
        " ORDER BY active DESC, code",
        (store_id,),
    )


async def discount_row_by_id(db: Database, store_id: int, discount_id: int) -> Row | None:
    """A typed code's row, as the edit form shows it (checkout's find_discount reads a
    code as the rules apply it)."""
    return await db.fetch_one(
        f"SELECT {_DISCOUNT_COLUMNS} FROM discounts"
        f" WHERE store_id = ? AND id = ? AND {_TYPED_CODE}",
        (store_id, discount_id),
    )


async def discount_code_owner(conn: aiosqlite.Connection, store_id: int, code: str) -> int | None:
    row = await read_one(
        conn, "SELECT id FROM discounts WHERE store_id = ? AND code = ?", (store_id, code)
    )
    return None if row is None else row["id"]


async def discount_times_used(
    conn: aiosqlite.Connection, store_id: int, discount_id: int
) -> int | None:
    row = await read_one(
        conn,
        f"SELECT times_used FROM discounts WHERE store_id = ? AND id = ? AND {_TYPED_CODE}",
        (store_id, discount_id),
    )
    return None if row is None else row["times_used"]


async def insert_discount(
    conn: aiosqlite.Connection, store_id: int, d: DiscountInput, now_ms: int
) -> int:
    cursor = await conn.execute(
        "INSERT INTO discounts (store_id, code, kind, value, min_subtotal, starts_at,"
        " expires_at, usage_limit, once_per_email, active, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (store_id, d.code, d.kind, d.value, d.min_subtotal, d.starts_at, d.expires_at,
         d.usage_limit, int(d.once_per_email), int(d.active), now_ms),
    )  # fmt: skip
    return cursor.lastrowid or 0


async def update_discount(
    conn: aiosqlite.Connection, store_id: int, discount_id: int, d: DiscountInput
) -> None:
    await conn.execute(
        "UPDATE discounts SET code = ?, kind = ?, value = ?, min_subtotal = ?, starts_at = ?,"
        " expires_at = ?, usage_limit = ?, once_per_email = ?, active = ?"
        f" WHERE store_id = ? AND id = ? AND {_TYPED_CODE}",
        (d.code, d.kind, d.value, d.min_subtotal, d.starts_at, d.expires_at, d.usage_limit,
         int(d.once_per_email), int(d.active), store_id, discount_id),
    )  # fmt: skip


async def set_discount_active(
    conn: aiosqlite.Connection, store_id: int, discount_id: int, active: bool
) -> bool:
    cursor = await conn.execute(
        f"UPDATE discounts SET active = ? WHERE store_id = ? AND id = ? AND {_TYPED_CODE}",
        (int(active), store_id, discount_id),
    )
    return cursor.rowcount == 1


# ---- shipping zones -----------------------------------------------------------------------


async def list_zones(db: Database, store_id: int) -> list[Row]:
    return await db.fetch_all(
        "SELECT id, name, countries FROM shipping_zones WHERE store_id = ?"
        " ORDER BY countries = '*', name, id",
        (store_id,),
    )


async def find_zone(db: Database, store_id: int, zone_id: int) -> Row | None:
    return await db.fetch_one(
        "SELECT id, name, countries FROM shipping_zones WHERE store_id = ? AND id = ?",
        (store_id, zone_id),
    )


async def zone_exists(conn: aiosqlite.Connection, store_id: int, zone_id: int) -> bool:
    row = await read_one(
        conn, "SELECT 1 FROM shipping_zones WHERE store_id = ? AND id = ?", (store_id, zone_id)
    )
    return row is not None


async def other_zones(conn: aiosqlite.Connection, store_id: int, zone_id: int | None) -> list[Row]:
    return await read_all(
        conn,
        "SELECT id, name, countries FROM shipping_zones WHERE store_id = ? AND id IS NOT ?",
        (store_id, zone_id),
    )


async def insert_zone(conn: aiosqlite.Connection, store_id: int, zone: ZoneInput) -> int:
    cursor = await conn.execute(
        "INSERT INTO shipping_zones (store_id, name, countries) VALUES (?, ?, ?)",
        (store_id, zone.name, " ".join(zone.countries)),
    )
    return cursor.lastrowid or 0


async def update_zone(
    conn: aiosqlite.Connection, store_id: int, zone_id: int, zone: ZoneInput
) -> bool:
    cursor = await conn.execute(
        "UPDATE shipping_zones SET name = ?, countries = ? WHERE store_id = ? AND id = ?",
        (zone.name, " ".join(zone.countries), store_id, zone_id),
    )
    return cursor.rowcount == 1


async def delete_zone(conn: aiosqlite.Connection, store_id: int, zone_id: int) -> bool:
    cursor = await conn.execute(
        "DELETE FROM shipping_zones WHERE store_id = ? AND id = ?", (store_id, zone_id)
    )
    return cursor.rowcount == 1


# ---- shipping methods ---------------------------------------------------------------------


async def list_methods(db: Database, store_id: int) -> list[Row]:
    return await db.fetch_all(
        f"SELECT {_METHOD_COLUMNS} FROM shipping_methods m"
        " JOIN shipping_zones z ON z.id = m.zone_id WHERE z.store_id = ?"
        " ORDER BY m.zone_id, m.position, m.id",
        (store_id,),
    )


async def find_method(db: Database, store_id: int, zone_id: int, method_id: int) -> Row | None:
    return await db.fetch_one(
        f"SELECT {_METHOD_COLUMNS} FROM shipping_methods m"
        " JOIN shipping_zones z ON z.id = m.zone_id"
        " WHERE z.store_id = ? AND m.zone_id = ? AND m.id = ?",
        (store_id, zone_id, method_id),
    )


async def insert_method(conn: aiosqlite.Connection, zone_id: int, m: MethodInput) -> int:
    cursor = await conn.execute(
        "INSERT INTO shipping_methods (zone_id, name, kind, rate, tiers, free_over, min_days,"
        " max_days, position) SELECT ?, ?, ?, ?, ?, ?, ?, ?, coalesce(max(position) + 1, 0)"
        " FROM shipping_methods WHERE zone_id = ?",
        (zone_id, m.name, m.kind, m.rate, _tiers_json(m), m.free_over, m.min_days, m.max_days,
         zone_id),
    )  # fmt: skip
    return cursor.lastrowid or 0


async def update_method(
    conn: aiosqlite.Connection, zone_id: int, method_id: int, m: MethodInput
) -> bool:
    cursor = await conn.execute(
        "UPDATE shipping_methods SET name = ?, kind = ?, rate = ?, tiers = ?, free_over = ?,"
        " min_days = ?, max_days = ? WHERE zone_id = ? AND id = ?",
        (m.name, m.kind, m.rate, _tiers_json(m), m.free_over, m.min_days, m.max_days,
         zone_id, method_id),
    )  # fmt: skip
    return cursor.rowcount == 1


async def delete_method(conn: aiosqlite.Connection, zone_id: int, method_id: int) -> bool:
    cursor = await conn.execute(
        "DELETE FROM shipping_methods WHERE zone_id = ? AND id = ?", (zone_id, method_id)
    )
    return cursor.rowcount == 1


def _tiers_json(m: MethodInput) -> str:
    return json.dumps([list(tier) for tier in m.tiers])


# ---- tax rates ----------------------------------------------------------------------------


async def list_tax_rates(db: Database, store_id: int) -> list[Row]:
    return await db.fetch_all(
        "SELECT id, country, region, rate, name FROM tax_rates WHERE store_id = ?"
        " ORDER BY country, region",
        (store_id,),
    )


async def find_tax_rate(db: Database, store_id: int, rate_id: int) -> Row | None:
    return await db.fetch_one(
        "SELECT id, country, region, rate, name FROM tax_rates WHERE store_id = ? AND id = ?",
        (store_id, rate_id),
    )


async def tax_rate_owner(
    conn: aiosqlite.Connection, store_id: int, country: str, region: str
) -> int | None:
    row = await read_one(
        conn,
        "SELECT id FROM tax_rates WHERE store_id = ? AND country = ? AND region = ?",
        (store_id, country, region),
    )
    return None if row is None else row["id"]


async def insert_tax_rate(conn: aiosqlite.Connection, store_id: int, t: TaxRateInput) -> int:
    cursor = await conn.execute(
        "INSERT INTO tax_rates (store_id, country, region, rate, name) VALUES (?, ?, ?, ?, ?)",
        (store_id, t.country, t.region, t.rate, t.name),
    )
    return cursor.lastrowid or 0


async def update_tax_rate(
    conn: aiosqlite.Connection, store_id: int, rate_id: int, t: TaxRateInput
) -> bool:
    cursor = await conn.execute(
        "UPDATE tax_rates SET country = ?, region = ?, rate = ?, name = ?"
        " WHERE store_id = ? AND id = ?",
        (t.country, t.region, t.rate, t.name, store_id, rate_id),
    )
    return cursor.rowcount == 1


async def delete_tax_rate(conn: aiosqlite.Connection, store_id: int, rate_id: int) -> bool:
    cursor = await conn.execute(
        "DELETE FROM tax_rates WHERE store_id = ? AND id = ?", (store_id, rate_id)
    )
    return cursor.rowcount == 1
