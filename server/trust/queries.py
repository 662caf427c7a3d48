"""SQL for trust: a store's settings, its shipping zones as the badges read them, visitors'
exposures, the counts social proof states, and the holdout's results."""

from __future__ import annotations

import json
from collections.abc import Sequence

import aiosqlite

from server.db import Reader, read_all, read_one
from server.offers.results import ArmTotals
from server.trust.facts import EVERYWHERE, ZoneShipping
from server.trust.holdout import HOLDOUT, SHOWN
from server.trust.model import DEFAULT_SETTINGS, PLACEMENTS, TrustSettings, check_placements

_COLUMNS = (
    "returns_days", "money_back", "returns_policy", "support_hours", "badges_holdout",
    "social_proof", "proof_min_buyers", "proof_hours", "proof_low_stock", "proof_holdout",
    "badges_since", "proof_since", "placements_since",
)  # fmt: skip
# Orders that count as bought: paid, or further along (a refunded order does not).
_BOUGHT = ("paid", "fulfilled")


async def load_trust_settings(conn: Reader, store_id: int) -> TrustSettings:
    row = await read_one(
        conn,
        f"SELECT placements, {', '.join(_COLUMNS)} FROM trust_settings WHERE store_id = ?",
        (store_id,),
    )
    if row is None:
        return DEFAULT_SETTINGS
    stored = json.loads(row["placements"])
    placements = check_placements({p: list(stored.get(p, [])) for p in PLACEMENTS})
    values = {name: row[name] for name in _COLUMNS}
    values["money_back"] = bool(values["money_back"])
    values["social_proof"] = bool(values["social_proof"])
    return TrustSettings(placements=placements, **values)


async def save_trust_settings(
    conn: aiosqlite.Connection, store_id: int, settings: TrustSettings, now_ms: int
) -> None:
    values = [getattr(settings, name) for name in _COLUMNS]
    values = [int(v) if isinstance(v, bool) else v for v in values]
    placements = json.dumps({p: list(k) for p, k in settings.placements.items()})
    await conn.execute(
        f"INSERT INTO trust_settings (store_id, placements, {', '.join(_COLUMNS)}, updated_at)"
        f" VALUES (?, ?, {', '.join('?' for _ in _COLUMNS)}, ?)"
        f" ON CONFLICT (store_id) DO UPDATE SET placements = excluded.placements,"
        f" {', '.join(f'{c} = excluded.{c}' for c in _COLUMNS)},"
        " updated_at = excluded.updated_at",
        (store_id, placements, *values, now_ms),
    )


async def shipping_zones(conn: Reader, store_id: int) -> list[ZoneShipping]:
    """Each zone with its lowest free-shipping threshold and its first method."""
    zones = await read_all(
        conn,
        "SELECT id, name, countries FROM shipping_zones WHERE store_id = ? ORDER BY id",
        (store_id,),
    )
    result = []
    for zone in zones:
        methods = await read_all(
            conn,
            "SELECT name, free_over, min_days, max_days, kind, rate, tiers FROM shipping_methods"
            " WHERE zone_id = ? ORDER BY position, id",
            (zone["id"],),
        )
        countries = tuple(zone["countries"].replace(",", " ").split()) or (EVERYWHERE,)
        first = methods[0] if methods else None
        result.append(
            ZoneShipping(
                name=zone["name"],
                countries=countries,
                free_over=_free_over(methods),
                method=first["name"] if first else None,
                min_days=first["min_days"] if first else 0,
                max_days=first["max_days"] if first else 0,
            )
        )
    return result


def _free_over(methods: list[aiosqlite.Row]) -> int | None:
    """The lowest amount from which some method ships free: 0 for a flat method that costs
    nothing (or whose tiers are all free), None when every method always costs."""
    thresholds = []
    for method in methods:
        tiers = [price for _, price in json.loads(method["tiers"] or "[]")]
        if method["kind"] != "weight_tiers" and method["rate"] == 0 and not any(tiers):
            thresholds.append(0)
        elif method["free_over"] is not None:
            thresholds.append(method["free_over"])
    return min(thresholds, default=None)


