from dataclasses import replace

import pytest

from server.clock import now_ms
from server.services import attach, services
from tests.api.shopping import HEADERS, new_cart
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio


async def test_a_cart_is_created_with_a_signed_token(client, shop):
    response = await client.post("/v1/carts", json={"store": shop.public_key}, headers=HEADERS)
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == SHOP_ORIGIN
    body = response.json()
    assert body["cart"]["items"] == [] and body["cart"]["item_count"] == 0
    assert body["cart"]["id"].startswith("cart_")
    assert body["token"] != body["cart"]["id"]  # the token is signed, not the bare id


async def test_items_are_priced_from_the_catalog(client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=2, FH_APR_M=1)
    cart = (await client.get(f"/v1/carts/{token}", headers=HEADERS)).json()
    lines = {item["sku"]: item for item in cart["items"]}
    assert lines["FH-MUG-01"]["unit_price"] == 2400 and lines["FH-MUG-01"]["subtotal"] == 4800
    assert lines["FH-APR-M"]["variant"] == "Size: Medium"
    assert cart["subtotal"] == 4800 + 4800
    assert cart["item_count"] == 3


async def test_adding_again_increments_and_set_and_remove_work(client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    url = f"/v1/carts/{token}/items"
    again = await client.post(url, json={"sku": "FH-MUG-01", "quantity": 2}, headers=HEADERS)
    assert again.json()["items"][0]["quantity"] == 3
    set_to = await client.put(f"{url}/FH-MUG-01", json={"quantity": 5}, headers=HEADERS)
    assert set_to.json()["items"][0]["quantity"] == 5
    zero = await client.put(f"{url}/FH-MUG-01", json={"quantity": 0}, headers=HEADERS)
    assert zero.json()["items"] == []
    await client.post(url, json={"sku": "FH-MUG-01", "quantity": 1}, headers=HEADERS)
    removed = await client.delete(f"{url}/FH-MUG-01", headers=HEADERS)
    assert removed.json()["items"] == []


@pytest.mark.parametrize("quantity", [0, -1, 1000, 10**12, 1.5, "2", None, True])
async def test_bad_quantities_are_refused(client, shop, quantity):
    token = await new_cart(client, shop.public_key)
    response = await client.post(
        f"/v1/carts/{token}/items", json={"sku": "FH-MUG-01", "quantity": quantity},
        headers=HEADERS,
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "quantity"


async def test_unknown_and_foreign_skus_are_404(app, client, shop):
    from server.accounts import create_store
    from server.catalog.queries import upsert_product
    from server.catalog.service import ProductInput
    from server.stores.service import validate_new_store

    other = await create_store(
        services(app).db, validate_new_store("Other", ["https://o.test"], "EUR"), now=now_ms()
    )
    await services(app).db.write(
        lambda conn: upsert_product(conn, other.id, ProductInput("OTHER-1", "Other", 100), 0)
    )
    token = await new_cart(client, shop.public_key)
    for sku in ("NOPE", "OTHER-1"):
        response = await client.post(
            f"/v1/carts/{token}/items", json={"sku": sku, "quantity": 1}, headers=HEADERS
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "unknown_sku"


async def test_stock_limits_what_can_be_added(client, shop):
    token = await new_cart(client, shop.public_key, FH_THR_01=3)  # the last three throws
    more = await client.post(
        f"/v1/carts/{token}/items", json={"sku": "FH-THR-01", "quantity": 1}, headers=HEADERS
    )
    assert more.status_code == 409
    assert more.json()["error"] == {
        "code": "out_of_stock",
        "message": "Lambswool Throw (only 3 left) — we can't add that many.",
        "field": "items.FH-THR-01",
    }


@pytest.mark.parametrize("token", ["forged", "cart_abc.def.ghi"])
async def test_forged_tokens_are_refused(client, shop, token):
    response = await client.get(f"/v1/carts/{token}", headers=HEADERS)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cart"


async def test_a_token_signed_for_another_purpose_is_refused(app, client, shop):
    from server.security import Purpose

    token = await new_cart(client, shop.public_key)
    public_id = services(app).signer.unsign(Purpose.CART, token)
    coupon_token = services(app).signer.sign(Purpose.COUPON, public_id)
    response = await client.get(f"/v1/carts/{coupon_token}", headers=HEADERS)
    assert response.json()["error"]["code"] == "invalid_cart"


async def test_discount_codes_apply_and_explain_refusals(client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    url = f"/v1/carts/{token}/discount"
    expired = await client.put(url, json={"code": "summer24"}, headers=HEADERS)
    assert expired.status_code == 422
    assert expired.json()["error"] == {
        "code": "discount_expired", "message": "That code has expired.", "field": "code"
    }  # fmt: skip
    too_small = await client.put(url, json={"code": "TAKE5"}, headers=HEADERS)
    assert too_small.json()["error"]["code"] == "discount_min_subtotal"
    assert "€40.00" in too_small.json()["error"]["message"]
    unknown = await client.put(url, json={"code": "NOPE"}, headers=HEADERS)
    assert unknown.json()["error"]["code"] == "discount_invalid"
    applied = await client.put(url, json={"code": " welcome10 "}, headers=HEADERS)
    assert applied.status_code == 200
    assert applied.json()["discount"] == {
        "code": "WELCOME10", "kind": "percent", "amount": 240, "label": "10% off",
        "expires_at": None, "gift_sku": None, "once_per_customer": True,
    }  # fmt: skip
    removed = await client.delete(url, headers=HEADERS)
    assert removed.json()["discount"] is None


async def test_a_code_that_stops_applying_stays_named_on_the_cart_with_the_reason(client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=2)
    await client.put(f"/v1/carts/{token}/discount", json={"code": "TAKE5"}, headers=HEADERS)
    cart = (await client.get(f"/v1/carts/{token}", headers=HEADERS)).json()
    assert (cart["discount_code"], cart["discount"]["amount"]) == ("TAKE5", 500)
    one = {"quantity": 1}
    cart = (
        await client.put(f"/v1/carts/{token}/items/FH-MUG-01", json=one, headers=HEADERS)
    ).json()
    assert (cart["discount_code"], cart["discount"]) == ("TAKE5", None)
    assert cart["discount_error"]["code"] == "discount_min_subtotal"
    removed = await client.delete(f"/v1/carts/{token}/discount", headers=HEADERS)
    assert (removed.json()["discount_code"], removed.json()["discount_error"]) == (None, None)


async def test_free_shipping_progress_uses_the_discounted_subtotal(client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=2)
    cart = (await client.get(f"/v1/carts/{token}", headers=HEADERS)).json()
    assert cart["free_shipping"]["remaining"] == 1200
    await client.put(f"/v1/carts/{token}/discount", json={"code": "WELCOME10"}, headers=HEADERS)
    cart = (await client.get(f"/v1/carts/{token}", headers=HEADERS)).json()
    assert cart["free_shipping"]["remaining"] == 1200 + 480


async def test_free_shipping_is_the_stores_main_zones_until_the_shopper_says_where(client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=2)
    cart = (await client.get(f"/v1/carts/{token}", headers=HEADERS)).json()
    # The store's own country's zone, as the merchant named it, for nobody in particular.
    assert cart["free_shipping"] == {
        "threshold": 6000, "remaining": 1200, "zone": "Ireland", "destination": None
    }  # fmt: skip
    germany = (await client.get(f"/v1/carts/{token}?country=DE", headers=HEADERS)).json()
    assert germany["free_shipping"] == {
        "threshold": 6000, "remaining": 1200, "zone": "EU", "destination": "Germany"
    }  # fmt: skip
    # The rest of the world has no free shipping: nothing to say (not Ireland's offer).
    america = (await client.get(f"/v1/carts/{token}?country=US", headers=HEADERS)).json()
    assert america["free_shipping"] is None
    # A code no zone knows tells nothing: the store's own offer again.
    unknown = (await client.get(f"/v1/carts/{token}?country=ZZ", headers=HEADERS)).json()
    assert unknown["free_shipping"]["destination"] is None
    assert unknown["free_shipping"]["zone"] == "Ireland"


async def test_every_cart_answer_speaks_of_the_shoppers_country(client, shop):
    created = await client.post(
        "/v1/carts?country=DE", json={"store": shop.public_key}, headers=HEADERS
    )
    assert created.status_code == 201
    token = created.json()["token"]
    added = await client.post(
        f"/v1/carts/{token}/items?country=FR", json={"sku": "FH-MUG-01", "quantity": 3},
        headers=HEADERS,
    )  # fmt: skip
    assert added.json()["free_shipping"] == {
        "threshold": 6000, "remaining": 0, "zone": "EU", "destination": "France"
    }  # fmt: skip
    quoted = await client.post(
        f"/v1/carts/{token}/quote?country=FR", json={"address": {"country": "FR"}},
        headers=HEADERS,
    )  # fmt: skip
    assert quoted.json()["cart"]["free_shipping"]["destination"] == "France"


@pytest.mark.parametrize("country", ["de", "DEU", "", "D1", "ÄB"])
async def test_a_malformed_country_is_refused_before_anything_changes(client, shop, country):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    added = await client.post(
        f"/v1/carts/{token}/items", params={"country": country},
        json={"sku": "FH-MUG-01", "quantity": 1}, headers=HEADERS,
    )  # fmt: skip
    assert added.status_code == 400
    assert added.json()["error"]["field"] == "country"
    cart = (await client.get(f"/v1/carts/{token}", headers=HEADERS)).json()
    assert cart["item_count"] == 1


async def test_quote_shows_options_and_full_totals_before_paying(client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=2)
    response = await client.post(
        f"/v1/carts/{token}/quote", json={"address": {"country": "DE"}}, headers=HEADERS
    )
    quote = response.json()
    assert [(o["name"], o["price"]) for o in quote["shipping_options"]] == [
        ("Standard", 795), ("Express", 1695)
    ]  # fmt: skip
    assert quote["shipping_method"] == quote["shipping_options"][0]["id"]
    totals = quote["totals"]
    # 4800 merchandise + 795 shipping, German VAT 19% included: 766 + 127.
    assert totals == {
        "subtotal": 4800, "discount": 0, "shipping": 795, "tax": 766 + 127, "total": 5595,
        "prices_include_tax": True, "tax_label": "VAT",
    }  # fmt: skip
    # A method from another country's options falls back to this country's default.
    ireland = await client.post(
        f"/v1/carts/{token}/quote",
        json={"address": {"country": "IE"}, "shipping_method": quote["shipping_method"]},
        headers=HEADERS,
    )
    assert ireland.status_code == 200
    options = ireland.json()["shipping_options"]
    assert ireland.json()["shipping_method"] == options[0]["id"] != quote["shipping_method"]
    assert options[0]["price"] == 495


async def test_quote_for_a_country_not_shipped_to(client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    quote = await client.post(
        f"/v1/carts/{token}/quote", json={"address": {"country": "BR"}}, headers=HEADERS
    )
    assert quote.json()["ships_to_country"] is False
    assert quote.json()["shipping_options"] == []


async def test_checkout_setup_lists_countries_fields_and_payment_methods(client, shop):
    response = await client.get(f"/v1/stores/{shop.public_key}/checkout", headers=HEADERS)
    setup = response.json()
    codes = [c["code"] for c in setup["countries"]]
    assert "IE" in codes and "US" in codes and "BR" not in codes
    us = next(c for c in setup["countries"] if c["code"] == "US")
    assert us["region"]["required"] is True and ["CA", "California"] in us["region"]["options"]
    assert us["postal"]["pattern"] == r"^\d{5}(-\d{4})?$"
    assert [m["id"] for m in setup["payment_methods"]] == [
        "test_card", "bank_transfer", "cash_on_delivery"
    ]  # fmt: skip
    assert setup["payment_methods"][0]["test_mode"] is True
    assert "IBAN" in setup["payment_methods"][1]["instructions"]
    assert setup["phone"] == "optional" and setup["default_country"] == "IE"


async def test_cart_requests_are_rate_limited_per_client(app, client, shop):
    from server.ratelimit import RateLimiter

    attach(app, replace(services(app), api_limiter=RateLimiter(3, 60, services(app).clock)))
    token = await new_cart(client, shop.public_key)  # one request
    for _ in range(2):
        assert (await client.get(f"/v1/carts/{token}", headers=HEADERS)).status_code == 200
    limited = await client.get(f"/v1/carts/{token}", headers=HEADERS)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "20"
    assert limited.headers["access-control-allow-origin"] == SHOP_ORIGIN


async def test_concurrent_shoppers_always_see_their_new_carts(app, client, shop):
    # Reads share one connection: each must see every write committed before it began.
    import asyncio

    async def create_and_read():
        response = await client.post("/v1/carts", json={"store": shop.public_key}, headers=HEADERS)
        assert response.status_code == 201, response.text
        token = response.json()["token"]
        cart = await client.get(f"/v1/carts/{token}", headers=HEADERS)
        return cart.status_code

    statuses = await asyncio.gather(*(create_and_read() for _ in range(100)))
    assert set(statuses) == {200}
