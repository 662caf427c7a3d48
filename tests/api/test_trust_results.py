"""The holdout's results on the Trust page, from exposures and orders written straight into
the database: each arm's visitors since the measurement began, those who bought within the
window after their exposure, their revenue; compared with the campaign results' maths; the
same figures as a plain reference count on random stores; plans that read by index."""

from __future__ import annotations

import html
import random
import re

import pytest

from server.accounts import create_store
from server.clock import now_ms
from server.offers import stats
from server.services import services
from server.stores.service import validate_new_store
from server.trust import queries
from server.trust.model import TrustSettings
from server.trust.results import DAY_MS, WINDOW_DAYS, element_results
from tests.api.admin_client import sign_in
from tests.api.ordering import insert_order
from tests.api.statistics import use_statistics

pytestmark = pytest.mark.anyio
T0 = 1_780_000_000_000
HOUR = 3_600_000
WINDOW = WINDOW_DAYS * DAY_MS


async def save(app, store, **values) -> TrustSettings:
    settings = TrustSettings(**values)
    await services(app).db.write(
        lambda conn: queries.save_trust_settings(conn, store.id, settings, T0)
    )
    return settings


async def expose(app, rows) -> None:
    """Exposures: (store, element, visitor, arm, at)."""
    await services(app).db.write(
        lambda conn: conn.executemany(
            "INSERT INTO trust_exposures (store_id, element, visitor_id, arm, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(store.id, element, visitor, arm, at) for store, element, visitor, arm, at in rows],
        )
    )


async def other_store(app):
    new = validate_new_store("Other Shop", ["http://other.test"], "EUR", "en-IE", "UTC")
    return await create_store(services(app).db, new, now=now_ms())


def totals_of(arms) -> dict[str, tuple[int, int, int, int]]:
    return {a.arm: (a.exposed, a.converted, a.revenue, a.revenue_squares) for a in arms}


async def test_each_arm_counts_its_visitors_and_their_orders_within_the_window(app, store):
    settings = await save(app, store, badges_holdout=20, badges_since=T0)
    elsewhere = await other_store(app)
    v1, v2, v3, v4 = T0 + HOUR, T0 + 2 * HOUR, T0 + HOUR, T0 + 3 * HOUR
    await expose(app, [
        (store, "badges", "v_1", "shown", v1),
        (store, "badges", "v_2", "shown", v2),
        (store, "badges", "v_3", "holdout", v3),
        (store, "badges", "v_4", "holdout", v4),
        (store, "badges", "v_old", "shown", T0 - 1),  # before the share last changed
        (store, "proof", "v_5", "shown", v1),  # another element
        (elsewhere, "badges", "v_6", "shown", v1),  # another store
    ])  # fmt: skip
    orders = [
        # (visitor, placed at, total, status[, store])
        ("v_1", v1 + DAY_MS, 5000, "paid"),
        ("v_1", v1 + WINDOW, 1000, "fulfilled"),  # the window's last moment counts
        ("v_2", v2 + WINDOW + 1, 7000, "paid"),  # just after the window
        ("v_2", v2 - 1, 7000, "paid"),  # just before the exposure
        ("v_3", v3, 2000, "paid"),  # at the very moment of exposure
        ("v_3", v3 + HOUR, 9000, "refunded"),
        ("v_3", v3 + HOUR, 9000, "awaiting_payment"),
        ("v_4", v4 + HOUR, 4000, "paid", elsewhere),  # the visitor bought at another store
        ("v_old", T0 + HOUR, 3000, "paid"),  # exposed before the measurement began
        ("v_5", v1 + HOUR, 3000, "paid"),  # exposed to social proof only
        ("v_6", v1 + HOUR, 3000, "paid", elsewhere),  # another store's visitor and order
        ("v_9", v1 + HOUR, 3000, "paid"),  # never exposed
    ]
    for number, (visitor, at, total, status, *where) in enumerate(orders, 1001):
        await insert_order(app, where[0] if where else store, number, status=status,
                           created_at=at, total=total, visitor_id=visitor)  # fmt: skip

    arms = await queries.arm_totals(services(app).db, store.id, "badges", T0, WINDOW)
    assert totals_of(arms) == {
        "shown": (2, 1, 6000, 6000**2),  # v_1's two orders are one visitor's revenue
        "holdout": (2, 1, 2000, 2000**2),
    }
    results = await element_results(services(app).db, store.id, settings, "badges")
    assert (results.shown.exposed, results.shown.converted) == (2, 1)
    assert results.shown.conversion_rate == 0.5 and results.holdout.revenue_per_visitor == 1000
    assert results.verdict == "Showing badges: not enough data yet to tell."
    # Social proof counts its own exposures; the other store, its own.
    proof = await queries.arm_totals(services(app).db, store.id, "proof", 0, WINDOW)
    assert totals_of(proof) == {"shown": (1, 1, 3000, 3000**2)}
    theirs = await queries.arm_totals(services(app).db, elsewhere.id, "badges", 0, WINDOW)
    assert totals_of(theirs) == {"shown": (1, 1, 3000, 3000**2)}


