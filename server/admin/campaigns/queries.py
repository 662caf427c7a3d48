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

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import aiosqlite

from server.admin.overview.periods import Bucket
from server.db import Database, Row, like_pattern
from server.offers.results import ArmTotals

DAY_MS = 86_400_000

# The join condition of an exposure ``x`` (of campaign ``c``, of store ``s``) and an order
# ``o`` attributed to it: the attribution above, written once for every query that counts it.
ATTRIBUTED_ORDER = f"""o.store_id = c.store_id AND o.visitor_id = x.visitor_id
    AND o.created_at >= x.created_at
    AND o.created_at <= x.created_at + s.attribution_days * {DAY_MS}
    AND o.status IN ('paid', 'fulfilled')"""

# A campaign's results in one pass (parameters: the campaign's id, how many of the newest
# orders to list). ``attributed`` is every
# attributed order of the campaign with the exposure it is attributed to and whether it used
# one of this campaign's coupons, read once: CROSS JOIN fixes the loops' order whatever
# statistics SQLite has (or none), the campaign's exposures outside (exposures_by_campaign_
# visitor), each visitor's orders inside (orders_by_visitor), both covering; a store's other
# orders and other campaigns' exposures are never read. Every figure is then an aggregate of
# it, returned as rows of three kinds (``part``):
#   'arm'    per arm and signal: converted visitors, their revenue, its sum of squares, the
#            campaign's coupons' cost, attributed orders;
#   'visitor' per converted visitor: their arm and when they were exposed (for the trend,
#            whose local days Python knows);
#   'order'  the newest attributed orders.
# The three share one row shape: a 'visitor' row carries the exposure's time in
# ``created_at``, an 'order' row the order's total in ``revenue``.
RESULTS = f"""
WITH attributed AS MATERIALIZED (
    SELECT x.arm, x.signal, x.visitor_id, x.created_at AS exposed_at,
           o.number, o.total, o.discount_total + o.shipping_discount AS discount_cost,
           o.discount_code, o.created_at, d.id IS NOT NULL AS campaign_coupon
    FROM campaigns c
    CROSS JOIN stores s ON s.id = c.store_id
    CROSS JOIN exposures x ON x.campaign_id = c.id
    CROSS JOIN orders o ON {ATTRIBUTED_ORDER}
    LEFT JOIN discounts d ON d.store_id = o.store_id AND d.code = o.discount_code
        AND d.campaign_id = c.id
    WHERE c.id = ?1
),
visitors AS MATERIALIZED (
    SELECT arm, signal, exposed_at, sum(total) AS revenue, count(*) AS orders,
           sum(CASE WHEN campaign_coupon THEN discount_cost ELSE 0 END) AS coupon_cost
    FROM attributed GROUP BY visitor_id
)
SELECT 'arm' AS part, arm, signal, count(*) AS converted, sum(revenue) AS revenue,
       sum(revenue * revenue) AS squares, sum(coupon_cost) AS discount_cost,
       sum(orders) AS orders, NULL AS number, NULL AS discount_code, NULL AS campaign_coupon,
       NULL AS created_at
FROM visitors GROUP BY arm, signal
UNION ALL
SELECT 'visitor', arm, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, exposed_at
FROM visitors
UNION ALL
SELECT * FROM (
    SELECT 'order', arm, NULL, NULL, total, NULL, discount_cost, NULL, number, discount_code,
           campaign_coupon, created_at
    FROM attributed ORDER BY created_at DESC, number DESC LIMIT ?2
)
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
    converted_by_bucket: list[dict[str, int]]  # per trend bucket: arm → converted visitors


async def campaign_results(
    db: Database, campaign_id: int, buckets: Sequence[Bucket] = (), newest: int = 50
) -> CampaignResults:
    """The campaign's results from its exposure counters and one pass over its attributed
    orders; ``buckets``: the trend's (in time order), by the time visitors were exposed."""
    exposed = await db.fetch_all(EXPOSED, (campaign_id,))
    rows = await db.fetch_all(RESULTS, (campaign_id, newest))
    parts: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        parts[row["part"]].append(row)
    by_bucket: list[dict[str, int]] = [defaultdict(int) for _ in buckets]
    starts = [b.start_ms for b in buckets]
    for row in parts["visitor"]:
        exposed_at = row["created_at"]  # a 'visitor' row's exposure time
        i = bisect.bisect_right(starts, exposed_at) - 1
        if i >= 0 and exposed_at < buckets[i].end_ms:
            by_bucket[i][row["arm"]] += 1
    return CampaignResults(
        arms=_arm_totals(exposed, parts["arm"]),
        newest_orders=[_order(row) for row in parts["order"]],
        order_count=sum(row["orders"] for row in parts["arm"]),
        signals=_signal_counts(exposed, parts["arm"]),
        converted_by_bucket=by_bucket,
    )


