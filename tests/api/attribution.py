"""Exposures and orders written straight into the database, for the tests of campaign results
and the store overview (attribution counts them, whoever wrote them)."""

from __future__ import annotations

DAY = 86_400_000
T0 = 1_790_000_000_000


async def insert_exposure(db, campaign_id, visitor, arm, at, signal="exit_top"):
    await db.write(
        lambda conn: conn.execute(
            "INSERT INTO exposures (campaign_id, visitor_id, arm, signal, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (campaign_id, visitor, arm, signal, at),
        )
    )


async def insert_order(
    db, store_id, number, visitor, at, total, discount=0, code=None, status="paid"
):
    await db.write(
        lambda conn: conn.execute(
            "INSERT INTO orders (public_id, store_id, number, status, email, shipping_name,"
            " shipping_address, shipping_method, delivery_from, delivery_to, currency,"
            " prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total,"
            " discount_code, payment_method, created_at, updated_at, visitor_id)"
            " VALUES (?, ?, ?, ?, 'a@b.test', 'A', '{}', 'Post', '2030-01-01',"
            " '2030-01-02', 'EUR', 1, ?, ?, 0, 0, ?, ?, 'test_card', ?, ?, ?)",
            (
                f"ord_{number}",
                store_id,
                number,
                status,
                total + discount,
                discount,
                total,
                code,
                at,
                at,
                visitor,
            ),
        )
    )


# ---- the campaign figures as the queries before migration 0014 counted them ---------------
# The reference the one-pass queries are compared with: the same attribution written as the
# results page, the list and the trend each ran it (one CTE per figure), kept verbatim.

REFERENCE_ATTRIBUTED = f"""
WITH attributed AS (
    SELECT e.arm, e.visitor_id, o.number, o.public_id, o.total, o.discount_total,
           o.discount_total + o.shipping_discount AS discount_cost,
           o.discount_code, o.currency, o.created_at,
           d.id IS NOT NULL AS campaign_coupon
    FROM exposures e
    JOIN campaigns c ON c.id = e.campaign_id
    JOIN stores s ON s.id = c.store_id
    JOIN orders o ON o.store_id = c.store_id AND o.visitor_id = e.visitor_id
        AND o.created_at >= e.created_at
        AND o.created_at <= e.created_at + s.attribution_days * {DAY}
        AND o.status IN ('paid', 'fulfilled')
    LEFT JOIN discounts d ON d.store_id = o.store_id AND d.code = o.discount_code
        AND d.campaign_id = c.id
    WHERE e.campaign_id = ?
)
"""
_REFERENCE_ORDER = f"""o.store_id = c.store_id AND o.visitor_id = x.visitor_id
    AND o.created_at >= x.created_at
    AND o.created_at <= x.created_at + s.attribution_days * {DAY}
    AND o.status IN ('paid', 'fulfilled')"""


async def reference_results(db, campaign_id):
    """Per arm (exposed, converted, revenue, discount cost, per-visitor revenues sorted), the
    signal rows, the newest 50 orders and the order count, as the results page counted them."""
    per_visitor = await db.fetch_all(
        REFERENCE_ATTRIBUTED + "SELECT arm, visitor_id, sum(total) AS revenue,"
        " sum(CASE WHEN campaign_coupon THEN discount_cost ELSE 0 END) AS discount_cost"
        " FROM attributed GROUP BY arm, visitor_id",
        (campaign_id,),
    )
    exposed = await db.fetch_all(
        "SELECT arm, count(*) AS exposed FROM exposures WHERE campaign_id = ? GROUP BY arm",
        (campaign_id,),
    )
    arms = {}
    for row in exposed:
        converted = [v for v in per_visitor if v["arm"] == row["arm"]]
        arms[row["arm"]] = (
            row["exposed"],
            len(converted),
            sum(v["revenue"] for v in converted),
            sum(v["discount_cost"] for v in converted),
            sorted(v["revenue"] for v in converted),
        )
    signals = await db.fetch_all(
        REFERENCE_ATTRIBUTED + "SELECT e.signal, count(*) AS exposed,"
        " count(CASE WHEN e.visitor_id IN (SELECT visitor_id FROM attributed) THEN 1 END)"
        " AS converted FROM exposures e WHERE e.campaign_id = ?"
        " GROUP BY e.signal ORDER BY exposed DESC, e.signal",
        (campaign_id, campaign_id),
    )
    orders = await db.fetch_all(
        REFERENCE_ATTRIBUTED
        + "SELECT * FROM attributed ORDER BY created_at DESC, number DESC LIMIT 50",
        (campaign_id,),
    )
    count = await db.fetch_value(
        REFERENCE_ATTRIBUTED + "SELECT count(*) FROM attributed", (campaign_id,)
    )
    return {
        "arms": arms,
        "signals": [tuple(row) for row in signals],
        "orders": [
            (
                o["number"],
                o["arm"],
                o["total"],
                o["discount_cost"],
                o["discount_code"],
                bool(o["campaign_coupon"]),
                o["created_at"],
            )
            for o in orders
        ],
        "order_count": count,
    }


async def reference_list(db, store_id):
    """Per (campaign, arm): exposed, converted, revenue and per-visitor revenues, sorted."""
    exposed = await db.fetch_all(
        "SELECT x.campaign_id, x.arm, count(*) AS exposed FROM campaigns c"
        " JOIN exposures x ON x.campaign_id = c.id WHERE c.store_id = ?"
        " GROUP BY x.campaign_id, x.arm",
        (store_id,),
    )
    converted = await db.fetch_all(
        "SELECT x.campaign_id, x.arm, x.visitor_id, sum(o.total) AS revenue"
        " FROM campaigns c JOIN stores s ON s.id = c.store_id"
        " JOIN exposures x ON x.campaign_id = c.id"
        f" JOIN orders o ON {_REFERENCE_ORDER}"
        " WHERE c.store_id = ? GROUP BY x.campaign_id, x.visitor_id",
        (store_id,),
    )
    return {
        (row["campaign_id"], row["arm"]): (
            row["exposed"],
            sorted(
                v["revenue"]
                for v in converted
                if (v["campaign_id"], v["arm"]) == (row["campaign_id"], row["arm"])
            ),
        )
        for row in exposed
    }


async def reference_arm_days(db, campaign_id, buckets):
    """Per bucket, arm → (exposed, converted), as the trend counted them."""
    values = ", ".join(["(?, ?, ?)"] * len(buckets))
    rows = await db.fetch_all(
        f"WITH buckets (i, start_ms, end_ms) AS (VALUES {values}),"
        " per_visitor AS ("
        "  SELECT b.i, x.arm, count(o.total) > 0 AS converted FROM buckets b"
        "  JOIN exposures x ON x.campaign_id = ? AND x.created_at >= b.start_ms"
        "   AND x.created_at < b.end_ms"
        "  JOIN campaigns c ON c.id = x.campaign_id JOIN stores s ON s.id = c.store_id"
        f"  LEFT JOIN orders o ON {_REFERENCE_ORDER}"
        "  GROUP BY b.i, x.visitor_id)"
        " SELECT i, arm, count(*) AS exposed, sum(converted) AS converted FROM per_visitor"
        " GROUP BY i, arm",
        [*(v for i, b in enumerate(buckets) for v in (i, b.start_ms, b.end_ms)), campaign_id],
    )
    days = [{} for _ in buckets]
    for row in rows:
        days[row["i"]][row["arm"]] = (row["exposed"], row["converted"])
    return days
