"""The badges' facts in the widget's config, the holdout's exposures, and social proof from
real orders and stock."""

import dataclasses
from datetime import UTC, datetime

import pytest

from server.catalog.queries import upsert_product
from server.catalog.service import ProductInput
from server.ratelimit import RateLimiter
from server.services import attach, services
from server.trust import queries
from server.trust.holdout import arm_for
from server.trust.model import TrustSettings
from tests.api.ordering import insert_order
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio
TEXT = {"Content-Type": "text/plain;charset=UTF-8", "Origin": SHOP_ORIGIN}
# Monday 7 December 2026, 11:46 in Dublin.
MONDAY_MORNING = int(datetime(2026, 12, 7, 11, 46, tzinfo=UTC).timestamp() * 1000)
HOUR = 3_600_000


async def save(app, store, **values):
    settings = TrustSettings(**values)
    await services(app).db.write(
        lambda conn: queries.save_trust_settings(conn, store.id, settings, MONDAY_MORNING)
    )


async def config(client, store):
    response = await client.get(f"/v1/stores/{store.public_key}/config")
    assert response.status_code == 200
    return response.json()


async def test_the_config_carries_only_the_facts_that_hold(app, client, shop):
    services(app).clock.set(MONDAY_MORNING)
    await save(app, shop)  # the defaults, not the demo's written policies
    body = await config(client, shop)
    assert body["features"]["badges"] is True
    trust = body["trust"]
    # The test server is plain HTTP, no policy or hours are written yet: no such badges, and
    # the checkout's placement (secure, returns) lists none, so it reserves no room.
    assert not {"secure", "returns", "support", "proof"} & set(trust)
    assert trust["placements"]["checkout"] == []
    assert trust["placements"]["product"] == ["delivery", "free_shipping", "payments"]
    assert [m["label"] for m in trust["payments"]] == [
        "Card (test mode)", "Bank transfer", "Cash on delivery",
    ]  # fmt: skip
    assert trust["zones"][0] == {"countries": ["IE"], "free_over": 6000, "free_over_words": "€60"}
    assert trust["zones"][2]["free_over"] is None
    assert trust["delivery"]["dispatch"]["date"] == "2026-12-07"
    assert trust["delivery"]["arrivals"][0]["arrives"] == "Arrives Tue 8 – Thu 10 Dec"


async def test_written_policies_become_badges(app, client, shop):
    await save(app, shop, returns_days=30, returns_policy="Send it back.", support_hours="9–5")
    await services(app).db.write(
        lambda conn: conn.execute(
            "UPDATE stores SET contact_email = 'help@shop.test' WHERE id = ?", (shop.id,)
        )
    )
    services(app).stores.invalidate()
    trust = (await config(client, shop))["trust"]
    assert trust["returns"] == {
        "days": 30, "words": "30-day returns", "money_back": False, "policy": "Send it back.",
    }  # fmt: skip
    assert trust["support"] == {
        "email": "help@shop.test", "phone": "", "hours": "9–5", "words": "Help 9–5",
    }  # fmt: skip


async def test_no_placement_means_no_badges(app, client, shop):
    await save(app, shop, placements={p: () for p in ("product", "footer", "drawer", "checkout")})
    body = await config(client, shop)
    assert body["features"]["badges"] is False
    assert "trust" not in body
    assert all(chunk["name"] != "badges" for chunk in body["chunks"])


async def test_an_exposure_records_the_servers_arm(app, client, store):
    await save(app, store, badges_holdout=50)
    visitors = [f"v_{n}" for n in range(40)]
    for visitor in visitors:
        body = {"store": store.public_key, "element": "badges", "visitor": visitor, "since": 0}
        body["arm"] = "shown"  # the browser's word: never taken
        response = await client.post("/v1/trust/exposures", json=body, headers=TEXT)
        assert response.status_code == 200
        assert response.json() == {"arm": arm_for("badges", visitor, 50)}
        assert response.headers["access-control-allow-origin"] == SHOP_ORIGIN
    rows = await services(app).db.fetch_all(
        "SELECT visitor_id, arm FROM trust_exposures WHERE store_id = ?", (store.id,)
    )
    assert {r["visitor_id"]: r["arm"] for r in rows} == {
        v: arm_for("badges", v, 50) for v in visitors
    }
    assert {r["arm"] for r in rows} == {"shown", "holdout"}


