"""The cart-recovery results counted in SQL: on random stores, the same figures as a plain
recount of the raw rows (every reminder of the store, delivered by its ``delivered_at`` or its
message's state, the abandoned checkouts by holdout, an order credited once, to the latest
checkout abandoned before it, within the attribution window, and to the last reminder written
before it), and plans that read by index with and without SQLite's statistics."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import pytest

from server.accounts import create_store
from server.offers.stats import Sample, difference_of_means, difference_of_proportions
from server.recovery import results_queries
from server.recovery.model import ATTRIBUTION_MS, HOUR_MS
from server.recovery.results import Results, store_results
from server.services import services
from server.stores.service import validate_new_store
from tests.api.attribution import DAY, T0
from tests.api.plans import query_plans
from tests.api.statistics import GROWN_OUTBOX, GROWN_STORE, use_statistics

pytestmark = pytest.mark.anyio

STATUSES = ("paid", "fulfilled", "awaiting_payment", "refunded")
MESSAGE_STATES = ("sent", "failed", "queued", "sending", "suppressed", "unsent_no_server")
# From an abandonment to the order that follows it: before it, on it, within the window,
# on its last millisecond, and on or past its end. Reminders are written on some of these
# offsets too, so an order and a reminder meet at the same millisecond.
ORDER_AFTER = (-HOUR_MS, 0, 1, HOUR_MS, 20 * HOUR_MS, 3 * DAY, ATTRIBUTION_MS - 1,
               ATTRIBUTION_MS, ATTRIBUTION_MS + DAY)  # fmt: skip
STEP_AFTER = ((1, HOUR_MS), (20 * HOUR_MS, DAY), (3 * DAY, 4 * DAY))


@dataclass
class Seed:
    """The rows of one random store, as the app would have written them."""

    store_id: int
    rng: random.Random
    carts: list[tuple[Any, ...]] = field(default_factory=list)
    orders: list[tuple[Any, ...]] = field(default_factory=list)
    contacts: list[tuple[Any, ...]] = field(default_factory=list)
    steps: list[tuple[Any, ...]] = field(default_factory=list)
    messages: list[tuple[Any, ...]] = field(default_factory=list)
    suppressions: list[tuple[Any, ...]] = field(default_factory=list)


async def random_store(app, store_id: int, rng: random.Random, contacts: int = 240) -> None:
    db = services(app).db

    async def write(conn):
        bases = []
        for table in ("orders", "carts", "checkout_contacts"):
            async with conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}") as cursor:
                bases.append((await cursor.fetchone())[0] + 1)
        seed = Seed(store_id, rng)
        grow(seed, *bases, contacts)
        await insert(conn, seed)

    await db.write(write)


def grow(seed: Seed, first_order: int, first_cart: int, first_contact: int, count: int) -> None:
    rng, store_id = seed.rng, seed.store_id
    for n in range(count // 4):  # fewer orders than recovered checkouts: some recover several
        at = T0 + rng.randrange(240) * DAY // 4
        seed.orders.append((first_order + n, f"ord_{store_id}_{n}", store_id, n + 1,
                            rng.choice(STATUSES), rng.randint(100, 90_000), at))  # fmt: skip
    for n in range(count):
        contact_id, cart_id = first_contact + n, first_cart + n
        seed.carts.append((cart_id, f"cart_{store_id}_{n}", store_id, T0))
        order = rng.choice(seed.orders) if rng.random() < 0.4 else None
        abandoned_at: int | None = (
            T0 + rng.randrange(240) * DAY // 4 if order is None
            else order[6] - rng.choice(ORDER_AFTER)
        )  # fmt: skip
        if rng.random() < 0.08:
            abandoned_at = None  # still in checkout: no abandoned checkout, never counted
        holdout = rng.random() < 0.25
        seed.contacts.append((contact_id, store_id, cart_id, f"s{n}@shop.test", abandoned_at,
                              int(holdout), order and order[0], T0))  # fmt: skip
        reminded = abandoned_at is not None and not holdout
        steps = rng.randint(0, 3) if reminded else int(rng.random() < 0.05)
        start = abandoned_at if abandoned_at is not None else T0
        for step in range(1, steps + 1):
            remind(seed, contact_id, step, start + rng.choice(STEP_AFTER[step - 1]))
    for n in range(count // 10):
        step = rng.choice((1, 2, 3, None))
        seed.suppressions.append((store_id, f"gone{n}@shop.test", "unsubscribed", step, T0))


def remind(seed: Seed, contact_id: int, step: int, at: int) -> None:
    """A reminder, delivered as its row says (``delivered_at``) or as its message's state
    says (rows from before 0032, or a trigger yet to run), or pruned from the outbox."""
    rng = seed.rng
    message = f"msg_{contact_id}_{step}"
    delivered_at = at + 1000 if rng.random() < 0.5 else None
    roll = rng.random()
    if roll < 0.1:
        message = None  # never had one (an SMS-only sequence, a failed render)
    elif roll < 0.3:
        pass  # pruned: the outbox deleted it
    else:
        state = rng.choice(MESSAGE_STATES)
        seed.messages.append((message, seed.store_id, state, at))
    clicks = 0 if rng.random() < 0.6 else rng.randint(1, 4)
    seed.steps.append((contact_id, step, message, at, clicks, delivered_at))


async def insert(conn, seed: Seed) -> None:
    await conn.executemany(
        "INSERT INTO orders (id, public_id, store_id, number, status, email, shipping_name,"
        " shipping_address, shipping_method, delivery_from, delivery_to, currency,"
        " prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total,"
        " payment_method, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'o@shop.test', 'A',"
        " '{}', 'Post', '2030-01-01', '2030-01-02', 'EUR', 1, ?6, 0, 0, 0, ?6, 'test_card',"
        " ?7, ?7)",
        seed.orders,
    )
    await conn.executemany(
        "INSERT INTO carts (id, public_id, store_id, created_at, updated_at)"
        " VALUES (?, ?, ?, ?4, ?4)",
        seed.carts,
    )
    await conn.executemany(
        "INSERT INTO checkout_contacts (id, store_id, cart_id, email, abandoned_at, holdout,"
        " recovered_order_id, created_at, updated_at, next_step) VALUES (?, ?, ?, ?, ?, ?, ?,"
        " ?8, ?8, 4)",
        seed.contacts,
    )
    await conn.executemany(
        "INSERT INTO messages (public_id, store_id, channel, kind, recipient, state,"
        " next_attempt_at, created_at, updated_at) VALUES (?, ?, 'email', 'recovery',"
        " 'r@shop.test', ?, ?4, ?4, ?4)",
        seed.messages,
    )
    await conn.executemany(
        "INSERT INTO recovery_steps (contact_id, step, message_public_id, written_at, clicks,"
        " delivered_at) VALUES (?, ?, ?, ?, ?, ?)",
        seed.steps,
    )
    await conn.executemany(
        "INSERT INTO email_suppressions (store_id, email, reason, step, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        seed.suppressions,
    )


# ---- the recount: the results' definition, row by row -------------------------------------


async def recount(db, store_id: int, step_count: int) -> dict[str, Any]:
    """The figures from every row of the tables, read whole, counted one by one."""
    contacts = {row["id"]: row for row in await db.fetch_all("SELECT * FROM checkout_contacts")}
    orders = {row["id"]: row for row in await db.fetch_all("SELECT * FROM orders")}
    states = {row["public_id"]: row["state"] for row in await db.fetch_all(
        "SELECT * FROM messages")}  # fmt: skip
    mine = {cid: row for cid, row in contacts.items() if row["store_id"] == store_id}
    steps = [row for row in await db.fetch_all("SELECT * FROM recovery_steps")
             if row["contact_id"] in mine]  # fmt: skip
    per_step: dict[int, dict[str, int]] = {n: _step() for n in range(1, step_count + 1)}
    for row in steps:
        figures = per_step.setdefault(row["step"], _step())
        figures["written"] += 1
        sent = row["delivered_at"] is not None or states.get(row["message_public_id"]) == "sent"
        figures["delivered"] += sent
        figures["clicked"] += row["clicks"] > 0
        figures["clicks"] += row["clicks"]
    for row in await db.fetch_all("SELECT * FROM email_suppressions"):
        if row["store_id"] == store_id and row["step"] is not None:
            per_step.setdefault(row["step"], _step())["unsubscribes"] += 1

    abandoned = [row for row in mine.values() if row["abandoned_at"] is not None]

    def sale(contact) -> Any:
        order = orders.get(contact["recovered_order_id"])
        counted = order is not None and order["status"] in ("paid", "fulfilled")
        if counted and order["created_at"] < contact["abandoned_at"] + ATTRIBUTION_MS:
            return order
        return None

    credited: dict[int, Any] = {}  # order id → its one checkout: the latest abandoned
    for contact in abandoned:
        order = sale(contact)
        if order is None:
            continue
        best = credited.get(order["id"])
        key = (contact["abandoned_at"], contact["id"])
        if best is None or key > (best["abandoned_at"], best["id"]):
            credited[order["id"]] = contact
    groups = {held: {"checkouts": 0, "revenues": []} for held in (False, True)}
    for contact in abandoned:
        group = groups[bool(contact["holdout"])]
        group["checkouts"] += 1
        order = sale(contact)
        if order is None or credited[order["id"]]["id"] != contact["id"]:
            continue
        group["revenues"].append(order["total"])
        before = [s for s in steps if s["contact_id"] == contact["id"]
                  and s["written_at"] <= order["created_at"]]  # fmt: skip
        if before:
            last = max(before, key=lambda s: (s["written_at"], s["step"]))
            per_step[last["step"]]["recovered"] += 1
            per_step[last["step"]]["revenue"] += order["total"]
    return {
        "steps": [(n, per_step[n]) for n in sorted(per_step)],
        "groups": {held: (g["checkouts"], sorted(g["revenues"])) for held, g in groups.items()},
        **_comparison(groups[False], groups[True]),
    }


def _step() -> dict[str, int]:
    names = ("written", "delivered", "clicked", "clicks", "recovered", "revenue", "unsubscribes")
    return dict.fromkeys(names, 0)


def _comparison(reminded: dict[str, Any], holdout: dict[str, Any]) -> dict[str, Any]:
    samples = [Sample.of(g["revenues"], zeros=g["checkouts"] - len(g["revenues"]))
               for g in (reminded, holdout)]  # fmt: skip
    both = reminded["checkouts"] and holdout["checkouts"]
    counts = [(len(g["revenues"]), g["checkouts"]) for g in (reminded, holdout)]
    return {
        "lift": difference_of_proportions(*counts[0], *counts[1]),
        "revenue_lift": difference_of_means(*samples) if both else None,
    }


def described(figures: Results) -> dict[str, Any]:
    """The page's figures in the recount's shape."""
    names = ("written", "delivered", "clicked", "clicks", "recovered", "revenue", "unsubscribes")
    groups = {False: figures.reminded, True: figures.holdout}
    assert all(g.recovered == len(g.revenues) for g in groups.values())
    return {
        "steps": [(s.number, {name: getattr(s, name) for name in names}) for s in figures.steps],
        "groups": {held: (g.checkouts, sorted(g.revenues)) for held, g in groups.items()},
        "lift": figures.lift,
        "revenue_lift": figures.revenue_lift,
    }


async def new_store(db, name: str) -> int:
    new = validate_new_store(name, [f"http://{name}.test"], "EUR", "en-IE", "Europe/Dublin")
    return (await create_store(db, new, now=T0)).id


async def test_the_results_equal_a_recount_of_the_rows_on_random_stores(app):
    db = services(app).db
    for seed in range(4):
        rng = random.Random(seed)
        here, other = [await new_store(db, f"{name}{seed}") for name in ("here", "other")]
        # The other store's reminders, checkouts and unsubscribes never count here.
        await random_store(app, here, rng)
        await random_store(app, other, rng, contacts=60)
        for step_count in (1, 3):  # fewer steps now than reminders written: still shown
            want = await recount(db, here, step_count)
            assert described(await store_results(db, here, step_count)) == want, seed
        assert any(row[1]["recovered"] for row in want["steps"])
        assert want["groups"][True][1] and want["revenue_lift"] is not None


# ---- plans ------------------------------------------------------------------------------

# sqlite_stat1 for cart recovery's tables as ANALYZE wrote it at the scale bench's store (27k
# checkout contacts, 26k abandoned; 64k reminders; 210k messages): with GROWN_STORE, what a
# long-running store's planner sees.


async def plans(db, store_id: int) -> dict[str, list[str]]:
    statements = {
        "checkouts": (results_queries.CHECKOUTS_BY_GROUP, (store_id,)),
        "recovered": (results_queries.RECOVERED_CHECKOUTS, (ATTRIBUTION_MS, store_id)),
        "steps": (results_queries.STEP_COUNTS, (store_id,)),
    }
    return dict(zip(statements, await query_plans(db, statements.values()), strict=True))


async def assert_plans_read_by_index(db, store_id: int) -> None:
    found = await plans(db, store_id)
    for name, details in found.items():  # no table or index read whole
        assert not [d for d in details if d.startswith("SCAN")], (name, details)
    index = "checkout_contacts_results"
    assert found["checkouts"] == [
        f"SEARCH checkout_contacts USING COVERING INDEX {index} (store_id=?)"
    ], found["checkouts"]
    assert found["recovered"][:2] == [
        f"SEARCH k USING COVERING INDEX {index} (store_id=?)",
        "SEARCH o USING INTEGER PRIMARY KEY (rowid=?)",
    ], found["recovered"]
    # A reminder's message is looked up only when its row does not say it was delivered.
    assert "SEARCH m USING INDEX sqlite_autoindex_messages_1 (public_id=?)" in found["steps"]
    assert "SEARCH s USING PRIMARY KEY (contact_id=?)" in found["steps"], found["steps"]


async def test_plans_read_by_index_with_and_without_statistics(app):
    db = services(app).db
    here = await new_store(db, "here")
    await random_store(app, here, random.Random(1))
    await use_statistics(db)  # none, as before any ANALYZE
    await assert_plans_read_by_index(db, here)
    await db.write(lambda conn: conn.execute("ANALYZE"))  # this small store's
    await assert_plans_read_by_index(db, here)
    await use_statistics(db, GROWN_STORE + GROWN_OUTBOX)
    await assert_plans_read_by_index(db, here)
