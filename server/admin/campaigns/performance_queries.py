"""SQL for campaigns' standing on the offers list and their trend on the results page.

Attribution is the results page's (``queries.py``): an order counts for an exposed visitor
when it is the same store's, by the same visitor, paid or fulfilled, and placed between the
exposure and ``stores.attribution_days`` days after it. The list counts it store-wide (every
campaign at once); the trend buckets the results page's converted visitors by the day they
were exposed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from server.admin.campaigns.queries import DAY_MS
from server.admin.overview.periods import Bucket
from server.db import Database
from server.offers.results import ArmTotals

__all__ = ["ArmDay", "arm_days", "arm_totals_by_campaign", "exposure_span"]

# Per campaign of the store and arm: converted visitors, their revenue and its sum of squares
# (parameter: the store's id). Read from the orders' side, as the overview's "what offers
# brought": the store's orders that have a visitor (a range of orders_by_visitor, status and
# total in it; ~33k at a store of 100k orders, against 200k exposures of its campaigns), the
# paid and fulfilled ones each meeting its visitor's exposures in exposures_by_visitor
# (campaign and arm in it). The condition is the results page's ATTRIBUTED_ORDER
# (queries.py) turned round: the exposure at most ``attribution_days`` before the order and
# not after it. The store's campaigns are read once, into the IN list; an exposure of another
# store's campaign (the same visitor id there) is left out by it. CROSS JOIN and INDEXED BY
# pin this order and these indexes whatever statistics SQLite has: the campaigns' exposures
# walked by visitor, each looking its orders up, cost as much again.
CONVERTED = f"""
WITH per_visitor AS (
    SELECT x.campaign_id, x.arm, sum(o.total) AS revenue
    FROM stores s
    CROSS JOIN orders o INDEXED BY orders_by_visitor ON o.store_id = s.id
        AND o.visitor_id IS NOT NULL AND o.status IN ('paid', 'fulfilled')
    CROSS JOIN exposures x INDEXED BY exposures_by_visitor ON x.visitor_id = o.visitor_id
        AND x.created_at <= o.created_at
        AND x.created_at >= o.created_at - s.attribution_days * {DAY_MS}
        AND x.campaign_id IN (SELECT c.id FROM campaigns c WHERE c.store_id = ?1)
    WHERE s.id = ?1
    GROUP BY x.campaign_id, x.visitor_id
)
SELECT campaign_id, arm, count(*) AS converted, sum(revenue) AS revenue,
       sum(revenue * revenue) AS squares
FROM per_visitor GROUP BY campaign_id, arm
"""


async def arm_totals_by_campaign(db: Database, store_id: int) -> dict[int, list[ArmTotals]]:
    """Per campaign of the store, each arm's exposed and converted visitors and revenue
    (the discount cost is left at zero: the list does not show it)."""
    exposed = await db.fetch_all(
        "SELECT n.campaign_id, n.arm, sum(n.exposed) AS exposed FROM campaigns c"
        " JOIN exposure_counts n ON n.campaign_id = c.id WHERE c.store_id = ? AND n.exposed > 0"
        " GROUP BY n.campaign_id, n.arm",
        (store_id,),
    )
    converted = {
        (row["campaign_id"], row["arm"]): row for row in await db.fetch_all(CONVERTED, (store_id,))
    }
    totals: dict[int, list[ArmTotals]] = defaultdict(list)
    for row in exposed:
        spent = converted.get((row["campaign_id"], row["arm"]))
        counted = (spent["converted"], spent["revenue"], 0, spent["squares"]) if spent else ()
        totals[row["campaign_id"]].append(ArmTotals(row["arm"], row["exposed"], *counted))
    return dict(totals)


async def exposure_span(db: Database, campaign_id: int) -> tuple[int, int] | None:
    """When the campaign's first and latest exposures happened; None before any."""
    row = await db.fetch_one(
        # Two subqueries: SQLite reads a min or a max alone from the index's end.
        "SELECT (SELECT min(created_at) FROM exposures WHERE campaign_id = ?) AS first,"
        " (SELECT max(created_at) FROM exposures WHERE campaign_id = ?) AS last",
        (campaign_id, campaign_id),
    )
    return None if row is None or row["first"] is None else (row["first"], row["last"])


def arm_days_statement(campaign_id: int, buckets: Sequence[Bucket]) -> tuple[str, list[int]]:
    """Each bucket's exposed visitors per arm, from exposures_by_time alone."""
    values = ", ".join(["(?, ?, ?)"] * len(buckets))
    sql = (
        f"WITH buckets (i, start_ms, end_ms) AS (VALUES {values})"
        " SELECT b.i, x.arm, count(*) AS exposed FROM buckets b"
        " JOIN exposures x ON x.campaign_id = ? AND x.created_at >= b.start_ms"
        "  AND x.created_at < b.end_ms"
        " GROUP BY b.i, x.arm"
    )
    bounds = [v for i, b in enumerate(buckets) for v in (i, b.start_ms, b.end_ms)]
    return sql, [*bounds, campaign_id]


@dataclass(frozen=True)
class ArmDay:
    exposed: int = 0
    converted: int = 0


async def arm_days(
    db: Database,
    campaign_id: int,
    buckets: Sequence[Bucket],
    converted: Sequence[dict[str, int]],
) -> list[dict[str, ArmDay]]:
    """Per bucket of exposure time, each arm's visitors first exposed then and how many of
    them converted (at any time in their attribution window). ``converted``: per bucket, arm
    → converted visitors (``queries.campaign_results`` counts them in its one pass)."""
    if not buckets:
        return []
    rows = await db.fetch_all(*arm_days_statement(campaign_id, buckets))
    days: list[dict[str, ArmDay]] = [{} for _ in buckets]
    for row in rows:
        i, arm = row["i"], row["arm"]
        days[i][arm] = ArmDay(row["exposed"], converted[i].get(arm, 0))
    return days
