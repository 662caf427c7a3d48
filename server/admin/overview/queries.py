"""SQL behind the overview: counts per bucket of time, and offers against their holdouts.

Every query is a range query on an index: orders by (store, created_at) with status and
total in the index, events by (store, received_at), exposures by (campaign, created_at) with
the arm in the index; what offers brought starts from the store's orders that have a visitor
(by ``orders_by_visitor``), far fewer than the exposures, and meets their visitors'
exposures by index.
Buckets go in as a ``VALUES`` list of [start, end) pairs, one index range per bucket.

Session counts of finished days are counted once and kept in ``event_days``: an event's day
is that of its ``received_at`` (the server's clock at arrival), so a day that has ended
never changes. Only today (and a period cut at this time of day) is counted live.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from server.admin.overview.figures import ArmSample, CampaignSplit, DayCounts
from server.admin.overview.periods import Bucket
from server.db import Database
from server.offers import stats
from server.offers.bucketing import HOLDOUT

DAY_MS = 86_400_000
# A day is kept once it ended this long ago: events in flight at midnight are committed by
# then (the event sink answers within milliseconds; this leaves minutes).
SETTLE_MS = 10 * 60_000
# Buckets counted live per query: each query holds the one read connection, so a long
# backfill is cut into short queries that other readers can interleave with.
BUCKETS_PER_QUERY = 7
# Paid and fulfilled orders are revenue, as in the campaign results
# (server/admin/campaigns/queries.py).
COUNTED_STATUSES = "('paid', 'fulfilled')"
PRODUCT_VIEW = "product_view"  # keepcart('track', 'product_view') on a product page
CART_ADD = "cart_add"  # the widget's checkout events (widget/src/constants.js)
CHECKOUT_START = "checkout_start"
ORDER_COMPLETE = "order_complete"


def _buckets_cte(count: int) -> str:
    rows = ", ".join(["(?, ?, ?)"] * count)
    return f"WITH buckets (i, start_ms, end_ms) AS (VALUES {rows}) "


def _bucket_params(buckets: Sequence[Bucket]) -> list[int]:
    return [value for i, b in enumerate(buckets) for value in (i, b.start_ms, b.end_ms)]


async def order_counts(db: Database, store_id: int, buckets: Sequence[Bucket]) -> list[DayCounts]:
    """Paid and fulfilled orders placed in each bucket, and their revenue."""
    if not buckets:
        return []
    rows = await db.fetch_all(
        _buckets_cte(len(buckets))
        + "SELECT b.i, count(o.total) AS orders, coalesce(sum(o.total), 0) AS revenue"
        " FROM buckets b LEFT JOIN orders o ON o.store_id = ?"
        " AND o.created_at >= b.start_ms AND o.created_at < b.end_ms"
        f" AND o.status IN {COUNTED_STATUSES} GROUP BY b.i ORDER BY b.i",
        [*_bucket_params(buckets), store_id],
    )
    return [DayCounts(orders=row["orders"], revenue=row["revenue"]) for row in rows]


@dataclass(frozen=True)
class EventStore:
    """Whose events, and the timezone their days are local to."""

    store_id: int
    timezone: str


async def event_counts(
    db: Database, where: EventStore, buckets: Sequence[Bucket], now_ms: int
) -> list[DayCounts]:
    """Sessions reaching each funnel step, and page views, per bucket."""
    keep = [b.whole_day and b.end_ms <= now_ms - SETTLE_MS for b in buckets]
    kept = await _kept_days(db, where, [b for b, k in zip(buckets, keep, strict=True) if k])
    missing = [b for b, k in zip(buckets, keep, strict=True) if not (k and b.day in kept)]
    counted = await _count_live(db, where.store_id, missing)
    to_keep = [(b, c) for b, c in zip(missing, counted, strict=True) if b.whole_day
               and b.end_ms <= now_ms - SETTLE_MS]  # fmt: skip
    if to_keep:
        await db.write(lambda conn: _keep_days(conn, where, to_keep))
    live = {(b.start_ms, b.end_ms): c for b, c in zip(missing, counted, strict=True)}
    return [
        kept[b.day] if k and b.day in kept else live[(b.start_ms, b.end_ms)]
        for b, k in zip(buckets, keep, strict=True)
    ]


_EVENT_COLUMNS = (
    "sessions", "product_view_sessions", "cart_sessions", "checkout_sessions",
    "order_sessions", "page_views",
)  # fmt: skip


async def _kept_days(db: Database, where: EventStore, buckets: Sequence[Bucket]) -> dict:
    if not buckets:
        return {}
    days = sorted(b.day for b in buckets)
    rows = await db.fetch_all(
        f"SELECT day, {', '.join(_EVENT_COLUMNS)} FROM event_days"
        " WHERE store_id = ? AND timezone = ? AND day BETWEEN ? AND ?",
        (where.store_id, where.timezone, days[0].isoformat(), days[-1].isoformat()),
    )
    by_day = {row["day"]: DayCounts(**{c: row[c] for c in _EVENT_COLUMNS}) for row in rows}
    return {b.day: by_day[b.day.isoformat()] for b in buckets if b.day.isoformat() in by_day}


# A session converted when its order_complete event names an order of this store placed by
# the same visitor (anyone can post events; only checkout writes orders), whatever the order's
# payment state since (so a day once counted stays true). One order converts one session at
# most: replaying a real order's id in other sessions counts it once (min of the two counts).
_PLACED = (
    "e.type = 'checkout' AND e.name = ? AND EXISTS (SELECT 1 FROM orders o"
    " WHERE o.public_id = json_extract(e.props, '$.order') AND o.store_id = e.store_id"
    " AND o.visitor_id = e.visitor_id)"
)


async def _count_live(db: Database, store_id: int, buckets: Sequence[Bucket]) -> list[DayCounts]:
    counted: list[DayCounts] = []
    for first in range(0, len(buckets), BUCKETS_PER_QUERY):
        chunk = buckets[first : first + BUCKETS_PER_QUERY]
        rows = await db.fetch_all(
            _buckets_cte(len(chunk)) + "SELECT b.i,"
            " count(DISTINCT CASE WHEN e.type = 'pageview' THEN e.session_id END),"
            " count(DISTINCT CASE WHEN e.name = ? THEN e.session_id END),"
            " count(DISTINCT CASE WHEN e.type = 'checkout' AND e.name = ? THEN e.session_id END),"
            " count(DISTINCT CASE WHEN e.type = 'checkout' AND e.name = ? THEN e.session_id END),"
            f" min(count(DISTINCT CASE WHEN {_PLACED} THEN e.session_id END),"
            f"  count(DISTINCT CASE WHEN {_PLACED} THEN json_extract(e.props, '$.order') END)),"
            " count(CASE WHEN e.type = 'pageview' THEN 1 END)"
            " FROM buckets b LEFT JOIN events e ON e.store_id = ?"
            " AND e.received_at >= b.start_ms AND e.received_at < b.end_ms"
            " GROUP BY b.i ORDER BY b.i",
            [*_bucket_params(chunk), PRODUCT_VIEW, CART_ADD, CHECKOUT_START, ORDER_COMPLETE,
             ORDER_COMPLETE, store_id],
        )  # fmt: skip
        counted += [DayCounts(**dict(zip(_EVENT_COLUMNS, row[1:], strict=True))) for row in rows]
    return counted


async def _keep_days(conn, where: EventStore, days: list[tuple[Bucket, DayCounts]]) -> None:
    await conn.executemany(
        f"INSERT OR REPLACE INTO event_days (store_id, timezone, day, {', '.join(_EVENT_COLUMNS)})"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (where.store_id, where.timezone, b.day.isoformat(),
             *(getattr(c, name) for name in _EVENT_COLUMNS))
            for b, c in days
        ],
    )  # fmt: skip


def with_orders(events: Sequence[DayCounts], orders: Sequence[DayCounts]) -> list[DayCounts]:
    """Each bucket's event counts with its order counts."""
    return [replace(e, orders=o.orders, revenue=o.revenue) for e, o in zip(events, orders,
                                                                          strict=True)]  # fmt: skip


