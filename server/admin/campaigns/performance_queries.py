"""SQL for campaigns' standing on the offers list and their trend on the results page.

Attribution is the results page's (``queries.py``): an order counts for an exposed visitor
when it is the same store's, by the same visitor, paid or fulfilled, and placed between the
exposure and ``stores.attribution_days`` days after it. These queries count it store-wide
(every campaign at once, for the list) and per day of exposure (for the trend).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from server.admin.campaigns.queries import DAY_MS
from server.admin.overview.periods import Bucket
from server.db import Database
from server.offers.results import ArmTotals

# The join condition of an exposure ``x`` (of campaign ``c``, of store ``s``) and an order
# ``o`` attributed to it: the results page's attribution, written once for these queries.
ATTRIBUTED_ORDER = f"""o.store_id = c.store_id AND o.visitor_id = x.visitor_id
    AND o.created_at >= x.created_at
    AND o.created_at <= x.created_at + s.attribution_days * {DAY_MS}
    AND o.status IN ('paid', 'fulfilled')"""

# Each converted visitor of the store's campaigns, with their attributed revenue
# (parameter: the store's id).
_PER_VISITOR = f"""
SELECT x.campaign_id, x.arm, x.visitor_id, sum(o.total) AS revenue
FROM campaigns c
JOIN stores s ON s.id = c.store_id
JOIN exposures x ON x.campaign_id = c.id
JOIN orders o ON {ATTRIBUTED_ORDER}
WHERE c.store_id = ?
GROUP BY x.campaign_id, x.visitor_id
"""


async def arm_totals_by_campaign(db: Database, store_id: int) -> dict[int, list[ArmTotals]]:
    """Per campaign of the store, each arm's exposed and converted visitors and revenue
    (the discount cost is left at zero: the list does not show it)."""
    exposed = await db.fetch_all(
        "SELECT x.campaign_id, x.arm, count(*) AS exposed FROM campaigns c"
        " JOIN exposures x ON x.campaign_id = c.id WHERE c.store_id = ?"
        " GROUP BY x.campaign_id, x.arm",
        (store_id,),
    )
    converted = await db.fetch_all(_PER_VISITOR, (store_id,))
    revenues: dict[tuple[int, str], list[int]] = defaultdict(list)
    for row in converted:
        revenues[(row["campaign_id"], row["arm"])].append(row["revenue"])
    totals: dict[int, list[ArmTotals]] = defaultdict(list)
    for row in exposed:
        spent = revenues.get((row["campaign_id"], row["arm"]), [])
        totals[row["campaign_id"]].append(
            ArmTotals(row["arm"], row["exposed"], len(spent), sum(spent), 0, tuple(spent))
        )
    return dict(totals)


async def exposure_span(db: Database, campaign_id: int) -> tuple[int, int] | None:
    """When the campaign's first and latest exposures happened; None before any."""
    row = await db.fetch_one(
        "SELECT min(created_at) AS first, max(created_at) AS last FROM exposures"
        " WHERE campaign_id = ?",
        (campaign_id,),
    )
    return None if row is None or row["first"] is None else (row["first"], row["last"])


@dataclass(frozen=True)
class ArmDay:
    exposed: int = 0
    converted: int = 0


async def arm_days(
    db: Database, campaign_id: int, buckets: Sequence[Bucket]
) -> list[dict[str, ArmDay]]:
    """Per bucket of exposure time, each arm's visitors first exposed then and how many of
    them converted (at any time in their attribution window)."""
    if not buckets:
        return []
    values = ", ".join(["(?, ?, ?)"] * len(buckets))
    rows = await db.fetch_all(
        f"WITH buckets (i, start_ms, end_ms) AS (VALUES {values}),"
        " per_visitor AS ("
        "  SELECT b.i, x.arm, count(o.total) > 0 AS converted FROM buckets b"
        "  JOIN exposures x ON x.campaign_id = ? AND x.created_at >= b.start_ms"
        "   AND x.created_at < b.end_ms"
        "  JOIN campaigns c ON c.id = x.campaign_id JOIN stores s ON s.id = c.store_id"
        f"  LEFT JOIN orders o ON {ATTRIBUTED_ORDER}"
        "  GROUP BY b.i, x.visitor_id)"
        " SELECT i, arm, count(*) AS exposed, sum(converted) AS converted FROM per_visitor"
        " GROUP BY i, arm",
        [*(v for i, b in enumerate(buckets) for v in (i, b.start_ms, b.end_ms)), campaign_id],
    )
    days: list[dict[str, ArmDay]] = [{} for _ in buckets]
    for row in rows:
        days[row["i"]][row["arm"]] = ArmDay(row["exposed"], row["converted"])
    return days
