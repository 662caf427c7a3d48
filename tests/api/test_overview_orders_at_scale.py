"""The overview's offers row and the orders list at a grown store: the same figures as the
per-exposure definition they replaced, on random stores, and plans that read by index (no scan
of orders or exposures, no walk of a store's orders for a search) with and without SQLite's
statistics."""

import random
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from server.accounts import create_store
from server.admin.overview import queries
from server.admin.overview.figures import ArmSample, CampaignSplit
from server.admin.overview.periods import local_day, midnight_ms, period
from server.offers.bucketing import HOLDOUT
from server.offers.stats import Sample
from server.orders.queries import _where
from server.orders.service import OrderFilter
from server.services import services
from server.stores.service import validate_new_store
from tests.api.attribution import DAY, T0
from tests.api.offering import live_campaign
from tests.api.statistics import GROWN_STORE, use_statistics

pytestmark = pytest.mark.anyio

STATUSES = ("paid", "fulfilled", "awaiting_payment", "refunded")

# What the overview counted before (one row per exposure of the period, its visitor's orders
# looked up by visitor): the definition the new queries must still give.
REFERENCE_SPLITS = f"""
WITH per_visitor AS (
    SELECT x.campaign_id, x.arm = ? AS held, count(o.total) > 0 AS converted,
        coalesce(sum(o.total), 0) AS revenue
    FROM campaigns c JOIN stores s ON s.id = c.store_id
    JOIN exposures x ON x.campaign_id = c.id AND x.created_at >= ? AND x.created_at < ?
    LEFT JOIN orders o ON o.store_id = c.store_id AND o.visitor_id = x.visitor_id
        AND o.created_at >= x.created_at
        AND o.created_at <= x.created_at + s.attribution_days * {DAY}
        AND o.status IN ('paid', 'fulfilled')
    WHERE c.store_id = ? GROUP BY x.campaign_id, x.visitor_id)
SELECT campaign_id, held, count(*) AS visitors, sum(converted) AS converted,
    sum(revenue) AS revenue, sum(revenue * revenue) AS squares
FROM per_visitor GROUP BY campaign_id, held ORDER BY campaign_id
"""


async def reference_splits(db, store_id, start, end) -> list[CampaignSplit]:
    rows = await db.fetch_all(REFERENCE_SPLITS, (HOLDOUT, start, end, store_id))
    sides: dict[int, dict[bool, ArmSample]] = {}
    for row in rows:
        sample = Sample(row["visitors"], row["revenue"], row["squares"])
        sides.setdefault(row["campaign_id"], {})[bool(row["held"])] = ArmSample(
            sample, row["converted"]
        )
    empty = ArmSample(Sample(0, 0, 0), 0)
    return [
        CampaignSplit(campaign, arms.get(False, empty), arms.get(True, empty))
        for campaign, arms in sides.items()
    ]


def moment(rng):
    """Often on whole quarter days, so exposures, orders and periods meet at their edges."""
    return T0 + rng.randint(-8, 80) * DAY // 4 + (0 if rng.random() < 0.5 else rng.randint(-2, 2))