async def arm_totals(db: Database, campaign_id: int) -> list[ArmTotals]:
    """Per arm: exposed and converted visitors, revenue and discount cost."""
    return (await campaign_results(db, campaign_id, newest=0)).arms


def _order(row: Row) -> AttributedOrder:
    return AttributedOrder(
        arm=row["arm"],
        number=row["number"],
        total=row["revenue"],  # an 'order' row's total
        discount_cost=row["discount_cost"],
        discount_code=row["discount_code"],
        created_at=row["created_at"],
        campaign_coupon=bool(row["campaign_coupon"]),
    )


def _arm_totals(exposed: Sequence[Row], converted: Sequence[Row]) -> list[ArmTotals]:
    """Per arm, summed over the signals that exposed its visitors."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for row in exposed:
        totals[row["arm"]][0] += row["exposed"]
    for row in converted:
        arm = totals[row["arm"]]
        for place, name in enumerate(("converted", "revenue", "discount_cost", "squares"), 1):
            arm[place] += row[name]
    return [
        ArmTotals(arm, exposed_, converted_, revenue, cost, squares)
        for arm, (exposed_, converted_, revenue, cost, squares) in sorted(totals.items())
    ]


def _signal_counts(exposed: Sequence[Row], converted: Sequence[Row]) -> list[SignalCount]:
    """Exposed and converted visitors by the trigger signal that exposed them."""
    exposed_by_signal: dict[str, int] = defaultdict(int)
    for row in exposed:
        exposed_by_signal[row["signal"]] += row["exposed"]
    converted_by_signal: dict[str, int] = defaultdict(int)
    for row in converted:
        converted_by_signal[row["signal"]] += row["converted"]
    counts = [SignalCount(signal, count, converted_by_signal[signal])
              for signal, count in exposed_by_signal.items()]  # fmt: skip
    return sorted(counts, key=lambda c: (-c.exposed, c.signal))


async def exposed_visitors(db: Database, campaign_id: int) -> int:
    """How many visitors have seen the campaign (or been held out of it)."""
    return await db.fetch_value(
        "SELECT coalesce(sum(exposed), 0) FROM exposure_counts WHERE campaign_id = ?",
        (campaign_id,),
    )


async def gift_names(db: Database, store_id: int, skus: Iterable[str]) -> dict[str, str]:
    """The store's active products among ``skus`` → their display names: the gifts a campaign
    form names and accepts. ``skus`` are the form's (one per variant), never the catalog; a
    SKU of another store, an inactive one or none at all is simply not in the answer."""
    wanted = sorted({sku for sku in skus if sku})
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    rows = await db.fetch_all(
        "SELECT sku, name, variant FROM products"
        f" WHERE store_id = ? AND active = 1 AND sku IN ({marks})",
        (store_id, *wanted),
    )
    return {row["sku"]: gift_label(row) for row in rows}


async def search_gifts(db: Database, store_id: int, text: str, limit: int = 20) -> list[Row]:
    """Active products whose SKU starts with ``text`` or whose name contains it, for the
    gift picker: a SKU that starts so first, then by name."""
    # LIKE ignores ASCII case; the text's own % and _ are matched as themselves.
    pattern = like_pattern(text.strip())
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