async def test_an_arm_nobody_reached_counts_as_empty(app, store):
    settings = await save(app, store, badges_holdout=50)
    await expose(app, [(store, "badges", "v_1", "shown", T0)])
    results = await element_results(services(app).db, store.id, settings, "badges")
    assert (results.shown.exposed, results.holdout.exposed) == (1, 0)
    assert results.holdout.conversion_rate == 0.0
    assert results.shown.conversion_lift is None


def results_section(page: str, element: str) -> str:
    match = re.search(rf'data-element="{element}">(.*?)</section>', page, re.S)
    assert match, element
    return html.unescape(match.group(1))


def cell(section: str, row: int, column: str) -> str:
    found = re.findall(rf'data-col="{column}">([^<]*)<', section)
    return found[row]


async def test_the_page_says_when_there_is_nothing_to_measure(client, merchant, store):
    await sign_in(client)
    page = (await client.get(f"/admin/stores/{store.id}/trust")).text
    assert "No holdout: set a share to measure." in results_section(page, "badges")
    assert "Social proof is off." in results_section(page, "proof")


async def test_the_page_says_there_is_not_enough_data_yet(app, client, merchant, store):
    await save(app, store, badges_holdout=10, badges_since=T0, social_proof=True)
    await expose(app, [(store, "badges", f"v_{n}", "shown", T0 + n) for n in range(20)])
    await sign_in(client)
    page = (await client.get(f"/admin/stores/{store.id}/trust")).text
    badges = results_section(page, "badges")
    assert "Showing badges: not enough data yet to tell." in badges
    assert "Measured since " in badges and "when its share last changed" in badges
    assert cell(badges, 0, "exposed") == "20" and cell(badges, 1, "exposed") == "0"
    assert "Difference in conversion" not in badges
    # Social proof is on, with no share held out.
    assert "No holdout: set a share to measure." in results_section(page, "proof")
    # The peeking caveat is said plainly.
    assert "stopping the first time it looks significant" in html.unescape(page)


async def test_with_enough_visitors_the_page_gives_the_difference_and_its_interval(
    app, client, merchant, store
):
    await save(app, store, badges_holdout=50, badges_since=T0)
    # 200 visitors saw the badges and 40 of them bought; 200 were held out and 20 bought.
    shown = [(store, "badges", f"s_{n}", "shown", T0 + n) for n in range(200)]
    held = [(store, "badges", f"h_{n}", "holdout", T0 + n) for n in range(200)]
    await expose(app, shown + held)
    number = 1000
    for prefix, buyers in (("s", 40), ("h", 20)):
        for n in range(buyers):
            number += 1
            await insert_order(app, store, number, created_at=T0 + DAY_MS, total=5000,
                               visitor_id=f"{prefix}_{n}")  # fmt: skip
    await sign_in(client)
    page = (await client.get(f"/admin/stores/{store.id}/trust")).text
    badges = results_section(page, "badges")
    assert [cell(badges, row, "rate") for row in (0, 1)] == ["20.0%", "10.0%"]
    assert [cell(badges, row, "rpv") for row in (0, 1)] == ["€10.00", "€5.00"]
    lift = stats.difference_of_proportions(40, 200, 20, 200)
    assert lift is not None and lift.significant
    assert cell(badges, 0, "lift") == (
        f"{lift.estimate * 100:+.1f} points ({lift.low * 100:+.1f} to {lift.high * 100:+.1f})"
    )
    assert stats.verdict("Showing badges", lift) in badges
    assert "lifts conversion" in badges
    assert cell(badges, 0, "rpv_lift").startswith("€5.00 (€")


# ---- the same figures as a plain count, on random stores --------------------------------------


