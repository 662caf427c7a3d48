"""The campaign pages' figures from one pass by visitor and from exposure counters: the same
figures as the queries they replaced, on random stores; plans that read a campaign's own
exposures and each visitor's orders by index (the results page), or the store's orders with a
visitor and each one's exposures by index (the offers list), with and without SQLite's
statistics."""

import random
from datetime import date

import pytest

from server.accounts import create_store
from server.admin.campaigns import performance_queries, queries
from server.admin.overview.periods import Bucket
from server.clock import now_ms
from server.offers.model import Campaign, Frequency, Offer, Targeting, Trigger, Variant
from server.offers.queries import save_campaign
from server.offers.results import revenue_sample
from server.offers.stats import Sample
from server.services import services
from server.stores.service import validate_new_store
from tests.api.attribution import (
    DAY,
    T0,
    reference_arm_days,
    reference_list,
    reference_results,
)
from tests.api.plans import query_plans
from tests.api.statistics import GROWN_STORE, use_statistics

pytestmark = pytest.mark.anyio

SIGNALS = ("exit_top", "scroll_up", "back_button", "inactivity")
STATUSES = ("paid", "fulfilled", "awaiting_payment", "refunded")


async def new_campaign(db, store_id, name):
    variants = (
        Variant("A", 50, "Wait", "", "Claim", Offer("percent", 10)),
        Variant("B", 50, "Free shipping", "", "Claim", Offer("free_shipping", 0)),
    )
    campaign = Campaign(
        name=name, trigger=Trigger(), targeting=Targeting(), frequency=Frequency(),
        variants=variants, store_id=store_id, status="live",
    )  # fmt: skip
    return (await db.write(lambda conn: save_campaign(conn, campaign, T0))).id


def moment(rng):
    """Often on whole quarter days, so exposures and orders meet at the window's edges."""
    return T0 + rng.randint(-4, 100) * DAY // 4 + (0 if rng.random() < 0.5 else rng.randint(-3, 3))


