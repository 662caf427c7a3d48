"""Scale benchmark: every admin page and public endpoint of a grown store, against a real server.

It grows a store directly in SQLite (migrations applied by ``Database.open``, the demo
store's catalog, rules and campaign from ``bench/checkout.py``'s ``prepare_database``, then
bulk inserts in one transaction) to, by default:

  * 1,000,000 events over 90 days (``bench/dashboard.py``'s sessions of 1–6 page views);
  * 5,000 products in groups of 1–5 variants;
  * 4 campaigns (the demo's live one, and three ended or paused copies) with 200,000
    exposures, 51,000 of them with a claimed coupon;
  * 100,000 orders of 1–4 lines in mixed statuses over 90 days, from 60,000 customers, a
    third by visitors a few days after their visit, some paying with their coupon; each with
    its cart, its ``placed`` event and the Idempotency-Key checkout keeps (the stored answer
    is a real checkout's, placed through the app while preparing);
  * 3,000 "email me my cart" requests with their carts;
  * 20,000 reviews of fulfilled orders' lines, each with its publish entry in the moderation
    log, some hidden (with the entry), replied to or removed at the writer's request;
  * a live exit survey (reasons with "Other", a score, a comment) with 20,000 responses, and
    the remedy campaign its delivery answer earns, with those remedies' exposures;
  * both trust holdouts at 10 % over the 90 days: 150,000 badge and 60,000 social-proof
    exposures;
  * cart recovery (``scale_recovery``): 30,000 checkouts that left an email over 90 days (the
    defaults: consent, three steps, a 10 % holdout), with their carts; most abandoned, 1–3
    reminders for the reminded, some clicked, some unsubscribed (the suppression list) or
    emptied; about 13 % of the abandoned recovered by one of the seeded orders (some through
    a link's rebuilt cart); the never-abandoned kept only within the retention's 30 days,
    older ones cleared as it leaves them (27,000 contacts in all); none still running;
  * the outbox: the order emails of the last 50 days, the reminders, the cart emails, sent,
    failed now and then, unsent for two days without a mail server (about 154,000), and
    56,000 webhook deliveries to 2 endpoints with their attempts (retried through one
    endpoint's outage, a few failed): every message in a final state.

Each kind is written in the app's shapes (its JSON, its holdout hashes, its states); the
schema's CHECKs hold as rows go in, and the foreign keys, off while seeding, are checked once
it is done (a seed that breaks one fails).

The "demo" scale is the demo store alone (``keepcart demo``'s catalog, rules and campaign).
A grown database is cached (``$KEEPCART_BENCH_CACHE`` or the temp dir), keyed by the seed
version and the migrations, and copied for each run, so a rerun skips the seeding.

Then it starts one real ``keepcart serve`` on a copy (``bench/checkout.py``'s ``Server``,
rate limits off) and, from this process over HTTP:

  * times each public endpoint (``--public-runs`` samples, p50/p95; target p95 ≤ 20 ms),
    with what the widget asks on a page view: a product's reviews, 24 cards' stars, social
    proof, a badges exposure, whether the survey is due;
  * signs in and times each admin page (every GET page of ``server/admin``, but CSVs and
    redirects; ``admin_pages``): the first request, then ``--admin-runs`` more
    (p50/p95; target p95 ≤ 250 ms). The server stops an admin query past its time limit
    (``KEEPCART_ADMIN_QUERY_TIMEOUT``, 10 s unless ``--admin-limit`` says) and answers 503: such
    a page is reported as stopped, a failure. Each request also has a ``--timeout`` client
    timeout, for a server that has no limit (or does not keep it); a page that times out is
    reported as such, and the server is restarted (its query would go on running);
  * times the CSV exports (orders, cart emails, products, survey responses), streaming the
    body, and samples the server's VmRSS every 5 ms while each runs (target: a rise of
    ≤ 50 MB);
  * sends public requests one after another while the slowest admin page and the orders
    export run together, and reports each one's delay over that endpoint's median on an
    idle server (target: ≤ 50 ms).

It prints figures and never fails on a missed target.

    .venv/bin/python bench/scale.py [--scale full|demo|both] [--admin-runs 10]
        [--public-runs 40] [--export-runs 3] [--timeout 30] [--admin-limit MS] [--rebuild]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # the sibling benches, when this file is imported

import checkout as checkout_bench  # noqa: E402  (the demo store, the server process)
import dashboard  # noqa: E402  (events, the bench login, the overview's ranges)
import scale_content  # noqa: E402  (reviews, the exit survey, trust exposures)
import scale_outbox  # noqa: E402  (the order emails, webhooks, every message)
import scale_recovery  # noqa: E402  (checkouts, reminders, unsubscribes)

from server.clock import now_ms  # noqa: E402  (dashboard put the repository on the path)

REPO = BENCH.parent
SEED_VERSION = 2  # bump when what the seed writes changes: cached databases are rebuilt
SHOP = "http://shop.bench.test"  # the store's allowed origin
DAY_MS = 86_400_000
SPAN_DAYS = 90
EVENTS, ORDERS, PRODUCTS = 1_000_000, 100_000, 5_000
EXPOSURES, COUPONS, CUSTOMERS, CART_EMAILS = 200_000, 51_000, 60_000, 3_000
EXTRA_CAMPAIGNS = (("Spring offer", "ended"), ("Free gift test", "paused"),
                   ("Winter sale", "ended"))  # fmt: skip
ADMIN_TARGET_MS, PUBLIC_TARGET_MS, DELAY_TARGET_MS, RSS_TARGET_MB = 250, 20, 50, 50
PUBLIC_TIMEOUT_S = 10
RATE_LIMITS_OFF = {
    "KEEPCART_EVENTS_RATE_LIMIT": "100000000",
    "KEEPCART_API_RATE_LIMIT": "100000000",
    "KEEPCART_CLAIM_RATE_LIMIT": "100000000",
    "KEEPCART_LOGIN_RATE_LIMIT": "100000",
}
ORIGIN = {"Origin": SHOP}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scale", choices=("full", "demo", "both"), default="both")
    parser.add_argument("--admin-runs", type=int, default=10, help="samples after the first")
    parser.add_argument("--public-runs", type=int, default=40)
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=30, help="admin client timeout, s")
    parser.add_argument("--admin-limit", type=int, help="the server's admin query time limit, "
                        "ms (KEEPCART_ADMIN_QUERY_TIMEOUT; default: the server's own)")  # fmt: skip
    parser.add_argument("--rebuild", action="store_true", help="ignore a cached database")
    args = parser.parse_args(argv)
    os.environ.update(RATE_LIMITS_OFF)  # the server process inherits them (checkout.Server)
    if args.admin_limit is not None:
        os.environ["KEEPCART_ADMIN_QUERY_TIMEOUT"] = str(args.admin_limit)
    scales = ("full", "demo") if args.scale == "both" else (args.scale,)
    limit = os.environ.get("KEEPCART_ADMIN_QUERY_TIMEOUT")
    limit_text = f"{limit} ms" if limit else "the server's default"
    print(f"{os.cpu_count()} CPU cores; load average {os.getloadavg()[0]:.2f};"
          f" admin query time limit: {limit_text}")  # fmt: skip
    for scale in scales:
        db, store = cached_database(scale, args.rebuild)
        with tempfile.TemporaryDirectory(prefix="keepcart-scale-") as folder:
            run_db = Path(folder) / "scale.db"
            shutil.copyfile(db, run_db)
            asyncio.run(measure(scale, run_db, Path(folder), store, args))
    return 0


# --- the database ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreFacts:
    """What the measurements need to address: ids the seed chose."""

    store_id: int
    store_key: str
    campaign: str  # the live campaign's public id
    order_number: int
    product_id: int
    email: str  # a customer with several orders, for the search
    orders: int
    events: int
    ids: dict[str, str] = field(default_factory=dict)  # PAGE_IDS' found, by name


# The rows the pages and endpoints name (parameter: the store), each read once the database
# is built; a page or endpoint whose row the store lacks (the demo has no survey) is skipped.
PAGE_IDS = {
    "zone": "SELECT min(id) FROM shipping_zones WHERE store_id = :store",
    "method": "SELECT min(id) FROM shipping_methods WHERE zone_id ="
    " (SELECT min(id) FROM shipping_zones WHERE store_id = :store)",
    "tax_rate": "SELECT min(id) FROM tax_rates WHERE store_id = :store",
    "discount": "SELECT min(id) FROM discounts WHERE store_id = :store"
    " AND campaign_id IS NULL AND cart_id IS NULL",  # a code the merchant typed in
    "message": "SELECT public_id FROM messages WHERE store_id = :store"
    " AND kind = 'order_confirmation' ORDER BY created_at DESC, id DESC LIMIT 1",
    # The latest reminder whose checkout still has its email and was not recovered: its page
    # renders it, asking again whether it would be stopped now.
    "reminder": "SELECT m.public_id FROM messages m"
    " JOIN recovery_steps s ON s.message_public_id = m.public_id"
    " JOIN checkout_contacts k ON k.id = s.contact_id WHERE m.store_id = :store"
    " AND k.email IS NOT NULL AND k.recovered_at IS NULL ORDER BY m.created_at DESC LIMIT 1",
    "endpoint": "SELECT e.public_id FROM webhook_endpoints e WHERE e.store_id = :store ORDER BY"
    " (SELECT count(*) FROM webhook_attempts a WHERE a.endpoint_id = e.id) DESC LIMIT 1",
    "review": "SELECT public_id FROM reviews WHERE store_id = :store AND reply IS NOT NULL"
    " ORDER BY created_at DESC LIMIT 1",
    "review_group": "SELECT p.product_group FROM reviews r JOIN products p ON p.id = r.product_id"
    " WHERE r.store_id = :store AND r.status = 'published' GROUP BY p.product_group"
    " ORDER BY count(*) DESC, p.product_group LIMIT 1",
    # A collection page's 24 product cards, each with its stars.
    "rating_skus": "SELECT group_concat(product_group) FROM (SELECT product_group FROM products"
    " WHERE store_id = :store AND active = 1 GROUP BY product_group ORDER BY min(id) LIMIT 24)",
    "proof_sku": "SELECT i.sku FROM order_items i JOIN orders o ON o.id = i.order_id"
    " WHERE o.store_id = :store GROUP BY i.product_id ORDER BY count(*) DESC LIMIT 1",
    "survey": "SELECT public_id FROM surveys WHERE store_id = :store AND status = 'live'"
    " ORDER BY id LIMIT 1",
    "badges_since": "SELECT badges_since FROM trust_settings WHERE store_id = :store",
}


def page_ids(db_path: Path, store_id: int) -> dict[str, str]:
    found = {}
    with closing(sqlite3.connect(db_path)) as conn:
        for name, sql in PAGE_IDS.items():
            row = conn.execute(sql, {"store": store_id}).fetchone()
            if row is not None and row[0] is not None:
                found[name] = str(row[0])
    return found


def cache_dir() -> Path:
    folder = os.environ.get("KEEPCART_BENCH_CACHE")
    return Path(folder) if folder else Path(tempfile.gettempdir()) / "keepcart-bench-cache"


def cache_key(scale: str) -> str:
    """The seed version and the migrations' names and text: either changing rebuilds."""
    digest = hashlib.sha256(str(SEED_VERSION).encode())
    for migration in sorted((REPO / "server" / "db" / "migrations").glob("*.sql")):
        digest.update(migration.name.encode() + migration.read_bytes())
    return f"scale-{scale}-v{SEED_VERSION}-{digest.hexdigest()[:12]}"


