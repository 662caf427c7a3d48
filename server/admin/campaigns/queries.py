"""SQL behind the campaign pages: exposure counts, attribution, and store offer settings.

Attribution: an order converts an exposure when it is the same store's, its ``visitor_id`` is
the exposed visitor's, and it was placed between the exposure and ``stores.attribution_days``
days after it. Only paid and fulfilled orders count: one awaiting payment (a bank transfer
not yet received) may never be paid, so it counts once it is, and a refunded one never does.
Each visitor has at most one exposure per campaign (its first), so a visitor converts at most
once and all their attributed orders add up to their revenue.

The results page reads a campaign's attributed orders once, in one pass by visitor (the
campaign's exposures in visitor order, each visitor's orders found by index), and derives
every figure from that set; exposed visitors come from ``exposure_counts``, which triggers
keep in step with ``exposures`` (migration 0014).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import aiosqlite

from server.db import Database, Row
from server.offers.results import ArmTotals

DAY_MS = 86_400_000

# The join condition of an exposure ``x`` (of campaign ``c``, of store ``s``) and an order
# ``o`` attributed to it: the attribution above, written once for every query that counts it.
ATTRIBUTED_ORDER = f"""o.store_id = c.store_id AND o.visitor_id = x.visitor_id
    AND o.created_at >= x.created_at
    AND o.created_at <= x.created_at + s.attribution_days * {DAY_MS}
    AND o.status IN ('paid', 'fulfilled')"""

# Every attributed order of one campaign (parameter: the campaign's id), with the exposure it
# is attributed to and whether it used one of this campaign's coupons. CROSS JOIN fixes the
# loops' order whatever statistics SQLite has (or none): the campaign's exposures outside,
# from exposures_by_campaign_visitor, then each visitor's orders from orders_by_visitor, both
# covering. A store's other orders and other campaigns' exposures are never read.
ATTRIBUTED = f"""
SELECT x.arm, x.signal, x.visitor_id, x.created_at AS exposed_at,
       o.number, o.total, o.discount_total + o.shipping_discount AS discount_cost,
       o.discount_code, o.created_at, d.id IS NOT NULL AS campaign_coupon
FROM campaigns c
CROSS JOIN stores s ON s.id = c.store_id
CROSS JOIN exposures x ON x.campaign_id = c.id
CROSS JOIN orders o ON {ATTRIBUTED_ORDER}
LEFT JOIN discounts d ON d.store_id = o.store_id AND d.code = o.discount_code
    AND d.campaign_id = c.id
WHERE c.id = ?
"""

# Exposed visitors per arm and signal, from the counters (parameter: the campaign's id).
EXPOSED = "SELECT arm, signal, exposed FROM exposure_counts WHERE campaign_id = ? AND exposed > 0"


@dataclass(frozen=True)
class OfferSettings:
    attribution_days: int
    interruptions_per_week: int


@dataclass(frozen=True)
class AttributedOrder:
    arm: str
    signal: str
    visitor_id: str
    exposed_at: int  # when the visitor was exposed (ms)
    number: int
    total: int
    discount_cost: int  # the order's discounts and waived shipping
    discount_code: str | None
    created_at: int
    campaign_coupon: bool  # paid with one of this campaign's coupons


@dataclass(frozen=True)
class SignalCount:
    signal: str
    exposed: int
    converted: int


@dataclass(frozen=True)
class CampaignResults:
    """Every figure of a campaign's results page that attribution decides."""

    arms: list[ArmTotals]
    newest_orders: list[AttributedOrder]  # newest first
    order_count: int
    signals: list[SignalCount]  # most exposed first
    # One order per converted visitor (any: a visitor's orders share their exposure's arm,
    # signal and time), for the trend.
    converted: list[AttributedOrder]


async def campaign_results(db: Database, campaign_id: int, newest: int = 50) -> CampaignResults:
    """The campaign's results from its exposure counters and one pass over its attributed
    orders."""
    exposed = await db.fetch_all(EXPOSED, (campaign_id,))
    rows = await db.fetch_all(ATTRIBUTED, (campaign_id,))
    orders = [AttributedOrder(**{**dict(row), "campaign_coupon": bool(row["campaign_coupon"])})
              for row in rows]  # fmt: skip
    by_visitor: dict[str, list[AttributedOrder]] = defaultdict(list)
    for order in orders:
        by_visitor[order.visitor_id].append(order)
    converted = [visitor_orders[0] for visitor_orders in by_visitor.values()]
    newest_first = sorted(orders, key=lambda o: (o.created_at, o.number), reverse=True)
    return CampaignResults(
        arms=_arm_totals(exposed, by_visitor.values()),
        newest_orders=newest_first[:newest],
        order_count=len(orders),
        signals=_signal_counts(exposed, converted),
        converted=converted,
    )