async def test_nothing_is_written_while_nothing_is_measured(app, client, store):
    await save(app, store, badges_holdout=0, social_proof=False, proof_holdout=30)
    for element in ("badges", "proof"):
        body = {"store": store.public_key, "element": element, "visitor": "v_1", "since": 0}
        answer = await client.post("/v1/trust/exposures", json=body, headers=TEXT)
        assert answer.json() == {"arm": "shown", "counted": False}
    assert await services(app).db.fetch_all("SELECT * FROM trust_exposures") == []


async def test_exposures_do_not_spend_the_shoppers_cart_and_checkout_limit(app, client, store):
    await save(app, store, badges_holdout=20)
    limiter = RateLimiter(2, 60, services(app).clock)
    attach(app, dataclasses.replace(services(app), api_limiter=limiter))
    body = {"store": store.public_key, "element": "badges", "visitor": "v_1", "since": 0}
    for _ in range(3):
        answer = await client.post("/v1/trust/exposures", json=body, headers=TEXT)
        assert answer.status_code == 200
    created = await client.post("/v1/carts", json={"store": store.public_key}, headers=TEXT)
    assert created.status_code == 201


async def test_the_first_exposure_stays_until_the_share_changes(app, client, store):
    await save(app, store, badges_holdout=10)
    body = {"store": store.public_key, "element": "badges", "visitor": "v_first", "since": 0}
    first = (await client.post("/v1/trust/exposures", json=body, headers=TEXT)).json()
    assert first == {"arm": arm_for("badges", "v_first", 10)}
    visitor_in_holdout = next(
        v for v in (f"v_{n}" for n in range(100)) if arm_for("badges", v, 50) == "holdout"
    )
    body["visitor"] = visitor_in_holdout
    await client.post("/v1/trust/exposures", json=body, headers=TEXT)
    # The share changes: the measurement restarts, and the visitor's new arm is kept.
    services(app).clock.set(MONDAY_MORNING + HOUR)
    await services(app).db.write(
        lambda conn: queries.save_trust_settings(
            conn, store.id, TrustSettings(badges_holdout=50, badges_since=MONDAY_MORNING), 0
        )
    )
    body["since"] = MONDAY_MORNING  # the config's, now
    answer = await client.post("/v1/trust/exposures", json=body, headers=TEXT)
    assert answer.json() == {"arm": "holdout"}


async def test_an_exposure_decided_under_an_older_share_is_not_counted(app, client, store):
    # A page whose config a browser kept (up to its max-age) from before the merchant changed
    # the share showed or hid the badges by the old share: it must not count in the new split.
    await save(app, store, badges_holdout=20, badges_since=MONDAY_MORNING)
    body = {"store": store.public_key, "element": "badges", "visitor": "v_1"}
    old = await client.post(
        "/v1/trust/exposures", json=body | {"since": MONDAY_MORNING - HOUR}, headers=TEXT
    )
    assert (old.status_code, old.json()) == (200, {"arm": "shown", "counted": False})
    assert await services(app).db.fetch_all("SELECT * FROM trust_exposures") == []
    current = await client.post(
        "/v1/trust/exposures", json=body | {"since": MONDAY_MORNING}, headers=TEXT
    )
    assert current.json() == {"arm": arm_for("badges", "v_1", 20)}
    assert len(await services(app).db.fetch_all("SELECT * FROM trust_exposures")) == 1