async def record_exposure(
    conn: aiosqlite.Connection, store_id: int, element: str, visitor_id: str, arm: str, now: int
) -> str:
    """Keep the visitor's first exposure; a later one counts again only after the element's
    measurement restarted (its holdout share changed): the row is then replaced."""
    await conn.execute(
        "INSERT INTO trust_exposures (store_id, element, visitor_id, arm, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (store_id, element, visitor_id) DO UPDATE SET"
        " arm = excluded.arm, created_at = excluded.created_at"
        " WHERE trust_exposures.created_at < (SELECT CASE ? WHEN 'badges' THEN badges_since"
        " ELSE proof_since END FROM trust_settings WHERE store_id = ?)",
        (store_id, element, visitor_id, arm, now, element, store_id),
    )
    row = await read_one(
        conn,
        "SELECT arm FROM trust_exposures WHERE store_id = ? AND element = ? AND visitor_id = ?",
        (store_id, element, visitor_id),
    )
    assert row is not None
    return str(row["arm"])


# Exposures from before their element's measurement began (parameter: how many at most), by
# trust_exposures_by_time: a range of each store's rows per element, nothing else read.
_STALE_EXPOSURES = """
SELECT x.rowid FROM trust_settings s CROSS JOIN trust_exposures x
WHERE x.store_id = s.store_id AND x.element = 'badges' AND x.created_at < s.badges_since
UNION ALL
SELECT x.rowid FROM trust_settings s CROSS JOIN trust_exposures x
WHERE x.store_id = s.store_id AND x.element = 'proof' AND x.created_at < s.proof_since
LIMIT ?
"""


async def delete_stale_exposures(conn: aiosqlite.Connection, limit: int) -> int:
    """Delete up to ``limit`` exposures the results can no longer count; how many went."""
    cursor = await conn.execute(
        f"DELETE FROM trust_exposures WHERE rowid IN ({_STALE_EXPOSURES})", (limit,)
    )
    return cursor.rowcount


# Who bought: their email. An order whose details were erased (email '') has none: its buyer
# is the new visitor id it got (shared by the orders of one browser), or the order itself
# where it has none; never one buyer for every erased order together.
_BUYER = (
    "CASE WHEN o.email != '' THEN lower(o.email)"
    " ELSE 'erased:' || coalesce(nullif(o.visitor_id, ''), 'order:' || o.id) END"
)


async def recent_buyers(
    conn: Reader, store_id: int, sku: str, since_ms: int, test_methods: Sequence[str]
) -> int:
    """People (distinct emails, ``_BUYER``) whose order with ``sku`` or another variant of
    its product (the SKUs of its product group), paid (or fulfilled) since ``since_ms``, was
    a real one: orders paid in a provider's test mode are no sale. Read from the store's
    orders in the window (orders_by_store_time), each order's lines by their key, not from
    every sale of the product ever made."""
    row = await read_one(
        conn,
        f"SELECT count(DISTINCT {_BUYER}) AS n FROM orders o"
        " WHERE o.store_id = ? AND o.created_at >= ?"
        f" AND o.status IN ({', '.join('?' for _ in _BOUGHT)})"
        f" AND o.payment_method NOT IN ({', '.join('?' for _ in test_methods) or 'NULL'})"
        " AND EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id AND i.product_id IN"
        " (SELECT v.id FROM products p JOIN products v"
        " ON v.store_id = p.store_id AND v.product_group = p.product_group"
        # A product without a group (none is saved so, but never claim another's sales) is
        # its own.
        " AND (p.product_group != '' OR v.id = p.id)"
        " WHERE p.store_id = ? AND p.sku = ?))",
        (store_id, since_ms, *_BOUGHT, *test_methods, store_id, sku),
    )
    return int(row["n"]) if row else 0