async def arm_totals(db: Database, campaign_id: int) -> list[ArmTotals]:
    """Per arm: exposed and converted visitors, revenue and discount cost."""
    return (await campaign_results(db, campaign_id, newest=0)).arms


def _arm_totals(
    exposed: Sequence[aiosqlite.Row], converted: Iterable[list[AttributedOrder]]
) -> list[ArmTotals]:
    exposed_by_arm: dict[str, int] = defaultdict(int)
    for row in exposed:
        exposed_by_arm[row["arm"]] += row["exposed"]
    revenues: dict[str, list[int]] = defaultdict(list)
    discount_costs: dict[str, int] = defaultdict(int)
    for visitor_orders in converted:
        arm = visitor_orders[0].arm
        revenues[arm].append(sum(o.total for o in visitor_orders))
        discount_costs[arm] += sum(o.discount_cost for o in visitor_orders if o.campaign_coupon)
    return [
        ArmTotals.of_visitors(arm, count, revenues[arm], discount_costs[arm])
        for arm, count in sorted(exposed_by_arm.items())
    ]


def _signal_counts(
    exposed: Sequence[aiosqlite.Row], converted: Sequence[AttributedOrder]
) -> list[SignalCount]:
    """Exposed and converted visitors by the trigger signal that exposed them."""
    exposed_by_signal: dict[str, int] = defaultdict(int)
    for row in exposed:
        exposed_by_signal[row["signal"]] += row["exposed"]
    converted_by_signal: dict[str, int] = defaultdict(int)
    for order in converted:
        converted_by_signal[order.signal] += 1
    counts = [SignalCount(signal, count, converted_by_signal[signal])
              for signal, count in exposed_by_signal.items()]  # fmt: skip
    return sorted(counts, key=lambda c: (-c.exposed, c.signal))


async def exposed_visitors(db: Database, campaign_id: int) -> int:
    """How many visitors have seen the campaign (or been held out of it)."""
    return await db.fetch_value(
        "SELECT coalesce(sum(exposed), 0) FROM exposure_counts WHERE campaign_id = ?",
        (campaign_id,),
    )


async def active_gifts(db: Database, store_id: int) -> dict[str, str]:
    """Active SKUs of the store → their display names, for free-gift offers."""
    rows = await db.fetch_all(
        "SELECT sku, name, variant FROM products WHERE store_id = ? AND active = 1"
        " ORDER BY name, sku",
        (store_id,),
    )
    return {row["sku"]: gift_label(row) for row in rows}


async def search_gifts(db: Database, store_id: int, text: str, limit: int = 20) -> list[Row]:
    """Active products whose SKU starts with ``text`` or whose name contains it, for the
    gift picker: a SKU that starts so first, then by name."""
    # LIKE ignores ASCII case; the text's own % and _ are matched as themselves.
    pattern = re.sub(r"([\\%_])", r"\\\1", text.strip())
    starts, contains = "? || '%' ESCAPE '\\'", "'%' || ? || '%' ESCAPE '\\'"
    return await db.fetch_all(
        "SELECT sku, name, variant FROM products WHERE store_id = ? AND active = 1"
        f" AND (sku LIKE {starts} OR name LIKE {contains})"
        f" ORDER BY sku NOT LIKE {starts}, name, sku LIMIT ?",
        (store_id, pattern, pattern, pattern, limit),
    )


def gift_label(row: Row) -> str:
    return f"{row['name']} ({row['variant']})" if row["variant"] else row["name"]


async def offer_settings(db: Database, store_id: int) -> OfferSettings:
    row = await db.fetch_one(
        "SELECT attribution_days, interruptions_per_week FROM stores WHERE id = ?", (store_id,)
    )
    assert row is not None
    return OfferSettings(row[0], row[1])


async def save_offer_settings(
    conn: aiosqlite.Connection, store_id: int, settings: OfferSettings
) -> None:
    await conn.execute(
        "UPDATE stores SET attribution_days = ?, interruptions_per_week = ? WHERE id = ?",
        (settings.attribution_days, settings.interruptions_per_week, store_id),
    )