# ---- offers against their holdouts ----------------------------------------------------------


# The visitors first exposed in each bucket, per campaign of the store (zeros included): every
# variant together, and the holdout. Two counts per campaign and bucket, each a range of the
# exposures_by_time index (the arm is in it).
_EXPOSED_LIVE = (
    "SELECT b.i, c.id AS campaign_id,"
    " (SELECT count(*) FROM exposures x WHERE x.campaign_id = c.id"
    "  AND x.created_at >= b.start_ms AND x.created_at < b.end_ms) AS visitors,"
    " (SELECT count(*) FROM exposures x WHERE x.campaign_id = c.id AND x.arm = ?"
    "  AND x.created_at >= b.start_ms AND x.created_at < b.end_ms) AS held"
    " FROM buckets b CROSS JOIN campaigns c WHERE c.store_id = ?"
)

# The same visitors' attributed revenue, read from the orders' side: the store's orders that
# have a visitor (from the orders_by_visitor index alone; few next to the exposures), the paid
# and fulfilled ones each meeting its visitor's exposures of the period in exposures_by_visitor. The
# condition is the campaign results' (ATTRIBUTED_ORDER) turned round: the order placed between
# the exposure and ``attribution_days`` after it. CROSS JOIN and INDEXED BY pin this order and
# index whatever statistics SQLite has: without them it would start from the orders by status
# and read each order's row.
_CONVERTED = f"""
WITH per_visitor AS (
    SELECT x.campaign_id, x.arm = ? AS held, sum(o.total) AS revenue
    FROM stores s
    CROSS JOIN orders o INDEXED BY orders_by_visitor ON o.store_id = s.id
        AND o.visitor_id IS NOT NULL AND o.status IN ('paid', 'fulfilled')
    CROSS JOIN exposures x ON x.visitor_id = o.visitor_id
        AND x.created_at >= ? AND x.created_at < ?
        AND x.created_at <= o.created_at
        AND x.created_at >= o.created_at - s.attribution_days * {DAY_MS}
    CROSS JOIN campaigns c ON c.id = x.campaign_id AND c.store_id = s.id
    WHERE s.id = ?
    GROUP BY x.campaign_id, x.visitor_id
)
SELECT campaign_id, held, count(*) AS converted, sum(revenue) AS revenue,
    sum(revenue * revenue) AS squares
FROM per_visitor GROUP BY campaign_id, held
"""