async def tracked_stock(conn: Reader, store_id: int, sku: str) -> int | None:
    """The stock an active product really has, or None where stock is not a limit (not
    tracked, or the store sells beyond it)."""
    row = await read_one(
        conn,
        "SELECT stock FROM products WHERE store_id = ? AND sku = ? AND active = 1"
        " AND track_stock = 1 AND allow_oversell = 0",
        (store_id, sku),
    )
    return None if row is None else int(row["stock"])


# ---- the holdout's results --------------------------------------------------------------
# Attribution, as for campaigns: an order counts for an exposed visitor when it is the same
# store's, bought (paid or fulfilled), by the same visitor id, placed at or after the
# exposure and at most ``window`` ms after it; a visitor converts once, their counted orders
# adding up to their revenue. Each visitor has one exposure per element (its first since the
# element's measurement restarted), so exposures are visitors.

# Exposed visitors, and those held out, since the measurement began (parameters: store,
# element, since): trust_exposures_by_time covers it, no row is read, and counting both in
# one pass needs no sort by arm (a GROUP BY arm would sort every exposure: twice the time).
EXPOSED = (
    f"SELECT count(*) AS exposed, count(CASE arm WHEN '{HOLDOUT}' THEN 1 END) AS held_out"
    " FROM trust_exposures WHERE store_id = ?1 AND element = ?2 AND created_at >= ?3"
)
# Converted visitors per arm, their revenue and its sum of squares (parameters: store,
# element, since, window). It starts from the store's bought orders that have a visitor (far
# fewer than the visitors exposed: most never buy), in visitor order from the covering
# orders_by_visitor, and meets each one's exposure by its key; CROSS JOIN keeps that order
# whatever statistics SQLite has. Another store's orders or exposures are never read.
CONVERTED = f"""
WITH visitors AS MATERIALIZED (
    SELECT x.arm, sum(o.total) AS revenue
    FROM orders o
    CROSS JOIN trust_exposures x ON x.store_id = o.store_id AND x.element = ?2
        AND x.visitor_id = o.visitor_id
    WHERE o.store_id = ?1 AND o.visitor_id > ''
        AND o.status IN ({", ".join(f"'{status}'" for status in _BOUGHT)})
        AND o.created_at >= ?3 AND x.created_at >= ?3
        AND o.created_at >= x.created_at AND o.created_at <= x.created_at + ?4
    GROUP BY o.visitor_id
)
SELECT arm, count(*) AS converted, sum(revenue) AS revenue, sum(revenue * revenue) AS squares
FROM visitors GROUP BY arm
"""


async def arm_totals(
    db: Reader, store_id: int, element: str, since_ms: int, window_ms: int
) -> list[ArmTotals]:
    """Per arm (shown, holdout): visitors exposed to ``element`` since ``since_ms``, those
    who bought within ``window_ms`` of their exposure, and their revenue."""
    counted = await read_one(db, EXPOSED, (store_id, element, since_ms))
    held_out = counted["held_out"] if counted else 0
    exposed = {SHOWN: (counted["exposed"] if counted else 0) - held_out, HOLDOUT: held_out}
    converted = {
        row["arm"]: row
        for row in await read_all(db, CONVERTED, (store_id, element, since_ms, window_ms))
    }
    totals = []
    for arm, visitors in exposed.items():
        if not visitors:
            continue
        bought = converted.get(arm)
        totals.append(
            ArmTotals(
                arm=arm,
                exposed=visitors,
                converted=bought["converted"] if bought else 0,
                revenue=bought["revenue"] if bought else 0,
                revenue_squares=bought["squares"] if bought else 0,
            )
        )
    return totals


async def preview_sku(db: Reader, store_id: int) -> str | None:
    """A product for the admin's preview to ask social proof about: the store's first
    active one."""
    row = await read_one(
        db,
        "SELECT sku FROM products WHERE store_id = ? AND active = 1 ORDER BY id LIMIT 1",
        (store_id,),
    )
    return None if row is None else str(row["sku"])