async def random_store(app, store_id, rng, first_number, campaigns=3, visitors=300, orders=900):
    db = services(app).db
    ids = [(await live_campaign(app, store_id, holdout_percent=20)).id for _ in range(campaigns)]
    exposures = [
        (cid, f"v{v}", rng.choice(("A", "A", "B", HOLDOUT)), moment(rng))
        for cid in ids
        for v in rng.sample(range(visitors), visitors // 2)
    ]
    placed = [
        (f"ord_{store_id}_{n}", store_id, n, rng.choice(STATUSES), f"c{n}@shop.test",
         None if rng.random() < 0.15 else f"v{rng.randrange(visitors + 50)}",
         rng.randint(0, 90_000), moment(rng))
        for n in range(first_number, first_number + orders)
    ]  # fmt: skip

    async def write(conn):
        await conn.executemany(
            "INSERT INTO exposures (campaign_id, visitor_id, arm, signal, created_at)"
            " VALUES (?, ?, ?, 'exit_top', ?)",
            exposures,
        )
        await conn.executemany(
            "INSERT INTO orders (public_id, store_id, number, status, email, shipping_name,"
            " shipping_address, shipping_method, delivery_from, delivery_to, currency,"
            " prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total,"
            " payment_method, visitor_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'A',"
            " '{}', 'Post', '2030-01-01', '2030-01-02', 'EUR', 1, ?7, 0, 0, 0, ?7, 'test_card',"
            " ?6, ?8, ?8)",
            placed,
        )

    await db.write(write)


async def test_offers_brought_equals_the_per_exposure_count_on_random_stores(app, store):
    db = services(app).db
    zone = ZoneInfo(store.timezone)
    later = T0 + 30 * DAY  # after every exposure and order: every day has settled
    for seed in range(3):
        rng = random.Random(seed)
        here, other = [
            (await create_store(db, validate_new_store(name, [f"http://{name}.test"], "EUR",
                                "en-IE", store.timezone), now=T0)).id
            for name in (f"here{seed}", f"other{seed}")
        ]  # fmt: skip
        # The same visitor ids in another store: its orders never count here, nor here's there.
        await random_store(app, here, rng, first_number=1)
        await random_store(app, other, rng, first_number=1, campaigns=1)
        window = rng.choice((1, 7, 30))  # the store's attribution days
        await db.write(lambda conn, days=window, s=here: conn.execute(
            "UPDATE stores SET attribution_days = ? WHERE id = ?", (days, s)
        ))  # fmt: skip
        where = queries.EventStore(here, store.timezone)
        for _ in range(6):
            first = local_day(moment(rng), zone)
            last = first + timedelta(days=rng.choice((0, 1, 6, 29)))
            # "Now" after the period, or in its last day (today; or the previous period's last
            # day, cut at the same time of day).
            cut = rng.choice((None, midnight_ms(last, zone) + rng.randrange(DAY)))
            days = period(first, last, cut, zone).days
            now = later if cut is None else cut
            expected = await reference_splits(db, here, days[0].start_ms, days[-1].end_ms)
            # Counted, then again from the days kept the first time: the same figures.
            assert await queries.campaign_splits(db, where, days, now) == expected
            assert await queries.campaign_splits(db, where, days, now) == expected
        kept = await db.fetch_value(
            "SELECT count(*) FROM exposure_days k JOIN campaigns c ON c.id = k.campaign_id"
            " WHERE c.store_id = ?", (here,)
        )  # fmt: skip
        assert kept > 0


def order_list_statements(store_id: int) -> dict[str, tuple[str, list]]:
    found = {}
    for name, wanted in (
        ("by status", OrderFilter("paid", "")),
        ("search", OrderFilter(None, "ann@example.test")),
        ("search by status", OrderFilter("refunded", "ann")),
        ("search a number", OrderFilter(None, "#1002")),
    ):
        where, params = _where(store_id, wanted)
        found[f"list {name}"] = (
            f"SELECT id FROM orders WHERE {where} ORDER BY created_at DESC, id DESC LIMIT 50",
            params,
        )
        found[f"count {name}"] = (f"SELECT count(*) FROM orders WHERE {where}", params)
    return found


async def plans(db, statements: dict[str, tuple[str, list]]) -> dict[str, list[str]]:
    async def explain(conn):
        found = {}
        for name, (sql, params) in statements.items():
            async with conn.execute("EXPLAIN QUERY PLAN " + sql, params) as cursor:
                found[name] = [row[3] for row in await cursor.fetchall()]
        return found

    return await db.write(explain)  # the writer: it sees the statistics just written


async def assert_plans_read_by_index(db, store_id, few_rows=False):
    found = await plans(
        db,
        {
            "exposed": (
                queries._buckets_cte(1) + queries._EXPOSED_LIVE,
                [0, T0, T0 + DAY, HOLDOUT, store_id],
            ),
            "converted": (queries._CONVERTED, [HOLDOUT, T0, T0 + DAY, store_id]),
            "kept": (queries._KEPT_EXPOSURES, ["UTC", "2026-01-01", "2026-03-31", store_id]),
            **order_list_statements(store_id),
        },
    )
    # Told the stores and campaigns tables hold a handful of rows, SQLite may read them whole.
    scanned = ("orders", "o", "x", "k", "exposures", "events") + (() if few_rows else ("s", "c"))
    for name, details in found.items():
        assert not [d for d in details if d.split(" ")[:2] in (["SCAN", t] for t in scanned)], (
            name, details,
        )  # fmt: skip
    assert [d for d in found["exposed"] if d.startswith("SEARCH x")] == 2 * [
        "SEARCH x USING COVERING INDEX exposures_by_time"
        " (campaign_id=? AND created_at>? AND created_at<?)"
    ], found["exposed"]
    assert [d for d in found["kept"] if d.startswith("SEARCH k")] == [
        "SEARCH k USING PRIMARY KEY (campaign_id=? AND timezone=? AND day>? AND day<?)"
    ], found["kept"]
    converted = found["converted"]
    orders = next(i for i, d in enumerate(converted) if d.startswith("SEARCH o "))
    exposures = next(i for i, d in enumerate(converted) if d.startswith("SEARCH x "))
    assert orders < exposures, converted  # the store's orders with a visitor drive
    assert converted[orders] == (
        "SEARCH o USING COVERING INDEX orders_by_visitor (store_id=? AND visitor_id>?)"
    ), converted
    assert converted[exposures].startswith(
        "SEARCH x USING COVERING INDEX exposures_by_visitor (visitor_id=?"
    ), converted
    for verb in ("list", "count"):
        assert found[f"{verb} by status"] == [
            "SEARCH orders USING COVERING INDEX orders_by_status (store_id=? AND status=?)",
            *(["USE TEMP B-TREE FOR RIGHT PART OF ORDER BY"] if verb == "list" else []),
        ], found[f"{verb} by status"]
        for search in ("search", "search by status", "search a number"):
            details = found[f"{verb} {search}"]
            # The matches' ids are looked up one by one; no order is read to test it.
            assert details[0] == "SEARCH orders USING INTEGER PRIMARY KEY (rowid=?)", details
            assert any(d.startswith("SCAN orders_search VIRTUAL TABLE") for d in details) or (
                search == "search a number"
            ), details


async def test_plans_read_by_index_with_and_without_statistics(app, store):
    db = services(app).db
    await random_store(app, store.id, random.Random(1), first_number=1, orders=300)

    await use_statistics(db)  # none: what a database has until something runs ANALYZE
    await assert_plans_read_by_index(db, store.id)
    # Statistics of this small store…
    await db.write(lambda conn: conn.execute("ANALYZE"))
    await assert_plans_read_by_index(db, store.id, few_rows=True)

    # … then those of a grown one.
    await use_statistics(db, GROWN_STORE)
    await assert_plans_read_by_index(db, store.id, few_rows=True)