def cached_database(scale: str, rebuild: bool) -> tuple[Path, StoreFacts]:
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    db, facts_file = folder / f"{cache_key(scale)}.db", folder / f"{cache_key(scale)}.json"
    if db.exists() and facts_file.exists() and not rebuild:
        print(f"[{scale}] cached database {db}")
        return db, StoreFacts(**json.loads(facts_file.read_text()))
    building = db.with_suffix(".building")
    building.unlink(missing_ok=True)
    started = time.perf_counter()
    facts = asyncio.run(prepare(building))
    if scale == "full":
        facts = grow(building, facts, now_ms())
    facts = replace(facts, ids=page_ids(building, facts.store_id))
    building.rename(db)  # only a finished seed is ever cached
    facts_file.write_text(json.dumps(facts.__dict__))
    print(f"[{scale}] seeded {db} ({db.stat().st_size / 1e6:.0f} MB) in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    return db, facts


async def prepare(db_path: Path) -> StoreFacts:
    """The demo store, the bench login as its owner, and one real order placed through the
    app (its Idempotency-Key answer is the template of the grown store's)."""
    from server.accounts import add_member, create_user
    from server.app import create_app
    from server.db import Database
    from server.settings import Settings

    store_key = await checkout_bench.prepare_database(db_path, SHOP)
    db = Database(db_path)
    await db.open()
    try:
        await create_user(db, dashboard.EMAIL, dashboard.PASSWORD, now=now_ms())
        store_id = await db.fetch_value("SELECT id FROM stores")
        await add_member(db, store_id, dashboard.EMAIL, "owner", now=now_ms())
    finally:
        await db.close()
    secret = checkout_bench.SERVER_ENV["KEEPCART_SECRET_KEYS"]
    settings = Settings(db=db_path, secret_keys=(secret,))
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=SHOP, headers=ORIGIN) as client:
            token = await cart_with_item(client, store_key)
            placed = await client.post("/v1/checkout", json={**checkout_bench.ORDER, "cart": token},
                                       headers={"Idempotency-Key": "bench-template"})  # fmt: skip
            assert placed.status_code == 201, placed.text
    with closing(sqlite3.connect(db_path)) as conn:
        campaign, product_id, number = conn.execute(
            "SELECT (SELECT public_id FROM campaigns WHERE status = 'live'),"
            " (SELECT min(id) FROM products), (SELECT max(number) FROM orders)"
        ).fetchone()
    return StoreFacts(store_id, store_key, campaign, number, product_id,
                      checkout_bench.ORDER["email"], 1, 0)  # fmt: skip


