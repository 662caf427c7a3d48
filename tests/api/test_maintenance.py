"""The server's upkeep: planner statistics after opening and on a schedule, and Idempotency-Key
answers pruned after their retention (never one still in flight, never before)."""

from __future__ import annotations

import pytest

import server.app
from server.checkout import idempotency
from server.checkout.idempotency import RETENTION_MS
from server.db import READERS, Database, read_lane
from server.services import services
from tests.api.shopping import new_cart, order_body, place
from tests.api.slow_reads import until

pytestmark = pytest.mark.anyio

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
MAIN_TABLES = {"orders", "order_items", "carts", "cart_items", "products", "idempotency_keys",
               "discounts", "shipping_zones"}  # fmt: skip


@pytest.fixture(autouse=True)
def quick_maintenance_ticks(monkeypatch):
    """The maintenance loop looks at the Clock every 10 ms (not 30 s): a test that moves the
    Clock sees the run at once."""
    monkeypatch.setattr(server.app, "MAINTENANCE_TICK_S", 0.01)


async def analysed_tables(db: Database) -> set[str]:
    return {row[0] for row in await db.fetch_all("SELECT DISTINCT tbl FROM sqlite_stat1")}


async def test_opening_a_database_without_statistics_analyses_it(app, client, shop, settings):
    """A store imported or restored without statistics gets them when Keepcart opens it."""
    await place(client, order_body(await new_cart(client, shop.public_key, FH_MUG_01=1)))
    await services(app).db.write(lambda conn: conn.execute("DELETE FROM sqlite_stat1"))
    await services(app).db.close()
    reopened = Database(settings.db)
    await reopened.open()
    try:
        assert await analysed_tables(reopened) >= MAIN_TABLES
    finally:
        await reopened.close()
        await services(app).db.open()  # for the app's own shutdown


async def test_statistics_are_refreshed_on_schedule(app, client, shop):
    db = services(app).db
    await place(client, order_body(await new_cart(client, shop.public_key, FH_MUG_01=1)))
    await db.write(lambda conn: conn.execute("DELETE FROM sqlite_stat1"))
    services(app).clock.advance(server.app.MAINTENANCE_EVERY_S * 1000)

    async def analysed() -> bool:
        return await analysed_tables(db) >= MAIN_TABLES

    await until(analysed, "the scheduled run analysed the main tables")


async def key_rows(db: Database) -> dict[str, str]:
    return {row[0]: row[1] for row in await db.fetch_all("SELECT key, state FROM idempotency_keys")}


async def test_answers_past_their_retention_are_pruned_on_schedule(app, client, shop):
    db, clock = services(app).db, services(app).clock
    start = clock.now_ms()
    clock.set(start)
    old_body = order_body(await new_cart(client, shop.public_key, FH_MUG_01=1))
    assert (await place(client, old_body, key="key-of-the-old-order")).status_code == 201
    clock.set(start + 6 * DAY_MS)
    recent_body = order_body(await new_cart(client, shop.public_key, FH_MUG_01=1))
    recent = await place(client, recent_body, key="key-of-the-recent-order")
    assert recent.status_code == 201
    # A request placing its order right now holds its key in flight.
    await db.write(
        lambda conn: conn.execute(
            "INSERT INTO idempotency_keys (store_id, key, request_hash, state, attempt,"
            " reserved_at, created_at) VALUES (?, 'key-being-placed', 'h', 'in_flight', 'a', ?, ?)",
            (shop.id, start + 6 * DAY_MS, start + 6 * DAY_MS),
        )
    )
    clock.set(start + RETENTION_MS + HOUR_MS)  # the old key is past its week; the others not

    async def old_key_gone() -> bool:
        return "key-of-the-old-order" not in await key_rows(db)

    await until(old_key_gone, "the old key was pruned")
    assert await key_rows(db) == {
        "key-of-the-recent-order": "completed",
        "key-being-placed": "in_flight",
    }
    # A retry within the retention still gets the stored answer, the same order.
    again = await place(client, recent_body, key="key-of-the-recent-order")
    assert again.status_code == 201
    assert again.json()["order"]["id"] == recent.json()["order"]["id"]
    # A retry long after: the key is new again, but its cart was ordered, so no second order.
    late = await place(client, old_body, key="key-of-the-old-order")
    assert late.status_code == 409 and late.json()["error"]["code"] == "cart_closed"


async def test_pruning_goes_in_small_batches_by_the_index(app, store):
    db = services(app).db
    now = services(app).clock.now_ms()
    # Reservations abandoned long ago (a completed key needs an order; these need none).
    old = range(1, idempotency.PRUNE_BATCH * 2 + 35)
    rows = [(store.id, f"k{n}", "h", "in_flight", "a", now - RETENTION_MS - n, None, None,
             now - RETENTION_MS - n) for n in old]  # fmt: skip
    rows.append((store.id, "kept", "h", "in_flight", "a", now - RETENTION_MS + 1, None, None, 0))
    await db.write(
        lambda conn: conn.executemany(
            "INSERT INTO idempotency_keys (store_id, key, request_hash, state, attempt,"
            " reserved_at, order_id, response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    )
    assert await idempotency.prune_expired(db, now) == len(old)
    assert await key_rows(db) == {"kept": "in_flight"}
    plan = await db.fetch_all(
        "EXPLAIN QUERY PLAN SELECT rowid FROM idempotency_keys WHERE reserved_at < ? LIMIT ?",
        (now, 500),
    )
    assert any("USING COVERING INDEX idempotency_keys_by_age" in row[3] for row in plan), plan


async def test_read_connections_plan_with_the_refreshed_statistics(tmp_path):
    """SQLite loads a connection's statistics when it opens; a later ANALYZE elsewhere doesn't
    change them (it leaves the schema cookie alone). The shoppers' and the merchants' reads
    run on connections opened at start: after a refresh they must plan with the new figures,
    or the hourly ANALYZE would only ever help the writer."""
    db = Database(tmp_path / "plans.db")
    await db.open()
    plan = "EXPLAIN QUERY PLAN SELECT * FROM t WHERE a = 1 AND b BETWEEN 5 AND 10"

    async def fill(pairs):
        async def write(conn):
            await conn.execute("DELETE FROM t")
            await conn.executemany("INSERT INTO t VALUES (?, ?)", pairs)

        await db.write(write)
        await db.refresh_statistics()

    async def plans_on_every_reader() -> set[str]:
        # Each lane hands out its idle connections in turn: this many reads use every one.
        found = set()
        for lane, count in READERS.items():
            with read_lane(lane):
                for _ in range(count):
                    found |= {row[3] for row in await db.fetch_all(plan)}
        return found

    try:

        async def create(conn):
            for statement in ("CREATE TABLE t (a, b)", "CREATE INDEX ta ON t (a)",
                              "CREATE INDEX tb ON t (b)"):  # fmt: skip
                await conn.execute(statement)

        await db.write(create)
        await fill([(i % 2, i) for i in range(10_000)])  # a = 1 is half the table: the range of b
        assert await plans_on_every_reader() == {"SEARCH t USING INDEX tb (b>? AND b<?)"}
        await fill([(i, i % 3) for i in range(10_000)])  # a = 1 is one row: a's index
        assert await plans_on_every_reader() == {"SEARCH t USING INDEX ta (a=?)"}
    finally:
        await db.close()