async def campaign_splits(
    db: Database, where: EventStore, days: Sequence[Bucket], now_ms: int
) -> list[CampaignSplit]:
    """Per campaign of the store, the visitors first exposed in the period's days: those who
    saw an offer (every variant together) and the holdout, each visitor with the revenue of
    the orders attributed to them (the campaign results' attribution: same visitor, paid or
    fulfilled, placed within the store's attribution window after the exposure). A visitor
    without an attributed order adds one to its side's count and nothing to its sums; a
    campaign nobody was exposed to in the period is left out.

    The counts of finished days are kept in ``exposure_days``; the revenue is always
    counted, since an order placed or refunded later changes it."""
    if not days:
        return []
    exposed: dict[int, tuple[int, int]] = {}
    for counts in (await _exposed_days(db, where, days, now_ms)).values():
        for campaign_id, (visitors, held) in counts.items():
            before = exposed.get(campaign_id, (0, 0))
            exposed[campaign_id] = (before[0] + visitors, before[1] + held)
    start, end = days[0].start_ms, days[-1].end_ms
    converted = {
        (row["campaign_id"], bool(row["held"])): row
        for row in await db.fetch_all(_CONVERTED, (HOLDOUT, start, end, where.store_id))
    }

    def side(campaign_id: int, held: bool, visitors: int) -> ArmSample:
        row = converted.get((campaign_id, held))
        if row is None:
            return ArmSample(stats.Sample(visitors, 0, 0), 0)
        return ArmSample(stats.Sample(visitors, row["revenue"], row["squares"]), row["converted"])

    return [
        CampaignSplit(campaign_id, side(campaign_id, False, visitors - held),
                      side(campaign_id, True, held))
        for campaign_id, (visitors, held) in sorted(exposed.items())
        if visitors
    ]  # fmt: skip