async def test_the_widget_hands_back_the_configs_since(app, client, store):
    await save(app, store, badges_holdout=20, badges_since=MONDAY_MORNING, social_proof=True,
               proof_holdout=10, proof_since=MONDAY_MORNING + HOUR)  # fmt: skip
    trust = (await config(client, store))["trust"]
    assert (trust["since"], trust["proof"]["since"]) == (MONDAY_MORNING, MONDAY_MORNING + HOUR)


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"element": "reviews"}, 400, "element"),
        ({"visitor": "bad id!"}, 400, "visitor"),
        ({"store": "pk_missing"}, 404, "store"),
        ({"since": None}, 400, "since"),
        ({"since": "0"}, 400, "since"),
        ({"since": -1}, 400, "since"),
        ({"since": True}, 400, "since"),
        ({"since": 2**53}, 400, "since"),
    ],
)
async def test_bad_exposures_are_refused(app, client, store, change, status, field):
    await save(app, store, badges_holdout=20)
    body = {"store": store.public_key, "element": "badges", "visitor": "v_1", "since": 0} | change
    response = await client.post("/v1/trust/exposures", json=body, headers=TEXT)
    assert response.status_code == status
    assert response.json()["error"]["field"] == field
    assert await services(app).db.fetch_all("SELECT * FROM trust_exposures") == []


async def test_another_sites_page_cannot_record_exposures(client, store):
    body = {"store": store.public_key, "element": "badges", "visitor": "v_1"}
    headers = TEXT | {"Origin": "https://evil.test"}
    response = await client.post("/v1/trust/exposures", json=body, headers=headers)
    assert response.status_code == 404


async def test_a_body_that_is_not_an_object_is_a_400(client):
    response = await client.post("/v1/trust/exposures", content=b"[1]", headers=TEXT)
    assert response.status_code == 400


async def proof(client, store, sku="MUG-1"):
    response = await client.get(f"/v1/stores/{store.public_key}/products/{sku}/proof")
    return response.status_code, response.json()


async def test_social_proof_says_nothing_while_off(app, client, store):
    for number in range(1, 8):
        await insert_order(app, store, number, created_at=MONDAY_MORNING - HOUR)
    services(app).clock.set(MONDAY_MORNING)
    nothing = {"bought": None, "hours": None, "left": None, "said": []}
    assert await proof(client, store) == (200, nothing)


async def test_social_proof_counts_recent_paid_orders_above_the_threshold(app, client, store):
    await save(app, store, social_proof=True, proof_min_buyers=3, proof_hours=48)
    services(app).clock.set(MONDAY_MORNING)

    async def order(number, hours_ago, status="paid", email=None, method="bank_transfer"):
        email = email or f"buyer{number}@example.test"
        created = MONDAY_MORNING - hours_ago * HOUR
        await insert_order(
            app, store, number, created_at=created, status=status, email=email,
            payment_method=method,
        )  # fmt: skip

    await order(1, 1)
    await order(2, 2)
    await order(3, 3, status="refunded")
    await order(4, 4, status="awaiting_payment")
    await order(5, 49)
    assert (await proof(client, store))[1]["bought"] is None  # 2 counted: under 3
    await order(6, 47, status="fulfilled")
    assert (await proof(client, store))[1] == {
        "bought": 3, "hours": 48, "left": None,
        "said": [{"kind": "bought", "words": "3 people bought this in the last 48 hours"}],
    }  # fmt: skip


async def test_social_proof_counts_people_not_orders_nor_rehearsals(app, client, store):
    await save(app, store, social_proof=True, proof_min_buyers=2)
    services(app).clock.set(MONDAY_MORNING)
    # One shopper's five orders are one person (whatever the case of their email) ...
    for number in range(1, 6):
        email = "Same@Example.test" if number % 2 else "same@example.test"
        await insert_order(
            app, store, number, created_at=MONDAY_MORNING - HOUR, email=email,
            payment_method="bank_transfer",
        )  # fmt: skip
    # ... and orders paid in the test card's test mode are the merchant rehearsing.
    for number in range(6, 11):
        await insert_order(
            app, store, number, created_at=MONDAY_MORNING - HOUR,
            email=f"tester{number}@example.test", payment_method="test_card",
        )  # fmt: skip
    assert (await proof(client, store))[1]["bought"] is None


