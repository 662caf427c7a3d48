"""What ``keepcart demo`` puts in the demo store: its catalog and checkout rules.

The catalog comes from the demo shop's own product list (demo_store/products.py), the way a
merchant would import theirs. Re-running the demo refreshes products and leaves any rules the
merchant changed in the admin alone. It also starts one live exit-intent campaign with two
variants and a holdout, so the demo shows an offer and its results from the first visit,
gives the store its trust settings (the returns and contact its about page states, badges in
every placement, social proof on, no one held out) so the demo shows true badges at once, and
(``seed_demo_reviews``) a few fulfilled orders whose buyers reviewed what they bought.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import aiosqlite

from demo_store.products import PRODUCTS
from server.catalog.queries import upsert_product
from server.catalog.service import ProductInput, validate_product
from server.checkout.delivery import save_delivery_rules
from server.offers.model import Campaign, Frequency, Offer, Targeting, Trigger, Variant
from server.offers.queries import save_campaign
from server.pricing.delivery import DeliveryRules
from server.recovery.model import Incentive, RecoverySettings, Step
from server.recovery.queries import save_settings as save_recovery_settings
from server.reviews.importing import ImportedReview, import_reviews
from server.reviews.links import LineKey
from server.reviews.model import ReviewInput
from server.reviews.moderating import hide_review, save_reply
from server.reviews.publishing import publish_review
from server.reviews.service import default_display_name
from server.security import new_public_id
from server.trust.model import TrustSettings
from server.trust.queries import save_trust_settings

DAY_MS = 86_400_000
EU = "AT BE DE DK ES FI FR IT LU NL PT SE"
# Standard VAT rates, in basis points.
VAT = {"IE": 2300, "AT": 2000, "BE": 2100, "DE": 1900, "DK": 2500, "ES": 2100, "FI": 2550,
       "FR": 2000, "IT": 2200, "LU": 1700, "NL": 2100, "PT": 2300, "SE": 2500}  # fmt: skip
# Small, honest stock levels so the demo can show what happens when something sells out.
LIMITED_STOCK = {"FH-THR-01": 3, "FH-KTL-01": 6}
# The shop's delivery rule, which its product and about pages state in words (demo_store/
# templates): before 14:00 Irish time on a working day it leaves the same day; working days
# are Monday to Friday except Irish public holidays.
IRISH_HOLIDAYS = (
    "2026-12-25 2026-12-28 2027-01-01 2027-02-01 2027-03-17 2027-03-29 2027-05-03 2027-06-07"
    " 2027-08-02 2027-10-25 2027-12-27 2027-12-28"
)
DEMO_DELIVERY = DeliveryRules(
    timezone="Europe/Dublin",
    cutoff=time(14, 0),
    handling_days=0,
    holidays=frozenset(date.fromisoformat(day) for day in IRISH_HOLIDAYS.split()),
)


def demo_products(shop_url: str) -> list[ProductInput]:
    items = []
    for product in PRODUCTS:
        skus = product.variants or ((product.sku, ""),)
        for sku, label in skus:
            items.append(
                validate_product(
                    ProductInput(
                        sku=sku,
                        name=product.name,
                        price=product.price,
                        product_group=product.sku,
                        variant=f"{product.option_name}: {label}" if label else "",
                        description=product.tagline,
                        compare_at_price=product.compare_at_price,
                        image_url=f"{shop_url}/static/products/{product.image}",
                        weight_grams=product.weight_grams,
                        track_stock=sku in LIMITED_STOCK,
                        stock=LIMITED_STOCK.get(sku, 0),
                    )
                )
            )
    return items


async def seed_demo_store(
    conn: aiosqlite.Connection, store_id: int, shop_url: str, now_ms: int
) -> None:
    for product in demo_products(shop_url):
        await upsert_product(conn, store_id, product, now_ms)
    await _exit_offer(conn, store_id, now_ms)
    await _trust(conn, store_id, now_ms)
    await _recovery(conn, store_id, now_ms)
    async with conn.execute(
        "SELECT count(*) FROM shipping_zones WHERE store_id = ?", (store_id,)
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None  # count(*) always returns a row
    (zones,) = row
    if zones:
        return  # rules exist: the merchant may have edited them
    await conn.execute(
        "UPDATE stores SET country = 'IE', prices_include_tax = 1, phone_required = 1,"
        " payment_methods = 'test_card bank_transfer cash_on_delivery',"
        " bank_instructions = ?, cod_instructions = ? WHERE id = ?",
        (
            "Transfer the total to Fernhill Goods, IBAN IE29 AIBK 9311 5212 3456 78, quoting "
            "your order number. We ship as soon as it arrives (usually 1-2 working days).",
            "Pay the courier in cash or by card when your parcel arrives.",
            store_id,
        ),
    )
    await save_delivery_rules(conn, store_id, DEMO_DELIVERY)
    await _shipping(conn, store_id)
    await conn.executemany(
        "INSERT INTO tax_rates (store_id, country, region, rate, name) VALUES (?, ?, '', ?, 'VAT')",
        [(store_id, country, rate) for country, rate in VAT.items()],
    )
    await conn.executemany(
        "INSERT INTO discounts (store_id, code, kind, value, min_subtotal, expires_at,"
        " usage_limit, once_per_email, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (store_id, "WELCOME10", "percent", 10, 0, None, None, 1, now_ms),
            (store_id, "FREESHIP", "free_shipping", 0, 3000, None, None, 0, now_ms),
            (store_id, "TAKE5", "fixed", 500, 4000, None, None, 0, now_ms),
            (store_id, "SUMMER24", "percent", 20, 0, now_ms - DAY_MS, None, 0, now_ms),
        ],
    )


async def _shipping(conn: aiosqlite.Connection, store_id: int) -> None:
    zones = (
        ("Ireland", "IE", [
            ("Standard", "flat", 495, [], 6000, 1, 3),
            ("Express", "flat", 995, [], None, 1, 1),
        ]),
        ("EU", EU, [
            ("Standard", "flat", 795, [], 6000, 3, 6),
            ("Express", "flat", 1695, [], None, 2, 3),
        ]),
        ("Rest of world", "GB US CA AU NZ CH NO JP", [
            ("International", "weight_tiers", 1495, [[0, 1495], [2000, 2495], [5000, 3995]],
             None, 5, 10),
        ]),
    )  # fmt: skip
    for name, countries, methods in zones:
        cursor = await conn.execute(
            "INSERT INTO shipping_zones (store_id, name, countries) VALUES (?, ?, ?)",
            (store_id, name, countries),
        )
        zone_id = cursor.lastrowid
        await conn.executemany(
            "INSERT INTO shipping_methods (zone_id, name, kind, rate, tiers, free_over,"
            " min_days, max_days, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (zone_id, m_name, kind, rate, json.dumps(tiers), free_over, lo, hi, position)
                for position, (m_name, kind, rate, tiers, free_over, lo, hi) in enumerate(methods)
            ],
        )


# Two honest offers tested against each other and against showing nothing (the holdout).
DEMO_CAMPAIGN = Campaign(
    name="Before you go",
    status="live",
    trigger=Trigger(kind="exit_intent", min_seconds=3),
    targeting=Targeting(cart="not_empty"),  # "your order ships free" needs an order
    frequency=Frequency(mode="once_per_session"),
    holdout_percent=20,
    variants=(
        Variant(
            key="A",
            weight=50,
            headline="Before you go: 10% off",
            body="Take 10% off your order for the next 30 minutes.",
            button_text="Claim 10% off",
            offer=Offer(kind="percent", value=10, expires_minutes=30),
        ),
        Variant(
            key="B",
            weight=50,
            headline="Before you go: free shipping",
            body="Your order ships free if you check out in the next 30 minutes.",
            button_text="Claim free shipping",
            offer=Offer(kind="free_shipping", value=0, expires_minutes=30),
        ),
    ),
)


async def _exit_offer(conn: aiosqlite.Connection, store_id: int, now_ms: int) -> None:
    """The demo campaign, once: a store that has any campaign keeps what it has."""
    async with conn.execute(
        "SELECT count(*) FROM campaigns WHERE store_id = ?", (store_id,)
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None  # count(*) always returns a row
    (campaigns,) = row
    if not campaigns:
        await save_campaign(conn, dataclasses.replace(DEMO_CAMPAIGN, store_id=store_id), now_ms)


# ---- reviews: from the demo's own fulfilled orders, a few imported, one hidden ------------

# (days ago the order was placed, customer, SKU, rating, title, text). Each is a fulfilled
# order of one item whose buyer reviewed it through their link three days after it shipped:
# low ratings among them, published like every other.
DEMO_REVIEWERS = (
    (
        64,
        "Aoife Byrne",
        "FH-MUG-01",
        5,
        "My everyday mug now",
        "Holds heat well and the thumb rest is a lovely touch. The glaze is even nicer in person.",
    ),
    (
        52,
        "Ciarán Walsh",
        "FH-MUG-01",
        2,
        "Chipped on arrival",
        "A small chip on the rim when it came. The mug itself is nice, but the packing could be"
        " better.",
    ),
    (
        45,
        "Marta Nowak",
        "FH-MUG-01",
        4,
        "Generous size",
        "Bigger than I expected, which I like. Docked a star because it is heavy when full.",
    ),
    (
        40,
        "Sean Murphy",
        "FH-POUR-01",
        5,
        "Makes a clean cup",
        "Slow, even flow and it sits steadily on every mug I own.",
    ),
    (
        33,
        "Niamh Kelly",
        "FH-POUR-01",
        3,
        "Fine, a little slow",
        "Good coffee, but the draw-down takes longer than my old plastic one.",
    ),
    (
        28,
        "Emma Doyle",
        "FH-THR-01",
        5,
        "Warm and soft",
        "Lives on the sofa now. No shedding after two washes on wool.",
    ),
    (
        21,
        "Tomás Ryan",
        "FH-THR-01",
        1,
        "Too small for a bed",
        "I should have checked the size: it only covers the top of a double bed.",
    ),
    (
        14,
        "Lena Fischer",
        "FH-KTL-01",
        4,
        "Pretty and quick",
        "Boils fast on gas. The handle gets warm, so keep a cloth near.",
    ),
)
# The shop's public reply to the chipped mug.
DEMO_REPLY = (
    "Sorry about the chip, Ciarán: a replacement is on its way, and we now pack every mug in a"
    " double box."
)
# Reviews the shop brought from its old platform: labelled Imported, dated when written.
DEMO_IMPORTED = (
    (
        "FH-MUG-01",
        4,
        "Lovely glaze",
        "Bought two as a gift; both arrived safely.",
        "Róisín",
        "2024-11-02",
    ),
    (
        "FH-APR-01",
        5,
        "Best apron I've owned",
        "The cross-back straps really are comfortable.",
        "Dara",
        "2024-09-18",
    ),
    (
        "FH-COF-01",
        3,
        "Good, not great",
        "Nice for filter; a bit light for my espresso.",
        "Jo",
        "2024-12-07",
    ),
)
# A review the shop hid, for a reason from the fixed list: it carried a phone number.
DEMO_HIDDEN = (
    9, "Paddy Quinn", "FH-POUR-01", 4, "Ring me about it",
    "Works well. Happy to tell anyone more, call me on 087 555 0123.",
)  # fmt: skip


async def seed_demo_reviews(
    conn: aiosqlite.Connection, store_id: int, merchant_id: int, now_ms: int
) -> None:
    """Reviews from the demo's own fulfilled orders (varied ratings, one replied to, one
    hidden with its log entry) and a few imported: once, for a store without reviews."""
    async with conn.execute("SELECT count(*) FROM reviews WHERE store_id = ?", (store_id,)) as c:
        row = await c.fetchone()
    assert row is not None  # count(*) always returns a row
    if row[0]:
        return
    published = {}
    for days_ago, name, sku, rating, title, body in (*DEMO_REVIEWERS, DEMO_HIDDEN):
        line = await fulfilled_order(conn, store_id, name, sku, now_ms - days_ago * DAY_MS)
        reviewed_at = now_ms - (days_ago - 6) * DAY_MS
        review = ReviewInput(rating, title, body, default_display_name(name))
        published[name] = await publish_review(conn, line, review, reviewed_at)
    chipped, hidden = published["Ciarán Walsh"], published[DEMO_HIDDEN[1]]
    replied_at = chipped.created_at + DAY_MS // 2
    await save_reply(conn, store_id, chipped.public_id, DEMO_REPLY, merchant_id, replied_at)
    await hide_review(
        conn, store_id, hidden.public_id, "personal_data", merchant_id, hidden.created_at + DAY_MS
    )
    rows = [
        ImportedReview(n, sku, ReviewInput(rating, title, body, who), date.fromisoformat(day))
        for n, (sku, rating, title, body, who, day) in enumerate(DEMO_IMPORTED, start=2)
    ]
    await import_reviews(
        conn, store_id, DEMO_DELIVERY.timezone, rows, merchant_id, now_ms,
        file_name="fernhill-reviews-2024.csv", platform="the shop's old website",
    )  # fmt: skip


async def fulfilled_order(
    conn: aiosqlite.Connection, store_id: int, name: str, sku: str, placed_at: int
) -> LineKey:
    """A shipped order of one ``sku`` by ``name`` in Ireland, paid by card, with its history:
    placed, paid at once, fulfilled the next day."""
    async with conn.execute(
        "SELECT id, name, variant, price FROM products WHERE store_id = ? AND sku = ?",
        (store_id, sku),
    ) as cursor:
        product = await cursor.fetchone()
    assert product is not None, sku  # the demo catalog has it
    product_id, product_name, variant, price = product
    cursor = await conn.execute(
        "UPDATE stores SET next_order_number = next_order_number + 1 WHERE id = ?"
        " RETURNING next_order_number - 1",
        (store_id,),
    )
    (number,) = await cursor.fetchone() or (0,)
    shipping = 495
    tax = price - price * 10_000 // (10_000 + VAT["IE"])  # VAT included in the price
    address = {"name": name, "line1": "1 Main Street", "city": "Kilkenny", "country": "IE"}
    placed_day = datetime.fromtimestamp(placed_at / 1000, ZoneInfo(DEMO_DELIVERY.timezone)).date()
    arrives = [(placed_day + timedelta(days=days)).isoformat() for days in (1, 3)]
    public_id = new_public_id("ord", 12)
    email = name.split()[0].lower().encode("ascii", "ignore").decode() + "@example.com"
    cursor = await conn.execute(
        "INSERT INTO orders (public_id, store_id, number, status, email, shipping_name,"
        " shipping_address, shipping_method, delivery_from, delivery_to, currency,"
        " prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total,"
        " payment_method, card_brand, card_last4, created_at, updated_at)"
        " VALUES (?, ?, ?, 'fulfilled', ?, ?, ?, 'Standard', ?, ?, 'EUR', 1, ?, 0, ?, ?, ?,"
        " 'bank_transfer', NULL, NULL, ?, ?)",
        (
            public_id, store_id, number, email, name, json.dumps(address),
            *arrives,
            price, shipping, tax, price + shipping, placed_at, placed_at + DAY_MS,
        ),
    )  # fmt: skip
    order_id = cursor.lastrowid
    await conn.execute(
        "INSERT INTO order_items (order_id, product_id, sku, name, variant, unit_price, quantity,"
        " subtotal, discount, tax) VALUES (?, ?, ?, ?, ?, ?, 1, ?, 0, ?)",
        (order_id, product_id, sku, product_name, variant, price, price, tax),
    )
    await conn.executemany(
        "INSERT INTO order_events (order_id, kind, note, created_at) VALUES (?, ?, ?, ?)",
        [
            (order_id, "placed", "Placed with bank_transfer", placed_at),
            (order_id, "paid", "Bank transfer received", placed_at),
            (order_id, "fulfilled", "By the demo's seed", placed_at + DAY_MS),
        ],
    )
    return LineKey(store_id, public_id, product_id)


# What the demo shop's about page says (demo_store/templates/about.html), as its badges say
# it: the same returns, the same contact. Social proof is on with the default thresholds
# (nothing under 5 buyers in 48 hours; "only n left" at 5 or fewer). No visitor is held out,
# so whoever tries the demo sees the badges; a share set on the Trust page starts measuring.
DEMO_CONTACT_EMAIL = "hello@fernhillgoods.example"
DEMO_TRUST = TrustSettings(
    placements={  # each in the admin's order of kinds, as they are stored
        "product": ("payments", "free_shipping", "delivery", "returns"),
        "footer": ("secure", "payments", "returns", "support"),
        "drawer": ("free_shipping", "delivery", "returns"),
        "checkout": ("secure", "returns", "support"),
    },
    returns_days=30,
    money_back=True,
    returns_policy=(
        "Changed your mind? Send unused items back within 30 days of delivery for a full refund"
        " of the item price. Coffee is roasted to order, so we can only take it back if"
        " something is wrong with it. If anything arrives damaged, send us a photo and we will"
        " replace it straight away."
    ),
    support_hours="Mon–Fri, answered within a working day",
    social_proof=True,
    proof_min_buyers=5,
    proof_hours=48,
    proof_low_stock=5,
    # No holdout: whoever tries the demo sees its badges (a merchant sets a share to measure).
    badges_holdout=0,
)


# The demo's cart reminders come minutes apart, not hours, so a person trying the demo sees
# them arrive (in the admin's Messages page) while they try it.
DEMO_RECOVERY = RecoverySettings(
    steps=(Step(2), Step(5), Step(10, incentive=Incentive("percent", 10, 7)))
)


async def _recovery(conn: aiosqlite.Connection, store_id: int, now_ms: int) -> None:
    """The demo's recovery settings, once: what a merchant set stays."""
    async with conn.execute(
        "SELECT count(*) FROM recovery_settings WHERE store_id = ?", (store_id,)
    ) as cursor:
        row = await cursor.fetchone()
    if row is None or not row[0]:
        await save_recovery_settings(conn, store_id, DEMO_RECOVERY, now_ms)


async def _trust(conn: aiosqlite.Connection, store_id: int, now_ms: int) -> None:
    """The demo's trust settings and contact email, once: what a merchant set stays."""
    async with conn.execute(
        "SELECT count(*) FROM trust_settings WHERE store_id = ?", (store_id,)
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None  # count(*) always returns a row
    if row[0]:
        return
    settings = dataclasses.replace(DEMO_TRUST, badges_since=now_ms)  # measured from now
    await save_trust_settings(conn, store_id, settings, now_ms)
    await conn.execute(
        "UPDATE stores SET contact_email = ? WHERE id = ? AND contact_email = ''",
        (DEMO_CONTACT_EMAIL, store_id),
    )