async def random_store(db, store_id, rng, campaigns=3, visitors=900, orders=3000, prefix="ord"):
    ids = [await new_campaign(db, store_id, f"c{n}") for n in range(campaigns)]
    exposures = [
        (cid, f"v{v}", rng.choice(("A", "B", "B", "holdout")), rng.choice(SIGNALS), moment(rng))
        for cid in ids
        for v in rng.sample(range(visitors), visitors // 2)
    ]
    coupons = [(store_id, f"KC-{n:04d}", T0, rng.choice([*ids, None])) for n in range(60)]
    placed = []
    for number in range(1, orders + 1):
        code = rng.choice([None, None, "WELCOME10", *(c[1] for c in coupons[:30])])
        visitor = None if rng.random() < 0.1 else f"v{rng.randrange(visitors + 100)}"
        total, discount, waived = rng.randint(0, 90_000), rng.randint(0, 900), rng.randint(0, 3)
        placed.append((f"{prefix}_{number}", store_id, number, rng.choice(STATUSES),
                       total + discount, discount, waived * 100, total, code, moment(rng),
                       visitor))  # fmt: skip

    async def insert(conn):
        await conn.executemany(
            "INSERT INTO exposures (campaign_id, visitor_id, arm, signal, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            exposures,
        )
        await conn.executemany(
            "INSERT INTO discounts (store_id, code, kind, value, created_at, campaign_id)"
            " VALUES (?, ?, 'percent', 10, ?, ?)",
            coupons,
        )
        await conn.executemany(
            "INSERT INTO orders (public_id, store_id, number, status, email, shipping_name,"
            " shipping_address, shipping_method, delivery_from, delivery_to, currency,"
            " prices_include_tax, subtotal, discount_total, shipping_discount, shipping_total,"
            " tax_total, total, discount_code, payment_method, created_at, updated_at,"
            " visitor_id) VALUES (?, ?, ?, ?, 'a@b.test', 'A', '{}', 'Post', '2030-01-01',"
            " '2030-01-02', 'EUR', 1, ?, ?, ?, 0, 0, ?, ?, 'test_card', ?, 0, ?)",
            placed,
        )
        await conn.execute(
            "UPDATE stores SET attribution_days = ? WHERE id = ?", (rng.randint(3, 10), store_id)
        )

    await db.write(insert)
    return ids


def sample_of(revenues, exposed):
    return Sample.of(revenues, exposed - len(revenues))


@pytest.mark.parametrize("seed", range(4))
async def test_one_pass_gives_the_figures_the_old_queries_gave(app, store, seed):
    db = services(app).db
    rng = random.Random(seed)
    ids = await random_store(db, store.id, rng)
    counts = []
    buckets = [Bucket("before", 0, T0, date(2026, 1, 1))] + [
        Bucket(str(n), T0 + n * DAY, T0 + (n + 1) * DAY, date(2026, 1, 1)) for n in range(20)
    ]
    for campaign_id in ids:
        old = await reference_results(db, campaign_id)
        new = await queries.campaign_results(db, campaign_id, buckets)
        for arm in new.arms:
            exposed, converted, revenue, cost, revenues = old["arms"].pop(arm.arm)
            assert (arm.exposed, arm.converted, arm.revenue, arm.discount_cost) == (
                exposed,
                converted,
                revenue,
                cost,
            )
            assert revenue_sample(arm) == sample_of(revenues, exposed)
        assert old["arms"] == {}
        assert [(s.signal, s.exposed, s.converted) for s in new.signals] == old["signals"]
        assert [
            (
                o.number,
                o.arm,
                o.total,
                o.discount_cost,
                o.discount_code,
                o.campaign_coupon,
                o.created_at,
            )
            for o in new.newest_orders
        ] == old["orders"]
        assert new.order_count == old["order_count"]
        counts.append(new.order_count)
        days = await performance_queries.arm_days(db, campaign_id, buckets, new.converted_by_bucket)
        assert [
            {arm: (d.exposed, d.converted) for arm, d in day.items()} for day in days
        ] == await reference_arm_days(db, campaign_id, buckets)
    assert max(counts) > 50  # the newest orders' table is cut short, as at a real store

    await assert_list_as_the_old_queries_counted(db, store.id)


async def assert_list_as_the_old_queries_counted(db, store_id):
    listed = await performance_queries.arm_totals_by_campaign(db, store_id)
    old_list = await reference_list(db, store_id)
    for campaign_id, arms in listed.items():
        for arm in arms:
            exposed, revenues = old_list.pop((campaign_id, arm.arm))
            assert (arm.exposed, arm.converted, arm.revenue) == (
                exposed, len(revenues), sum(revenues),
            )  # fmt: skip
            assert revenue_sample(arm) == sample_of(revenues, exposed)
    assert old_list == {}


# Per store: how many (exposure, order) pairs of its campaigns and its visitors' orders fall
# on each edge the list's attribution must get right, so the comparison below is known to
# have met them all.
EDGES = f"""
SELECT
    count(CASE WHEN counted AND o.created_at = x.created_at THEN 1 END) AS at_exposure,
    count(CASE WHEN counted AND o.created_at = x.created_at - 1 THEN 1 END) AS just_before,
    count(CASE WHEN counted AND o.created_at = x.created_at + s.attribution_days * {DAY}
        THEN 1 END) AS at_window_end,
    count(CASE WHEN counted AND o.created_at = x.created_at + s.attribution_days * {DAY} + 1
        THEN 1 END) AS just_after,
    count(CASE WHEN NOT counted AND o.created_at BETWEEN x.created_at
        AND x.created_at + s.attribution_days * {DAY} THEN 1 END) AS unpaid_in_window,
    count(CASE WHEN o.store_id != s.id AND o.created_at BETWEEN x.created_at
        AND x.created_at + s.attribution_days * {DAY} THEN 1 END) AS other_stores_in_window
FROM campaigns c
JOIN stores s ON s.id = c.store_id
JOIN exposures x ON x.campaign_id = c.id
JOIN (SELECT *, status IN ('paid', 'fulfilled') AS counted FROM orders) o
    ON o.visitor_id = x.visitor_id
WHERE c.store_id = ?
"""

# Exposures with more than one attributed order (their visitor's revenue is a sum).
SEVERAL_ORDERS = f"""
SELECT count(*) FROM (
    SELECT 1 FROM campaigns c JOIN stores s ON s.id = c.store_id
    JOIN exposures x ON x.campaign_id = c.id
    JOIN orders o ON o.store_id = s.id AND o.visitor_id = x.visitor_id
        AND o.status IN ('paid', 'fulfilled') AND o.created_at >= x.created_at
        AND o.created_at <= x.created_at + s.attribution_days * {DAY}
    WHERE c.store_id = ? GROUP BY x.campaign_id, x.visitor_id HAVING count(*) > 1
)
"""


async def orders_on_the_edges(db, store_id, rng, count=40):
    """Paid orders one millisecond either side of each end of some exposures' windows, by
    their visitors (the random ones meet the edges too, but not all four every time)."""
    exposures = await db.fetch_all(
        "SELECT x.visitor_id, x.created_at, s.attribution_days FROM campaigns c"
        " JOIN stores s ON s.id = c.store_id JOIN exposures x ON x.campaign_id = c.id"
        " WHERE c.store_id = ? ORDER BY x.campaign_id, x.visitor_id",
        (store_id,),
    )
    placed = []
    for n, x in enumerate(rng.sample(exposures, count)):
        start, end = x["created_at"], x["created_at"] + x["attribution_days"] * DAY
        at = (start - 1, start, end, end + 1)[n % 4]
        placed.append((f"edge_{store_id}_{n}", store_id, 900_000 + n, rng.randint(1, 9_000), at,
                       x["visitor_id"]))  # fmt: skip
    await db.write(
        lambda conn: conn.executemany(
            "INSERT INTO orders (public_id, store_id, number, status, email, shipping_name,"
            " shipping_address, shipping_method, delivery_from, delivery_to, currency,"
            " prices_include_tax, subtotal, discount_total, shipping_discount, shipping_total,"
            " tax_total, total, payment_method, created_at, updated_at, visitor_id)"
            " VALUES (?1, ?2, ?3, 'paid', 'a@b.test', 'A', '{}', 'Post', '2030-01-01',"
            " '2030-01-02', 'EUR', 1, ?4, 0, 0, 0, 0, ?4, 'test_card', ?5, ?5, ?6)",
            placed,
        )
    )


@pytest.mark.parametrize("seed", range(4))
async def test_the_list_counts_what_the_old_queries_counted_with_two_stores_sharing_visitors(
    app, store, seed
):
    db = services(app).db
    new = validate_new_store("Other Shop", ["http://other.test"], "EUR", "en-IE", "UTC")
    other = await create_store(db, new, now=now_ms())
    rng = random.Random(100 + seed)
    # The same visitor ids at both stores (one browser visiting both), each store with its
    # own attribution window; orders on the same quarter-day grid as the exposures, and some
    # placed on purpose at either side of a window's ends.
    ours = await random_store(db, store.id, rng, visitors=600, orders=2000)
    theirs = await random_store(
        db, other.id, rng, campaigns=2, visitors=600, orders=2000, prefix="oth"
    )
    await orders_on_the_edges(db, store.id, rng)
    await orders_on_the_edges(db, other.id, rng)
    for store_id, campaigns in ((store.id, ours), (other.id, theirs)):
        edges = dict(await db.fetch_one(EDGES, (store_id,)))
        assert all(count > 0 for count in edges.values()), edges
        assert await db.fetch_value(SEVERAL_ORDERS, (store_id,)) > 0
        await assert_list_as_the_old_queries_counted(db, store_id)
        # The other store's campaigns, exposed to the same visitor ids, are not even counted.
        counted = await db.fetch_all(performance_queries.CONVERTED, (store_id,))
        assert {row["campaign_id"] for row in counted} == set(campaigns)


async def test_exposure_counters_follow_every_insert_change_and_delete(app, store):
    db = services(app).db
    first, second = [await new_campaign(db, store.id, name) for name in ("one", "two")]
    rows = [(first, f"v{n}", "A" if n % 3 else "holdout", SIGNALS[n % 2], T0) for n in range(9)]

    async def write(conn):
        await conn.executemany(
            "INSERT INTO exposures (campaign_id, visitor_id, arm, signal, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        # ON CONFLICT DO NOTHING (a visitor's second exposure) counts nothing.
        await conn.execute(
            "INSERT INTO exposures (campaign_id, visitor_id, arm, signal, created_at)"
            " VALUES (?, 'v0', 'A', 'exit_top', ?) ON CONFLICT DO NOTHING",
            (first, T0 + 1),
        )
        await conn.execute("DELETE FROM exposures WHERE visitor_id = 'v1'")
        await conn.execute("UPDATE exposures SET arm = 'B' WHERE visitor_id = 'v2'")

    await db.write(write)
    counted = await db.fetch_all(queries.EXPOSED, (first,))
    actual = await db.fetch_all(
        "SELECT arm, signal, count(*) AS exposed FROM exposures WHERE campaign_id = ?"
        " GROUP BY arm, signal",
        (first,),
    )
    assert sorted(map(tuple, counted)) == sorted(map(tuple, actual))
    assert await queries.exposed_visitors(db, first) == 8
    assert await queries.exposed_visitors(db, second) == 0
    await db.write(lambda conn: conn.execute("DELETE FROM campaigns WHERE id = ?", (first,)))
    assert await db.fetch_all("SELECT * FROM exposure_counts") == []


# ---- plans ----------------------------------------------------------------------------------


def campaign_statements(campaign_id, store_id):
    buckets = [Bucket("d", T0, T0 + DAY, date(2026, 1, 1))]
    return [
        (queries.RESULTS, (campaign_id, 50)),
        (queries.EXPOSED, (campaign_id,)),
        (performance_queries.CONVERTED, (store_id,)),
        performance_queries.arm_days_statement(campaign_id, buckets),
    ]


TABLES = ("c", "s", "x", "o", "d", "exposure_counts")  # as the queries name them


def assert_reads_by_index(details, tables=TABLES):
    """None of these tables is scanned (a scan of a subquery's or VALUES' rows is fine)."""
    reads = "\n".join(details)
    assert not [d for d in details if d.split(" ")[:2] in (["SCAN", t] for t in tables)], reads
    assert "USING INDEX orders_by_store_time" not in reads, reads


async def assert_attribution_goes_by_visitor(db, campaign_id, store_id, tables=TABLES):
    attributed, exposed, converted, days = await query_plans(
        db, campaign_statements(campaign_id, store_id)
    )
    for details in (attributed, exposed, converted, days):
        assert_reads_by_index(details, tables)
    exposures, orders = (
        next(i for i, d in enumerate(attributed) if d.startswith(f"SEARCH {alias} "))
        for alias in ("x", "o")
    )
    assert exposures < orders, attributed  # the campaign's exposures drive, orders follow
    assert attributed[exposures].startswith(
        "SEARCH x USING COVERING INDEX exposures_by_campaign_visitor (campaign_id=?)"
    ), attributed
    assert attributed[orders].startswith(
        "SEARCH o USING COVERING INDEX orders_by_visitor (store_id=? AND visitor_id=?"
    ), attributed
    assert_list_goes_from_orders_to_exposures(converted)
    assert [d for d in days if d.startswith("SEARCH x ")] == [
        "SEARCH x USING COVERING INDEX exposures_by_time"
        " (campaign_id=? AND created_at>? AND created_at<?)"
    ], days
    assert exposed == [
        "SEARCH exposure_counts USING INDEX sqlite_autoindex_exposure_counts_1 (campaign_id=?)"
    ]


def assert_list_goes_from_orders_to_exposures(details):
    """The list starts from the store's orders that have a visitor, fewer than the exposures
    of all its campaigns, and meets each one's visitor's exposures by index; the store's
    campaigns are read once, not per exposure."""
    orders, exposures = (
        next(i for i, d in enumerate(details) if d.startswith(f"SEARCH {alias} "))
        for alias in ("o", "x")
    )
    assert orders < exposures, details
    assert details[orders] == (
        "SEARCH o USING COVERING INDEX orders_by_visitor (store_id=? AND visitor_id>?)"
    ), details
    assert details[exposures] == (
        "SEARCH x USING COVERING INDEX exposures_by_visitor"
        " (visitor_id=? AND created_at>? AND created_at<?)"
    ), details
    campaigns = [d for d in details if d.split(" ")[1] == "c"]
    assert campaigns == ["SEARCH c USING COVERING INDEX campaigns_by_store (store_id=?)"], details
    assert details.index(campaigns[0]) > exposures and "LIST SUBQUERY" in details[exposures + 1]


async def test_attribution_reads_a_campaigns_exposures_by_visitor_with_or_without_stats(app, store):
    db = services(app).db
    [campaign_id, *_] = await random_store(db, store.id, random.Random(7), orders=400)
    await use_statistics(db)  # none: what a database has until something runs ANALYZE
    await assert_attribution_goes_by_visitor(db, campaign_id, store.id)
    # Statistics of this small store, then those of a grown one.
    await db.write(lambda conn: conn.execute("ANALYZE"))
    # Told the stores table has one row, SQLite reads it whole rather than by key: one row.
    one_store = tuple(t for t in TABLES if t != "s")
    await assert_attribution_goes_by_visitor(db, campaign_id, store.id, one_store)

    await use_statistics(db, GROWN_STORE)
    await assert_attribution_goes_by_visitor(db, campaign_id, store.id)