ExposedDay = dict[int, tuple[int, int]]  # campaign id: (visitors, of them held out)


async def _exposed_days(
    db: Database, where: EventStore, days: Sequence[Bucket], now_ms: int
) -> dict[int, ExposedDay]:
    """Each day's exposed visitors per campaign, by the day's index in ``days``: kept days
    read back, the others counted (and kept once they have settled)."""
    keep = [b.whole_day and b.end_ms <= now_ms - SETTLE_MS for b in days]
    kept = await _kept_exposures(db, where, [b for b, k in zip(days, keep, strict=True) if k])
    found = {i: kept[b.day] for i, b in enumerate(days) if keep[i] and b.day in kept}
    missing = [i for i in range(len(days)) if i not in found]
    if not missing:
        return found
    counted: dict[int, ExposedDay] = {i: {} for i in missing}
    for row in await db.fetch_all(
        _buckets_cte(len(missing)) + _EXPOSED_LIVE,
        [*_bucket_params([days[i] for i in missing]), HOLDOUT, where.store_id],
    ):
        counted[missing[row["i"]]][row["campaign_id"]] = (row["visitors"], row["held"])
    to_keep = [(days[i], counted[i]) for i in missing if keep[i] and counted[i]]
    if to_keep:
        await db.write(lambda conn: _keep_exposures(conn, where, to_keep))
    return found | counted


_KEPT_EXPOSURES = (
    "SELECT k.day, k.campaign_id, k.visitors, k.held FROM campaigns c"
    " CROSS JOIN exposure_days k ON k.campaign_id = c.id AND k.timezone = ?"
    " AND k.day BETWEEN ? AND ? WHERE c.store_id = ?"
)


async def _kept_exposures(
    db: Database, where: EventStore, days: Sequence[Bucket]
) -> dict[date, ExposedDay]:
    if not days:
        return {}
    rows = await db.fetch_all(
        _KEPT_EXPOSURES,
        (where.timezone, days[0].day.isoformat(), days[-1].day.isoformat(), where.store_id),
    )
    by_day: dict[str, ExposedDay] = {}
    for row in rows:
        by_day.setdefault(row["day"], {})[row["campaign_id"]] = (row["visitors"], row["held"])
    return {b.day: by_day[b.day.isoformat()] for b in days if b.day.isoformat() in by_day}


async def _keep_exposures(conn, where: EventStore, days: list[tuple[Bucket, ExposedDay]]) -> None:
    await conn.executemany(
        "INSERT OR REPLACE INTO exposure_days (campaign_id, timezone, day, visitors, held)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (campaign_id, where.timezone, b.day.isoformat(), visitors, held)
            for b, counts in days
            for campaign_id, (visitors, held) in counts.items()
        ],
    )


async def campaign_count(db: Database, store_id: int) -> int:
    return await db.fetch_value("SELECT count(*) FROM campaigns WHERE store_id = ?", (store_id,))


@dataclass(frozen=True)
class SurveyCounts:
    surveys: int
    live: int
    shown: int  # responses shown in the period, whatever became of them
    completed: int


async def survey_counts(db: Database, store_id: int, start_ms: int, end_ms: int) -> SurveyCounts:
    """The store's surveys (and how many are live), and its responses shown in the period and
    how many of those were completed."""
    surveys = await db.fetch_one(
        "SELECT count(*), coalesce(sum(status = 'live'), 0) FROM surveys WHERE store_id = ?",
        (store_id,),
    )
    responses = await db.fetch_one(
        "SELECT count(*), coalesce(sum(status = 'completed'), 0) FROM survey_responses"
        " WHERE store_id = ? AND shown_at >= ? AND shown_at < ?",
        (store_id, start_ms, end_ms),
    )
    assert surveys is not None and responses is not None  # aggregates: always one row
    return SurveyCounts(surveys[0], surveys[1], responses[0], responses[1])