def grow(db_path: Path, facts: StoreFacts, now: int) -> StoreFacts:
    """The bulk rows, in one transaction with the journal off (a failed seed is discarded)."""
    rng = random.Random(11)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -262144",
                       "temp_store = MEMORY", "foreign_keys = OFF"):  # fmt: skip
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("BEGIN")
        dashboard.SPAN_DAYS = SPAN_DAYS  # its sessions, over this bench's 90 days
        store = (facts.store_id, facts.store_id)  # every row the measured store's
        visitors = dashboard.seed_events(conn, rng, store, EVENTS, now)
        products = seed_products(conn, rng, facts.store_id, now)
        exposed = seed_exposures(conn, rng, facts.store_id, visitors)
        coupons = seed_coupons(conn, rng, facts.store_id, exposed)
        email, last_number = seed_orders(conn, rng, facts, products, visitors, exposed, coupons)
        seed_cart_emails(conn, rng, facts.store_id, products, now)
        seed_features(conn, rng, facts.store_id, products, visitors, now)
        conn.execute("UPDATE stores SET next_order_number = ? WHERE id = ?",
                     (last_number + 1, facts.store_id))  # fmt: skip
        conn.execute("COMMIT")
        broken = conn.execute("PRAGMA foreign_key_check").fetchmany(5)
        assert not broken, f"the seed broke foreign keys: {broken}"
        conn.execute("PRAGMA journal_mode = WAL")  # as Database leaves it
    finally:
        conn.close()
    return StoreFacts(facts.store_id, facts.store_key, facts.campaign, last_number,
                      products[len(products) // 2][0], email, ORDERS + 1, EVENTS)  # fmt: skip


Product = tuple[int, str, str, str, int]  # id, sku, name, variant, price


def seed_features(conn: sqlite3.Connection, rng: random.Random, store_id: int,
                  products: list[Product], visitors: list[tuple[str, int]], now: int
                  ) -> None:  # fmt: skip
    """What the pages built since this bench was written read: reviews, the exit survey,
    trust exposures (``scale_content``); cart recovery (``scale_recovery``); the order
    emails and webhooks of those and of the orders, then every message (``scale_outbox``)."""
    (owner,) = conn.execute("SELECT id FROM users WHERE email = ?", (dashboard.EMAIL,)).fetchone()
    span = SPAN_DAYS * DAY_MS
    events = scale_content.seed_reviews(conn, rng, store_id, owner, now)
    scale_content.seed_survey(conn, rng, store_id, visitors, now, span)
    scale_content.seed_trust(conn, rng, store_id, visitors, now - span)
    orders = scale_outbox.seeded_orders(conn, store_id)
    outbox = scale_outbox.Outbox(conn, rng, store_id, now)
    recovery = scale_recovery.Recovery(conn, rng, store_id, products, orders, outbox, now, span)
    recovery.seed()
    scale_outbox.seed_messages(conn, rng, outbox, orders, dashboard.EMAIL,
                               [*events, *recovery.events], now)  # fmt: skip


def seed_products(conn: sqlite3.Connection, rng: random.Random, store_id: int, now: int
                  ) -> list[Product]:  # fmt: skip
    """Up to PRODUCTS in all: groups of 1–5 variants, one in twenty archived."""
    (existing,) = conn.execute("SELECT count(*) FROM products").fetchone()
    rows, group = [], 0
    while len(rows) < PRODUCTS - existing:
        group += 1
        sizes = ("XS", "S", "M", "L", "XL")[: rng.randint(1, 5)]
        price, created = rng.randrange(500, 25_000, 5), now - rng.randrange(SPAN_DAYS * DAY_MS)
        for size in sizes:
            rows.append((store_id, f"BX-{group:05}-{size}", f"BX-{group:05}",
                         f"Bench product {group}", f"Size: {size}" if len(sizes) > 1 else "",
                         "A product for the scale bench.", price, None,
                         f"{SHOP}/static/p{group}.jpg", rng.randint(50, 3000), 0, 0, 0,
                         int(rng.random() > 0.05), created, created))  # fmt: skip
    conn.executemany(
        "INSERT INTO products (store_id, sku, product_group, name, variant, description, price,"
        " compare_at_price, image_url, weight_grams, track_stock, stock, allow_oversell, active,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows[: PRODUCTS - existing],
    )
    return conn.execute(
        "SELECT id, sku, name, variant, price FROM products WHERE active = 1"
    ).fetchall()


Exposure = tuple[int, str, str, int]  # campaign id, visitor, arm, time


def seed_exposures(conn: sqlite3.Connection, rng: random.Random, store_id: int,
                   visitors: list[tuple[str, int]]) -> list[Exposure]:  # fmt: skip
    """The demo's live campaign and three copies ended or paused, EXPOSURES split evenly,
    arms by the campaign's holdout and variant weights."""
    (live,) = conn.execute("SELECT id FROM campaigns WHERE store_id = ?", (store_id,)).fetchone()
    campaign_ids = [live]
    for number, (name, status) in enumerate(EXTRA_CAMPAIGNS, 1):
        copied = conn.execute(
            "INSERT INTO campaigns (public_id, store_id, name, status, starts_at, ends_at,"
            " trigger, targeting, frequency, holdout_percent, created_at, updated_at)"
            " SELECT ?, store_id, ?, ?, starts_at, ends_at, trigger, targeting, frequency,"
            " holdout_percent, created_at, updated_at FROM campaigns WHERE id = ?",
            (f"cmp_scale{number}", name, status, live),
        )
        conn.execute(
            "INSERT INTO campaign_variants (campaign_id, key, weight, headline, body,"
            " button_text, image_url, brand_colour, offer) SELECT ?, key, weight, headline, body,"
            " button_text, image_url, brand_colour, offer FROM campaign_variants"
            " WHERE campaign_id = ?",
            (copied.lastrowid, live),
        )
        campaign_ids.append(copied.lastrowid)
    signals = ("exit_top", "exit_top", "exit_top", "scroll_up", "back_button", "inactivity")
    exposed: list[Exposure] = []
    for campaign_id in campaign_ids:
        holdout, keys = conn.execute(
            "SELECT c.holdout_percent, group_concat(v.key) FROM campaigns c"
            " JOIN campaign_variants v ON v.campaign_id = c.id WHERE c.id = ?",
            (campaign_id,),
        ).fetchone()
        arms = keys.split(",")
        for visitor, at in rng.sample(visitors, EXPOSURES // len(campaign_ids)):
            arm = "holdout" if rng.random() * 100 < holdout else rng.choice(arms)
            exposed.append((campaign_id, visitor, arm, at + rng.randrange(60_000)))
    conn.executemany(
        "INSERT INTO exposures (campaign_id, visitor_id, arm, signal, session_id, created_at)"
        " VALUES (?, ?, ?, ?, '', ?)",
        [(c, v, arm, rng.choice(signals), at) for c, v, arm, at in exposed],
    )
    return exposed


def seed_coupons(conn: sqlite3.Connection, rng: random.Random, store_id: int,
                 exposed: list[Exposure]) -> dict[str, tuple[int, str]]:  # fmt: skip
    """COUPONS claimed by shown (not held-out) visitors: visitor -> (discount id, code)."""
    shown = [e for e in exposed if e[2] != "holdout"]
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    codes: set[str] = set()
    rows = []
    for campaign_id, visitor, arm, at in rng.sample(shown, COUPONS):
        code = "".join(rng.choices(alphabet, k=8))
        while code in codes:
            code = "".join(rng.choices(alphabet, k=8))
        codes.add(code)
        rows.append((store_id, code, "percent", 10, 0, at + 2 * DAY_MS, at, campaign_id, arm,
                     visitor))  # fmt: skip
    conn.executemany(
        "INSERT INTO discounts (store_id, code, kind, value, min_subtotal, expires_at,"
        " usage_limit, created_at, campaign_id, arm, visitor_id)"
        " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
        rows,
    )
    return {
        visitor: (discount_id, code)
        for discount_id, code, visitor in conn.execute(
            "SELECT id, code, visitor_id FROM discounts WHERE campaign_id IS NOT NULL"
        )
    }


def seed_orders(conn: sqlite3.Connection, rng: random.Random, facts: StoreFacts,
                products: list[Product], visitors: list[tuple[str, int]],
                exposed: list[Exposure], coupons: dict[str, tuple[int, str]]
                ) -> tuple[str, int]:  # fmt: skip
    """ORDERS with 1–4 lines, each with its ordered cart, ``placed`` event and stored
    Idempotency-Key answer; a third by visitors (half of those exposed to an offer) days
    after their visit. Returns a repeat customer's email and the last order number."""
    store_id, now = facts.store_id, now_ms()
    template, template_id = conn.execute(
        "SELECT k.response, o.public_id FROM idempotency_keys k JOIN orders o ON o.id = k.order_id"
    ).fetchone()
    (order_id,) = conn.execute("SELECT coalesce(max(id), 0) FROM orders").fetchone()
    (cart_id,) = conn.execute("SELECT coalesce(max(id), 0) FROM carts").fetchone()
    names = ("aoife", "liam", "sofia", "noah", "emma", "jan", "lucia", "omar", "mia", "finn")
    statuses = ("paid", "paid", "paid", "fulfilled", "fulfilled", "fulfilled", "awaiting_payment",
                "refunded")  # fmt: skip
    methods = ("test_card", "test_card", "test_card", "bank_transfer", "cash_on_delivery")
    exposed_at = {visitor: at for _, visitor, _, at in exposed}
    exposed_visitors = list(exposed_at)
    orders, items, carts, events, keys, redemptions, used = [], [], [], [], [], [], []
    number = facts.order_number
    for _ in range(ORDERS):
        order_id, cart_id, number = order_id + 1, cart_id + 1, number + 1
        visitor, at = None, now - rng.randrange(SPAN_DAYS * DAY_MS)
        if rng.random() < 0.33:
            if rng.random() < 0.5:
                visitor = rng.choice(exposed_visitors)
                seen = exposed_at[visitor]
            else:
                visitor, seen = rng.choice(visitors)
            at = min(now - 1, seen + rng.randrange(3 * DAY_MS))
        customer = rng.randrange(CUSTOMERS)
        email = f"{names[customer % 10]}.{customer}@example.com"
        lines = rng.sample(products, rng.choice((1, 1, 1, 2, 2, 3, 4)))
        subtotal = 0
        for product_id, sku, name, variant, price in lines:
            quantity = rng.choice((1, 1, 1, 2, 3))
            subtotal += price * quantity
            items.append((order_id, product_id, sku, name, variant, price, quantity,
                          price * quantity, 0, price * quantity * 23 // 123))  # fmt: skip
            carts.append(("item", cart_id, product_id, quantity, at - 60_000))
        coupon = coupons.get(visitor) if visitor and rng.random() < 0.6 else None
        discount = subtotal // 10 if coupon else 0
        if coupon:
            used.append((coupon[0],))
            redemptions.append((coupon[0], order_id, email, discount, at))
        shipping, total = 495, subtotal - discount + 495
        public_id = f"ord_{rng.getrandbits(80):020x}"
        orders.append((order_id, public_id, store_id, number, cart_id, rng.choice(statuses), email,
                       f"Shopper {customer}", visitor, subtotal, discount, shipping,
                       total * 23 // 123, total, coupon[1] if coupon else None,
                       rng.choice(methods), at, at))  # fmt: skip
        carts.append(("cart", cart_id, f"cart_{rng.getrandbits(80):020x}", store_id, at))
        events.append((order_id, at))
        keys.append((store_id, f"{rng.getrandbits(128):032x}", f"{rng.getrandbits(256):064x}",
                     at, order_id, template.replace(template_id, public_id), at))  # fmt: skip
    conn.executemany(
        "INSERT INTO carts (id, public_id, store_id, status, created_at, updated_at)"
        " VALUES (?, ?, ?, 'ordered', ?, ?)",
        [(c, p, s, at - 600_000, at) for kind, c, p, s, at in carts if kind == "cart"],
    )
    conn.executemany(
        "INSERT INTO cart_items (cart_id, product_id, quantity, added_at) VALUES (?, ?, ?, ?)",
        [row[1:] for row in carts if row[0] == "item"],
    )
    conn.executemany(
        "INSERT INTO orders (id, public_id, store_id, number, cart_id, status, email, phone,"
        " shipping_name, shipping_address, shipping_method, delivery_from, delivery_to,"
        " currency, prices_include_tax, visitor_id, subtotal, discount_total, shipping_total,"
        " tax_total, total, discount_code, payment_method, created_at, updated_at)"
        ' VALUES (?, ?, ?, ?, ?, ?, ?, \'+353 1 234 5678\', ?, \'{"line1": "1 Main St",'
        ' "city": "Dublin", "country": "IE"}\', \'Standard\', \'2026-01-02\', \'2026-01-04\','
        " 'EUR', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        orders,
    )
    conn.executemany(
        "INSERT INTO order_items (order_id, product_id, sku, name, variant, unit_price, quantity,"
        " subtotal, discount, tax) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        items,
    )
    conn.executemany(
        "INSERT INTO order_events (order_id, kind, note, created_at)"
        " VALUES (?, 'placed', 'Placed with test_card', ?)",
        events,
    )
    conn.executemany(
        "INSERT INTO idempotency_keys (store_id, key, request_hash, state, attempt, reserved_at,"
        " order_id, response, created_at) VALUES (?, ?, ?, 'completed', NULL, ?, ?, ?, ?)",
        keys,
    )
    conn.executemany("UPDATE discounts SET times_used = 1 WHERE id = ?", used)
    conn.executemany(
        "INSERT INTO discount_redemptions (discount_id, order_id, email, amount, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        redemptions,
    )
    (repeat,) = conn.execute(
        "SELECT email FROM orders GROUP BY email ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    return repeat, number


def seed_cart_emails(conn: sqlite3.Connection, rng: random.Random, store_id: int,
                     products: list[Product], now: int) -> None:  # fmt: skip
    """CART_EMAILS open carts of 1–3 items whose shopper asked for the cart by email."""
    (campaign_id,) = conn.execute(
        "SELECT id FROM campaigns WHERE store_id = ? AND status = 'live'", (store_id,)
    ).fetchone()
    for n in range(CART_EMAILS):
        at = now - rng.randrange(SPAN_DAYS * DAY_MS)
        cart = conn.execute(
            "INSERT INTO carts (public_id, store_id, status, created_at, updated_at)"
            " VALUES (?, ?, 'open', ?, ?)",
            (f"cart_mail{n:06}", store_id, at, at),
        ).lastrowid
        conn.executemany(
            "INSERT INTO cart_items (cart_id, product_id, quantity, added_at) VALUES (?, ?, 1, ?)",
            [(cart, p[0], at) for p in rng.sample(products, rng.randint(1, 3))],
        )
        conn.execute(
            "INSERT INTO email_consents (store_id, campaign_id, cart_id, email, wording,"
            " created_at) VALUES (?, ?, ?, ?, 'Email me my cart and offers.', ?)",
            (store_id, campaign_id, cart, f"cart.{n}@example.com", at),
        )


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Timing:
    """One row: a page's or endpoint's samples in ms; ``None`` for a sample that timed out."""

    label: str
    first: float | None
    samples: list[float]
    timed_out: bool = False
    error: str = ""
    url: str = ""
    limit_s: float = 0

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) if self.samples else math.inf

    @property
    def p95(self) -> float:
        if self.timed_out or self.error or not self.samples:
            return math.inf
        if len(self.samples) < 2:
            return self.samples[0]
        return statistics.quantiles(self.samples, n=20, method="inclusive")[-1]


class ServerUnderTest:
    """``keepcart serve`` on the run's copy, restartable when a request leaves it busy."""

    def __init__(self, db: Path, folder: Path):
        self.db, self.folder, self.starts = db, folder, 0
        self.server: checkout_bench.Server | None = None

    def start(self) -> None:
        self.starts += 1
        log = self.folder / f"server-{self.starts}.log"
        self.server = checkout_bench.Server(self.db, log, SHOP)
        self.server.wait_ready(timeout=120)  # a migration of a grown copy takes a while

    def restart(self) -> None:
        """SIGKILL: a server stuck in a query does not stop on SIGINT."""
        assert self.server is not None
        self.server.process.kill()
        self.server.stop()
        self.start()

    def fresh(self) -> None:
        """A new process (gracefully stopped first): memory figures start from a clean heap."""
        assert self.server is not None
        self.server.stop()
        self.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    @property
    def pid(self) -> int:
        assert self.server is not None
        return self.server.pid

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url


async def measure(scale: str, db: Path, folder: Path, facts: StoreFacts, args: argparse.Namespace
                  ) -> None:  # fmt: skip
    server = ServerUnderTest(db, folder)
    server.start()
    try:
        print(f"\n== {scale} scale: {facts.events:,} events, {facts.orders:,} orders; "
              f"server pid {server.pid} ==")  # fmt: skip
        public = await measure_public(server.url, facts, args.public_runs)
        print_table("public endpoint", public, PUBLIC_TARGET_MS)
        admin = await measure_admin(server, facts, args)
        print_table("admin page", admin, ADMIN_TARGET_MS)
        await measure_exports(server, facts, args)
        slowest = max(admin, key=lambda row: (row.p95, row.p50))
        await measure_delay(server, facts, slowest, public, args, with_export=False)
        await measure_delay(server, facts, slowest, public, args)
        finished = [row for row in admin if not (row.timed_out or row.error)]
        if (slowest.timed_out or slowest.error) and finished:  # and the slowest that finishes
            slowest_done = max(finished, key=lambda row: row.p95)
            await measure_delay(server, facts, slowest_done, public, args)
    finally:
        server.stop()


# --- public endpoints -----------------------------------------------------------------------

Send = Callable[[], Awaitable[httpx.Response]]
ITEM = {"sku": checkout_bench.SKU, "quantity": 1}


async def cart_with_item(client: httpx.AsyncClient, store_key: str) -> str:
    made = await client.post("/v1/carts", json={"store": store_key})
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    added = await client.post(f"/v1/carts/{token}/items", json=ITEM)
    assert added.status_code == 200, added.text
    return token


class Shopper:
    """Each public endpoint as (label, status, prepare): ``prepare`` does the untimed set-up
    (a fresh cart, say) and returns the one request that is timed."""

    def __init__(self, client: httpx.AsyncClient, facts: StoreFacts):
        self.client, self.facts = client, facts
        self.receipt = ""  # the last placed order's receipt page
        self.visitors = iter(range(10**9))

    def endpoints(self) -> list[tuple[str, int, Callable[[], Awaitable[Send]]]]:
        key, client = self.facts.store_key, self.client
        return [
            ("widget config", 200, self.fixed("GET", f"/v1/stores/{key}/config")),
            ("checkout setup", 200, self.fixed("GET", f"/v1/stores/{key}/checkout")),
            ("cart create", 201, self.fixed("POST", "/v1/carts", json={"store": key})),
            ("cart get", 200, self.on_cart(lambda token: client.get(f"/v1/carts/{token}"))),
            ("cart add", 200, self.on_empty_cart),
            ("quote", 200, self.on_cart(self.quote)),
            ("events batch (5)", 202, self.events_batch),
            ("offer arm", 200, self.arm),
            *self.page_view_endpoints(),
            ("place order", 201, self.place_order),
            ("receipt page", 200, self.receipt_page),
        ]

    def page_view_endpoints(self) -> list[tuple[str, int, Callable[[], Awaitable[Send]]]]:
        """What the widget's chunks ask on a page view (each whose row the store has): a
        product page's reviews and social proof, a collection's stars, the badges' exposure,
        whether a survey is due."""
        key, ids = self.facts.store_key, self.facts.ids
        store = f"/v1/stores/{key}"
        sku = ids.get("proof_sku", checkout_bench.SKU)
        wanted = [
            ("reviews (product page)", "review_group", self.fixed(
                "GET", f"{store}/reviews", params={"sku": ids.get("review_group")})),
            ("star ratings (24 cards)", "rating_skus", self.fixed(
                "GET", f"{store}/ratings", params={"skus": ids.get("rating_skus")})),
            ("social proof", "", self.fixed("GET", f"{store}/products/{sku}/proof")),
            ("trust exposure", "badges_since", self.trust_exposure),
            ("survey state", "survey", self.survey_state),
        ]  # fmt: skip
        return [(label, 200, prepare) for label, needs, prepare in wanted
                if not needs or needs in ids]  # fmt: skip

    def fixed(self, method: str, path: str, **kwargs: Any) -> Callable[[], Awaitable[Send]]:
        async def prepare() -> Send:
            return lambda: self.client.request(method, path, **kwargs)

        return prepare

    def on_cart(self, call: Callable[[str], Awaitable[httpx.Response]]
                ) -> Callable[[], Awaitable[Send]]:  # fmt: skip
        async def prepare() -> Send:
            token = await cart_with_item(self.client, self.facts.store_key)
            return lambda: call(token)

        return prepare

    def quote(self, token: str) -> Awaitable[httpx.Response]:
        address = {"address": {"country": "IE"}}
        return self.client.post(f"/v1/carts/{token}/quote", json=address)

    async def on_empty_cart(self) -> Send:
        made = await self.client.post("/v1/carts", json={"store": self.facts.store_key})
        token = made.json()["token"]
        return lambda: self.client.post(f"/v1/carts/{token}/items", json=ITEM)

    async def events_batch(self) -> Send:
        at = now_ms()
        events = [{"type": kind, "name": name, "occurred_at": at, "url": f"{SHOP}/p/1",
                   "session_id": "s_bench", "visitor_id": "v_bench"}
                  for kind, name in (("pageview", "pageview"), ("custom", "product_view"),
                                     ("pageview", "pageview"), ("checkout", "cart_add"),
                                     ("pageview", "pageview"))]  # fmt: skip
        body = json.dumps({"store": self.facts.store_key, "events": events})
        headers = {"Content-Type": "text/plain"}
        return lambda: self.client.post("/v1/events", content=body, headers=headers)

    async def trust_exposure(self) -> Send:
        """A new visitor's first page with badges: its exposure is written (a holdout is
        measured at scale)."""
        body = json.dumps({"store": self.facts.store_key, "element": "badges",
                           "visitor": f"v_trust{next(self.visitors)}",
                           "since": int(self.facts.ids["badges_since"])})  # fmt: skip
        headers = {"Content-Type": "text/plain"}
        return lambda: self.client.post("/v1/trust/exposures", content=body, headers=headers)

    async def survey_state(self) -> Send:
        """Whether a new visitor is due the live survey (its history read by visitor)."""
        path = f"/v1/surveys/{self.facts.ids['survey']}/state"
        params = {"store": self.facts.store_key, "visitor": f"v_survey{next(self.visitors)}"}
        return lambda: self.client.get(path, params=params)

    async def arm(self) -> Send:
        visitor = f"v_new{next(self.visitors)}"  # a new visitor: no exposure to find
        path = f"/v1/offers/{self.facts.campaign}/arm"
        return lambda: self.client.get(path, params={"visitor": visitor})

    async def place_order(self) -> Send:
        token = await cart_with_item(self.client, self.facts.store_key)
        order = {**checkout_bench.ORDER, "cart": token}
        key = {"Idempotency-Key": f"bench-{next(self.visitors)}-{time.time_ns()}"}

        async def send() -> httpx.Response:
            answer = await self.client.post("/v1/checkout", json=order, headers=key)
            if answer.status_code == 201:
                self.receipt = httpx.URL(answer.json()["order"]["status_url"]).path
            return answer

        return send

    async def receipt_page(self) -> Send:
        return lambda: self.client.get(self.receipt)


async def measure_public(url: str, facts: StoreFacts, runs: int) -> list[Timing]:
    async with httpx.AsyncClient(base_url=url, headers=ORIGIN, timeout=PUBLIC_TIMEOUT_S) as client:
        shopper = Shopper(client, facts)
        rows = []
        for label, status, prepare in shopper.endpoints():
            rows.append(await sample(label, "", status, prepare, runs, PUBLIC_TIMEOUT_S))
        return rows


async def sample(label: str, url: str, status: int, prepare: Callable[[], Awaitable[Send]],
                 runs: int, limit_s: float) -> Timing:  # fmt: skip
    """The first request, then ``runs`` more; stops at the first timeout or wrong status."""
    row = Timing(label, None, [], url=url, limit_s=limit_s)
    for run in range(runs + 1):
        send = await prepare()
        started = time.perf_counter()
        try:
            answer = await asyncio.wait_for(send(), limit_s)
        except (TimeoutError, httpx.TimeoutException):
            row.timed_out = True
            return row
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code != status:
            row.error = f"HTTP {answer.status_code}"
            if answer.status_code == 503 and "took too long" in answer.text:
                row.error = "STOPPED (limit)"  # the server stopped its query: a failure
            return row
        if run == 0:
            row.first = elapsed
        else:
            row.samples.append(elapsed)
    return row


# --- admin pages ----------------------------------------------------------------------------


def admin_pages(facts: StoreFacts) -> list[tuple[str, str]]:
    """Every page a merchant reads (each naming a row the store has: ``PAGE_IDS``), the
    campaign results last (at scale it may not finish). Forms' redirects and CSV exports
    (timed apart) are left out."""
    base, ids = f"/admin/stores/{facts.store_id}", facts.ids
    campaigns, checkout = f"{base}/campaigns", f"{base}/checkout"
    zone = f"{checkout}/shipping/zones/{ids.get('zone')}"
    reminder = f"{base}/messages/{ids.get('reminder')}"
    endpoint = f"{base}/webhooks/{ids.get('endpoint')}"
    survey = f"{base}/surveys/{ids.get('survey')}"
    pages: list[tuple[str, str, tuple[str, ...]]] = [
        *((f"overview, {name}", f"{base}?range={name}", ()) for name in dashboard.RANGES),
        ("overview activity (poll)", f"{base}/activity", ()),
        ("store list", "/admin/stores", ()),
        ("account", "/admin/account", ()),
        ("orders list", f"{base}/orders", ()),
        ("orders, paid", f"{base}/orders?status=paid", ()),
        ("orders, search by email", f"{base}/orders?{urlencode({'q': facts.email})}", ()),
        ("an order", f"{base}/orders/{facts.order_number}", ()),
        ("products list", f"{base}/products", ()),
        ("product form, new", f"{base}/products/new", ()),
        ("product edit", f"{base}/products/{facts.product_id}", ()),
        ("product variants", f"{base}/products/{facts.product_id}/variants", ()),
        ("products import form", f"{base}/products/import", ()),
        ("campaign list", campaigns, ()),
        ("campaign form, new", f"{campaigns}/new", ()),
        ("campaign form, edit", f"{campaigns}/{facts.campaign}", ()),
        ("campaign preview", f"{campaigns}/{facts.campaign}/preview", ()),
        ("campaign gift search", f"{campaigns}/gifts?q=Bench+product+1", ()),
        ("cart-email requests", f"{campaigns}/cart-emails", ()),
        ("checkout: general", checkout, ()),
        ("checkout: delivery", f"{checkout}/delivery", ()),
        ("checkout: shipping", f"{checkout}/shipping", ()),
        ("shipping: a zone", zone, ("zone",)),
        ("shipping: new method", f"{zone}/methods/new", ("zone",)),
        ("shipping: a method", f"{zone}/methods/{ids.get('method')}", ("zone", "method")),
        ("checkout: taxes", f"{checkout}/taxes", ()),
        ("taxes: a rate", f"{checkout}/taxes/{ids.get('tax_rate')}", ("tax_rate",)),
        ("checkout: discounts", f"{checkout}/discounts", ()),
        ("discounts: new form", f"{checkout}/discounts/new", ()),
        ("discounts: a code", f"{checkout}/discounts/{ids.get('discount')}", ("discount",)),
        ("store settings", f"{base}/settings", ()),
        ("email settings", f"{base}/settings/emails", ()),
        ("members", f"{base}/members", ()),
        ("shopper data", f"{base}/shopper-data", ()),
        ("recovery settings", f"{base}/recovery", ()),
        ("recovery results", f"{base}/recovery/results", ()),
        ("messages list", f"{base}/messages", ()),
        ("messages, failed", f"{base}/messages?state=failed", ()),
        ("a message: confirmation", f"{base}/messages/{ids.get('message')}", ("message",)),
        ("a message: reminder", reminder, ("reminder",)),
        ("a message: reminder preview", f"{reminder}/preview", ("reminder",)),
        ("webhooks list", f"{base}/webhooks", ()),
        ("webhook form, new", f"{base}/webhooks/new", ()),
        ("webhook endpoint and log", endpoint, ("endpoint",)),
        ("webhook endpoint, edit", f"{endpoint}/edit", ("endpoint",)),
        ("reviews list", f"{base}/reviews", ()),
        ("reviews, hidden", f"{base}/reviews?status=hidden", ()),
        ("reviews, one product", f"{base}/reviews?sku={ids.get('review_group')}",
         ("review_group",)),
        ("a review", f"{base}/reviews/{ids.get('review')}", ("review",)),
        ("reviews moderation log", f"{base}/reviews/log", ()),
        ("reviews import form", f"{base}/reviews/import", ()),
        ("trust", f"{base}/trust", ()),
        ("trust widget preview", f"{base}/trust/widget-preview", ()),
        ("surveys list", f"{base}/surveys", ()),
        ("survey form, new", f"{base}/surveys/new", ()),
        ("survey form, edit", survey, ("survey",)),
        ("survey preview", f"{survey}/preview", ("survey",)),
        ("survey results, 30 days", f"{survey}/results", ("survey",)),
        ("survey results, 90 days", f"{survey}/results?range=90d", ("survey",)),
        ("survey answers, Other", f"{survey}/answers?question=q1", ("survey",)),
        ("survey answers, comments", f"{survey}/answers?question=q3&range=90d", ("survey",)),
        ("campaign results", f"{campaigns}/{facts.campaign}/results", ()),
    ]  # fmt: skip
    return [(label, path) for label, path, needs in pages if all(key in ids for key in needs)]


async def signed_in_client(url: str, limit_s: float) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=url, timeout=limit_s)
    await dashboard.sign_in(client)
    return client


async def measure_admin(server: ServerUnderTest, facts: StoreFacts, args: argparse.Namespace
                        ) -> list[Timing]:  # fmt: skip
    client = await signed_in_client(server.url, args.timeout)
    rows = []
    try:
        for label, path in admin_pages(facts):

            async def prepare(path: str = path, client: httpx.AsyncClient = client) -> Send:
                return lambda: client.get(path)

            row = await sample(label, path, 200, prepare, args.admin_runs, args.timeout)
            rows.append(row)
            if row.timed_out:  # its query still runs: a fresh server for what follows
                server.restart()
                await client.aclose()
                client = await signed_in_client(server.url, args.timeout)
    finally:
        await client.aclose()
    return rows


# --- exports and memory ---------------------------------------------------------------------


class RssSampler:
    """The server's resident set, read from /proc every 5 ms on a thread, the peak kept."""

    def __init__(self, pid: int):
        self.status = Path(f"/proc/{pid}/status")
        self.base = self.peak = self.read()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def read(self) -> int:
        for line in self.status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self.read())

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.read())

    @property
    def rise_mb(self) -> float:
        return (self.peak - self.base) / 1e6


@dataclass
class Export:
    label: str
    times: list[float]
    rises: list[float]
    size: int = 0
    timed_out: bool = False


async def download(client: httpx.AsyncClient, path: str) -> int:
    """The export streamed to nowhere: its size, without holding it here."""
    size = 0
    async with client.stream("GET", path) as answer:
        assert answer.status_code == 200, (path, answer.status_code)
        async for chunk in answer.aiter_bytes():
            size += len(chunk)
    return size


def export_paths(facts: StoreFacts) -> list[tuple[str, str]]:
    """The CSV exports, the orders' first (the one run beside the public requests)."""
    base, survey = f"/admin/stores/{facts.store_id}", facts.ids.get("survey")
    exports = [("orders CSV", f"{base}/orders.csv"),
               ("cart-email CSV", f"{base}/campaigns/cart-emails.csv"),
               ("products CSV", f"{base}/products.csv")]  # fmt: skip
    if survey:
        exports.append(("survey responses CSV", f"{base}/surveys/{survey}/results.csv?range=90d"))
    return exports


async def measure_exports(server: ServerUnderTest, facts: StoreFacts, args: argparse.Namespace
                          ) -> None:  # fmt: skip
    """Each export on a fresh server: a heap an earlier export grew would hide the rise (the
    allocator keeps freed memory for reuse)."""
    results = []
    for label, path in export_paths(facts):
        server.fresh()
        client = await signed_in_client(server.url, args.timeout)
        try:
            export = Export(label, [], [])
            for _ in range(args.export_runs):
                with RssSampler(server.pid) as rss:
                    started = time.perf_counter()
                    try:
                        export.size = await asyncio.wait_for(download(client, path), args.timeout)
                    except (TimeoutError, httpx.TimeoutException):
                        export.timed_out = True
                    export.times.append((time.perf_counter() - started) * 1000)
                export.rises.append(rss.rise_mb)
                if export.timed_out:
                    break
            results.append(export)
        finally:
            await client.aclose()
        if export.timed_out:
            server.restart()
    print(f"\n{'export':<30}{'size':>9}{'p50':>10}{'max':>10}{'RSS rise':>12}   target")
    for export in results:
        times = f"{fmt_ms(statistics.median(export.times))}{fmt_ms(max(export.times))}"
        time_text = f"{'TIMEOUT':>10}{'':>10}" if export.timed_out else times
        rise = max(export.rises)
        verdict = "ok" if rise <= RSS_TARGET_MB else "MISSED"
        print(f"{export.label:<30}{export.size / 1e6:>6.1f} MB{time_text}{rise:>9.0f} MB"
              f"   rise ≤ {RSS_TARGET_MB} MB  {verdict}")  # fmt: skip


# --- public requests while admin work runs --------------------------------------------------


async def measure_delay(server: ServerUnderTest, facts: StoreFacts, slowest: Timing,
                        public: list[Timing], args: argparse.Namespace, *,
                        with_export: bool = True) -> None:  # fmt: skip
    """Public requests one after another while the slowest admin page and (``with_export``)
    the orders export run together (again and again for at least 5 s, or until one times
    out). Without the export, the figure is the admin page's own cost to shoppers."""
    idle = {row.label: row.p50 for row in public}
    export_label, export_path = export_paths(facts)[0]
    if not with_export:
        export_label = ""
    admin = await signed_in_client(server.url, args.timeout)
    admin_timed_out = False

    async def admin_work() -> None:
        nonlocal admin_timed_out
        started = time.perf_counter()
        while time.perf_counter() - started < 5 and not admin_timed_out:
            work: list[Awaitable[object]] = [asyncio.wait_for(admin_page(), args.timeout)]
            if with_export:
                work.append(asyncio.wait_for(download(admin, export_path), args.timeout))
            for outcome in await asyncio.gather(*work, return_exceptions=True):
                if isinstance(outcome, TimeoutError | httpx.TimeoutException):
                    admin_timed_out = True

    stopped = 0  # admin pages the server stopped at its time limit (503) meanwhile

    async def admin_page() -> None:
        nonlocal stopped
        answer = await admin.get(slowest.url)
        stopped += answer.status_code == 503

    probes: list[tuple[str, float | None]] = []
    async with httpx.AsyncClient(base_url=server.url, headers=ORIGIN,
                                 timeout=PUBLIC_TIMEOUT_S) as client:  # fmt: skip
        shopper = Shopper(client, facts)
        wanted = ("widget config", "cart get", "events batch (5)", "offer arm")
        kinds = [(label, prepare) for label, _, prepare in shopper.endpoints() if label in wanted]
        sends = [(label, await prepare()) for label, prepare in kinds]
        load = asyncio.create_task(admin_work())
        await asyncio.sleep(0.1)  # the admin requests are in the server's hands
        while not load.done():
            label, send = sends[len(probes) % len(sends)]
            started = time.perf_counter()
            try:
                await asyncio.wait_for(send(), PUBLIC_TIMEOUT_S)
                probes.append((label, (time.perf_counter() - started) * 1000))
            except (TimeoutError, httpx.TimeoutException):
                probes.append((label, None))
            await asyncio.sleep(0.02)
        await load
    await admin.aclose()
    if admin_timed_out:
        server.restart()
    print_delay(slowest.label, export_label, admin_timed_out, stopped, probes, idle)


def print_delay(page: str, export: str, admin_timed_out: bool, stopped: int,
                probes: list[tuple[str, float | None]], idle: dict[str, float]
                ) -> None:  # fmt: skip
    answered = [(label, ms) for label, ms in probes if ms is not None]
    lost = len(probes) - len(answered)
    delays = sorted(ms - idle[label] for label, ms in answered)
    how = " (admin work timed out)" if admin_timed_out else ""
    how += f" (the page was stopped at the time limit {stopped}×)" if stopped else ""
    what = f"'{page}' and the {export} run" if export else f"'{page}' runs (alone)"
    print(f"\npublic requests while {what}{how}:")
    if not probes:
        print("  no public request was sent (the admin work ended at once)")
        return
    latencies = sorted(ms for _, ms in answered)
    worst = math.inf if lost else max(delays)
    if answered:
        p95 = statistics.quantiles(latencies, n=20, method="inclusive")[-1] if len(
            latencies) > 1 else latencies[0]  # fmt: skip
        print(f"  {len(probes)} requests: latency p50 {statistics.median(latencies):.1f} ms,"
              f" p95 {p95:.1f} ms, max {max(latencies):.1f} ms")  # fmt: skip
    if lost:
        print(f"  {lost} of {len(probes)} timed out (> {PUBLIC_TIMEOUT_S} s)")
    verdict = "ok" if worst <= DELAY_TARGET_MS else "MISSED"
    worst_text = f"> {PUBLIC_TIMEOUT_S * 1000} ms" if lost else f"{worst:.1f} ms"
    print(f"  delay over the idle median: worst {worst_text}"
          f" (target ≤ {DELAY_TARGET_MS} ms)  {verdict}")  # fmt: skip


# --- printing -------------------------------------------------------------------------------


def fmt_ms(ms: float | None) -> str:
    if ms is None:
        return f"{'-':>10}"
    return f"{ms:>7.0f} ms" if ms >= 100 else f"{ms:>7.1f} ms"


def print_table(heading: str, rows: list[Timing], target: int) -> None:
    print(f"\n{heading:<30}{'first':>10}{'p50':>10}{'p95':>10}   target")
    for row in rows:
        if row.timed_out or row.error:
            what = row.error or f"TIMEOUT > {row.limit_s:.0f} s"
            figures = f"{fmt_ms(row.first)}{what:>20}"
        else:
            figures = f"{fmt_ms(row.first)}{fmt_ms(row.p50)}{fmt_ms(row.p95)}"
        verdict = "ok" if row.p95 <= target else "MISSED"
        print(f"{row.label:<30}{figures}   p95 ≤ {target} ms  {verdict}")
    worst = max(rows, key=lambda row: row.p95)
    worst_text = "timed out" if math.isinf(worst.p95) else f"{worst.p95:.0f} ms"
    verdict = "ok" if worst.p95 <= target else "MISSED"
    print(f"{heading}s: worst p95 {worst_text} ({worst.label}; target ≤ {target} ms)  {verdict}")


if __name__ == "__main__":
    sys.exit(main())