async def random_store(app, store, rng, visitors=300, orders=900, number=1):
    """Exposures to both elements and orders on the same quarter-day grid (so they meet at
    the window's edges), some by visitors never exposed, some without a visitor."""

    def moment():
        return T0 + rng.randint(-8, 60) * DAY_MS // 4 + rng.choice((0, 0, -1, 1))

    exposures = [
        (store, element, f"v{v}", rng.choice(("shown", "shown", "holdout")), moment())
        for element in ("badges", "proof")
        for v in rng.sample(range(visitors), visitors * 2 // 3)
    ]
    await expose(app, exposures)
    statuses = ("paid", "fulfilled", "awaiting_payment", "refunded")
    placed = [
        (f"ord_{store.id}_{n}", store.id, number + n, rng.choice(statuses),
         rng.randint(100, 90_000), moment(),
         None if rng.random() < 0.1 else f"v{rng.randrange(visitors + 50)}")
        for n in range(orders)
    ]  # fmt: skip
    await services(app).db.write(
        lambda conn: conn.executemany(
            "INSERT INTO orders (public_id, store_id, number, status, email, shipping_name,"
            " shipping_address, shipping_method, delivery_from, delivery_to, currency,"
            " prices_include_tax, subtotal, discount_total, shipping_discount, shipping_total,"
            " tax_total, total, payment_method, created_at, updated_at, visitor_id)"
            " VALUES (?1, ?2, ?3, ?4, 'a@b.test', 'A', '{}', 'Post', '2030-01-01',"
            " '2030-01-02', 'EUR', 1, ?5, 0, 0, 0, 0, ?5, 'test_card', ?6, ?6, ?7)",
            placed,
        )
    )


async def reference(app, store_id, element, since):
    """Each exposure since ``since`` and every order of the store, matched in Python."""
    db = services(app).db
    exposures = await db.fetch_all(
        "SELECT visitor_id, arm, created_at FROM trust_exposures"
        " WHERE store_id = ? AND element = ?",
        (store_id, element),
    )
    orders = await db.fetch_all(
        "SELECT visitor_id, status, total, created_at FROM orders WHERE store_id = ?",
        (store_id,),
    )
    arms: dict[str, list[int]] = {}
    edges = {"at_exposure": 0, "at_window_end": 0, "just_before": 0, "just_after": 0}
    for x in exposures:
        if x["created_at"] < since:
            continue
        totals = arms.setdefault(x["arm"], [0, 0, 0, 0])
        totals[0] += 1
        bought = [
            o for o in orders
            if o["visitor_id"] == x["visitor_id"] and o["status"] in ("paid", "fulfilled")
        ]  # fmt: skip
        for o in bought:
            offset = o["created_at"] - x["created_at"]
            edges["at_exposure"] += offset == 0
            edges["at_window_end"] += offset == WINDOW
            edges["just_before"] += offset == -1
            edges["just_after"] += offset == WINDOW + 1
        counted = [o for o in bought if 0 <= o["created_at"] - x["created_at"] <= WINDOW]
        revenue = sum(o["total"] for o in counted)
        if counted:
            totals[1] += 1
            totals[2] += revenue
            totals[3] += revenue * revenue
    return {arm: tuple(t) for arm, t in arms.items()}, edges


@pytest.mark.parametrize("seed", range(3))
async def test_the_figures_are_a_plain_count_of_exposures_and_orders(app, store, seed):
    rng = random.Random(seed)
    elsewhere = await other_store(app)
    # Two stores whose visitors share ids (one browser at both shops).
    await random_store(app, store, rng)
    await random_store(app, elsewhere, rng, number=5000)
    db = services(app).db
    met = {"at_exposure": 0, "at_window_end": 0, "just_before": 0, "just_after": 0}
    for shop in (store, elsewhere):
        for element in ("badges", "proof"):
            for since in (0, T0 + 5 * DAY_MS):
                expected, edges = await reference(app, shop.id, element, since)
                arms = await queries.arm_totals(db, shop.id, element, since, WINDOW)
                assert totals_of(arms) == expected, (shop.id, element, since)
                met = {name: met[name] + edges[name] for name in met}
    assert all(met.values()), met  # every edge of the window was met, and counted right


# ---- plans ----------------------------------------------------------------------------------


async def plans(app, *statements):
    async def explain(conn):
        found = []
        for sql, params in statements:
            async with conn.execute("EXPLAIN QUERY PLAN " + sql, params) as cursor:
                found.append([row[3] for row in await cursor.fetchall()])
        return found

    return await services(app).db.write(explain)


async def assert_reads_by_index(app, store):
    exposed, converted = await plans(
        app,
        (queries.EXPOSED, (store.id, "badges", 0)),
        (queries.CONVERTED, (store.id, "badges", 0, WINDOW)),
    )
    # One pass over the covering index, no sort by arm.
    assert exposed == [
        "SEARCH trust_exposures USING COVERING INDEX trust_exposures_by_time"
        " (store_id=? AND element=? AND created_at>?)"
    ], exposed
    # The store's orders with a visitor first, each one's exposure by its key after.
    searches = [d for d in converted if d.startswith("SEARCH")]
    assert searches == [
        "SEARCH o USING COVERING INDEX orders_by_visitor (store_id=? AND visitor_id>?)",
        "SEARCH x USING INDEX sqlite_autoindex_trust_exposures_1"
        " (store_id=? AND element=? AND visitor_id=?)",
    ], converted
    scans = ("SCAN o", "SCAN x", "SCAN orders", "SCAN trust_exposures")
    assert not [d for d in exposed + converted if d.startswith(scans)], converted


async def test_the_results_read_by_index_with_or_without_statistics(app, store):
    await random_store(app, store, random.Random(7), visitors=200, orders=300)
    await use_statistics(services(app).db)  # none, as before any ANALYZE
    await assert_reads_by_index(app, store)
    await services(app).db.write(lambda conn: conn.execute("ANALYZE"))
    await assert_reads_by_index(app, store)