async def test_only_real_low_stock_is_told(app, client, store):
    await save(app, store, social_proof=True, proof_low_stock=5)
    await insert_order(app, store, 1)  # creates the MUG-1 product (stock not tracked)
    assert (await proof(client, store))[1]["left"] is None

    async def stock(track, count, oversell=0):
        await services(app).db.write(
            lambda conn: conn.execute(
                "UPDATE products SET track_stock = ?, stock = ?, allow_oversell = ?"
                " WHERE store_id = ? AND sku = 'MUG-1'",
                (track, count, oversell, store.id),
            )
        )
        return (await proof(client, store))[1]["left"]

    assert await stock(1, 3) == 3
    assert await stock(1, 6) is None
    assert await stock(1, 0) is None  # sold out says so elsewhere, not "only 0 left"
    assert await stock(1, 3, oversell=1) is None  # sold beyond stock: no scarcity to claim


async def test_proof_for_an_unknown_product_or_store_is_a_404(client, store):
    assert (await proof(client, store, "NOPE"))[0] == 404
    response = await client.get("/v1/stores/pk_missing/products/MUG-1/proof")
    assert response.status_code == 404


async def test_social_proof_counts_the_buyers_of_every_variant_of_the_product(app, client, store):
    await save(app, store, social_proof=True, proof_min_buyers=3)
    services(app).clock.set(MONDAY_MORNING)
    for number in (1, 2):  # two people bought the blue mug (MUG-1)
        await insert_order(
            app, store, number, created_at=MONDAY_MORNING - HOUR, payment_method="bank_transfer",
            email=f"blue{number}@example.test",
        )  # fmt: skip
    # A third bought the green one: another SKU of the same product (its product group) ...
    green = await insert_order(
        app, store, 3, created_at=MONDAY_MORNING - HOUR, payment_method="bank_transfer",
        email="green@example.test",
    )  # fmt: skip
    # ... and a fourth a plate, another product altogether.
    plate = await insert_order(
        app, store, 4, created_at=MONDAY_MORNING - HOUR, payment_method="bank_transfer",
        email="plate@example.test",
    )  # fmt: skip

    async def sold(order_id, sku, group):
        async def write(conn):
            product = await upsert_product(
                conn, store.id, ProductInput(sku, "Thing", 1800, product_group=group), 0
            )
            await conn.execute(
                "UPDATE order_items SET product_id = ?, sku = ? WHERE order_id = ?",
                (product, sku, order_id),
            )

        await services(app).db.write(write)

    await sold(green, "MUG-1-GREEN", "MUG-1")
    await sold(plate, "PLATE-1", "PLATE-1")
    await services(app).db.write(  # the blue mug is the product's first variant
        lambda conn: conn.execute("UPDATE products SET product_group = 'MUG-1' WHERE sku = 'MUG-1'")
    )
    for sku in ("MUG-1", "MUG-1-GREEN"):  # whichever variant the page mounts
        answer = (await proof(client, store, sku))[1]
        assert answer["bought"] == 3, sku
        assert answer["said"] == [
            {"kind": "bought", "words": "3 people bought this in the last 48 hours"}
        ]
    assert (await proof(client, store, "PLATE-1"))[1]["bought"] is None
    # Products without a group (none is saved so) are not one product.
    ungrouped = "UPDATE products SET product_group = ''"
    await services(app).db.write(lambda conn: conn.execute(ungrouped))
    assert (await proof(client, store, "MUG-1"))[1]["bought"] is None  # 2 of its own: under 3


async def test_low_stock_is_said_after_what_was_bought(app, client, store):
    await save(app, store, social_proof=True, proof_min_buyers=2, proof_hours=1)
    services(app).clock.set(MONDAY_MORNING)
    for number in (1, 2):
        await insert_order(
            app, store, number, created_at=MONDAY_MORNING - HOUR // 2,
            payment_method="bank_transfer", email=f"buyer{number}@example.test",
        )  # fmt: skip
    await services(app).db.write(
        lambda conn: conn.execute(
            "UPDATE products SET track_stock = 1, stock = 2 WHERE store_id = ? AND sku = 'MUG-1'",
            (store.id,),
        )
    )
    assert (await proof(client, store))[1]["said"] == [
        {"kind": "bought", "words": "2 people bought this in the last hour"},
        {"kind": "left", "words": "Only 2 left"},
    ]
