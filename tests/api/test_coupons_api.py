"""Coupons claimed from offers: redeemed in their own cart only, once, before they expire."""

import asyncio

import pytest

from server.accounts import create_store
from server.clock import now_ms
from server.offers.model import Offer
from server.offers.service import CouponClaim, coupon_token
from server.services import services
from server.stores.service import validate_new_store
from tests.api.offering import exposed_claim, live_campaign
from tests.api.shopping import HEADERS, new_cart, order_body, place

pytestmark = pytest.mark.anyio

MINUTE = 60_000
CONSENT = "Email me a link to my cart. I can unsubscribe at any time."


async def rows(app, sql, *params):
    return await services(app).db.fetch_all(sql, params)


async def claimed(app, client, shop, offer=None, **items):
    """A visitor claims ``offer`` into a cart holding ``items``: (visitor, claim body)."""
    campaign = await live_campaign(app, shop.id, offer or Offer("percent", 10))
    token = await new_cart(client, shop.public_key, **items)
    visitor, response = await exposed_claim(client, campaign, cart=token)
    assert response.status_code == 201, response.text
    return visitor, response.json()


async def put_discount(client, cart_token, body):
    return await client.put(f"/v1/carts/{cart_token}/discount", json=body, headers=HEADERS)


async def test_the_claimed_coupon_is_charged_at_checkout(app, client, shop):
    visitor, body = await claimed(app, client, shop, FH_MUG_01=1)
    response = await place(client, order_body(body["cart_token"], visitor=visitor))
    assert response.status_code == 201, response.text
    order = response.json()["order"]
    assert order["discount_code"] == body["coupon"]["code"]
    assert order["totals"]["discount"] == 240
    [stored] = await rows(app, "SELECT visitor_id, discount_total FROM orders")
    assert tuple(stored) == (visitor, 240)
    [coupon] = await rows(app, "SELECT times_used FROM discounts WHERE visitor_id = ?", visitor)
    assert coupon["times_used"] == 1


async def test_the_signed_token_applies_the_coupon_again(app, client, shop):
    visitor, body = await claimed(app, client, shop, FH_MUG_01=1)
    cart = body["cart_token"]
    assert (await client.delete(f"/v1/carts/{cart}/discount", headers=HEADERS)).status_code == 200
    again = await put_discount(
        client, cart, {"coupon": body["coupon"]["token"], "visitor": visitor}
    )
    assert again.status_code == 200, again.text
    assert again.json()["discount"]["code"] == body["coupon"]["code"]
    assert again.json()["discount"]["expires_at"] == body["coupon"]["expires_at"]


@pytest.mark.parametrize("token", ["forged", "", None, 42])
async def test_a_forged_coupon_token_is_refused(app, client, shop, token):
    _, body = await claimed(app, client, shop, FH_MUG_01=1)
    response = await put_discount(client, body["cart_token"], {"coupon": token})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "coupon_invalid", "message": "That coupon isn't valid.", "field": "coupon"
    }  # fmt: skip


async def test_a_token_signed_for_another_purpose_is_refused(app, client, shop):
    _, body = await claimed(app, client, shop, FH_MUG_01=1)
    # A cart token is validly signed, but under the cart salt, not the coupon one.
    response = await put_discount(client, body["cart_token"], {"coupon": body["cart_token"]})
    assert response.status_code == 400 and response.json()["error"]["code"] == "coupon_invalid"


async def test_another_visitors_coupon_is_foreign(app, client, shop):
    _, body = await claimed(app, client, shop, FH_MUG_01=1)
    mine = await new_cart(client, shop.public_key, FH_MUG_01=1)
    by_token = await put_discount(client, mine, {"coupon": body["coupon"]["token"]})
    by_code = await put_discount(client, mine, {"code": body["coupon"]["code"].lower()})
    as_someone_else = await put_discount(
        client, body["cart_token"], {"coupon": body["coupon"]["token"], "visitor": "v-other"}
    )
    for response in (by_token, by_code, as_someone_else):
        assert response.status_code == 422
        assert response.json()["error"] == {
            "code": "discount_foreign",
            "message": "That code belongs to another shopper.",
            "field": "code",
        }
    assert (await client.get(f"/v1/carts/{mine}", headers=HEADERS)).json()["discount"] is None


async def test_another_stores_coupon_is_foreign(app, client, shop):
    visitor, body = await claimed(app, client, shop, FH_MUG_01=1)
    [row] = await rows(app, "SELECT id FROM discounts WHERE visitor_id = ?", visitor)
    other = await create_store(
        services(app).db, validate_new_store("Other", ["http://other.test"], "EUR"), now=now_ms()
    )
    token = coupon_token(services(app).signer, CouponClaim(other.id, row["id"], visitor))
    response = await put_discount(client, body["cart_token"], {"coupon": token})
    assert response.status_code == 422 and response.json()["error"]["code"] == "discount_foreign"


async def test_an_expired_coupon_is_refused_at_checkout(app, client, shop):
    offer = Offer("percent", 10, expires_minutes=30)
    visitor, body = await claimed(app, client, shop, offer, FH_MUG_01=1)
    cart = body["cart_token"]
    start = now_ms()
    services(app).clock.set(start + 29 * MINUTE)
    assert (await client.get(f"/v1/carts/{cart}", headers=HEADERS)).json()["discount_error"] is None
    services(app).clock.set(start + 30 * MINUTE + 1)
    view = (await client.get(f"/v1/carts/{cart}", headers=HEADERS)).json()
    assert view["discount"] is None and view["discount_error"]["code"] == "discount_expired"
    response = await place(client, order_body(cart, visitor=visitor))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "discount_expired"
    assert await rows(app, "SELECT * FROM orders") == []
    token = await put_discount(client, cart, {"coupon": body["coupon"]["token"]})
    assert token.json()["error"]["code"] == "discount_expired"


async def test_a_used_coupon_is_refused(app, client, shop):
    visitor, body = await claimed(app, client, shop, FH_MUG_01=1)
    assert (await place(client, order_body(body["cart_token"]))).status_code == 201
    # Freed from its cart and campaign (a plain code now), it still counts its single use.
    await services(app).db.write(
        lambda conn: conn.execute("UPDATE discounts SET cart_id = NULL, campaign_id = NULL"
                                  " WHERE visitor_id = ?",
                                  (visitor,))
    )  # fmt: skip
    other = await new_cart(client, shop.public_key, FH_MUG_01=1)
    response = await put_discount(client, other, {"code": body["coupon"]["code"]})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "discount_used_up"


async def test_fifty_simultaneous_checkouts_of_the_coupons_cart_place_one_order(app, client, shop):
    _, body = await claimed(app, client, shop, FH_MUG_01=1)
    responses = await asyncio.gather(
        *(place(client, order_body(body["cart_token"])) for _ in range(50))
    )
    placed = [r for r in responses if r.status_code == 201]
    assert len(placed) == 1 and placed[0].json()["order"]["totals"]["discount"] == 240
    assert {r.status_code for r in responses if r.status_code != 201} <= {409}
    assert len(await rows(app, "SELECT * FROM discount_redemptions")) == 1


async def test_a_coupon_redeems_once_under_fifty_simultaneous_checkouts(app, client, shop):
    """Even as a plain code (cart binding lifted), the order transaction lets one order use it."""
    visitor, body = await claimed(app, client, shop, FH_MUG_01=1)
    code = body["coupon"]["code"]
    await services(app).db.write(
        lambda conn: conn.execute("UPDATE discounts SET cart_id = NULL, campaign_id = NULL"
                                  " WHERE visitor_id = ?",
                                  (visitor,))
    )  # fmt: skip
    tokens = [body["cart_token"]]
    for _ in range(49):
        token = await new_cart(client, shop.public_key, FH_MUG_01=1)
        assert (await put_discount(client, token, {"code": code})).status_code == 200
        tokens.append(token)
    responses = await asyncio.gather(
        *(place(client, order_body(t, email=f"p{i}@x.test")) for i, t in enumerate(tokens))
    )
    placed = [r for r in responses if r.status_code == 201]
    assert len(placed) == 1 and placed[0].json()["order"]["totals"]["discount"] == 240
    refused = [r.json()["error"]["code"] for r in responses if r.status_code != 201]
    assert refused == ["discount_used_up"] * 49
    [coupon] = await rows(app, "SELECT times_used FROM discounts WHERE code = ?", code)
    assert coupon["times_used"] == 1
    assert len(await rows(app, "SELECT * FROM orders WHERE discount_code = ?", code)) == 1


# --- free gift ------------------------------------------------------------------------------


async def test_a_free_gift_is_added_at_zero_price(app, client, shop):
    offer = Offer("free_gift", 0, gift_sku="FH-MUG-01")
    visitor, body = await claimed(app, client, shop, offer, FH_POUR_01=1)
    cart = body["cart"]
    assert [(i["sku"], i["quantity"]) for i in cart["items"]] == [
        ("FH-POUR-01", 1), ("FH-MUG-01", 1)
    ]  # fmt: skip
    assert cart["subtotal"] == 3200 + 2400
    assert cart["discount"]["amount"] == 2400 and cart["discount"]["gift_sku"] == "FH-MUG-01"
    assert cart["discount"]["label"] == "Free gift: Stoneware Mug"
    assert body["coupon"]["label"] == "Free gift: Stoneware Mug"
    order = (await place(client, order_body(body["cart_token"], visitor=visitor))).json()["order"]
    assert order["totals"]["subtotal"] == 5600 and order["totals"]["discount"] == 2400
    items = await rows(app, "SELECT sku, discount FROM order_items ORDER BY rowid")
    assert [tuple(i) for i in items] == [("FH-POUR-01", 0), ("FH-MUG-01", 2400)]


async def test_a_free_gift_is_one_unit_and_only_while_in_the_cart(app, client, shop):
    offer = Offer("free_gift", 0, gift_sku="FH-MUG-01")
    _, body = await claimed(app, client, shop, offer, FH_POUR_01=1)
    url = f"/v1/carts/{body['cart_token']}/items/FH-MUG-01"
    two = await client.put(url, json={"quantity": 2}, headers=HEADERS)
    assert two.json()["discount"]["amount"] == 2400
    removed = await client.delete(url, headers=HEADERS)
    assert removed.json()["discount"]["amount"] == 0


async def test_a_gifts_minimum_subtotal_does_not_count_the_gift(app, client, shop):
    offer = Offer("free_gift", 0, gift_sku="FH-MUG-01", min_subtotal=3000)
    _, body = await claimed(app, client, shop, offer, FH_CNDL_01=2)  # 36.00, plus the mug
    assert body["cart"]["subtotal"] == 3600 + 2400
    assert body["cart"]["discount"]["amount"] == 2400


async def test_a_gift_below_its_minimum_is_refused_and_nothing_is_written(app, client, shop):
    offer = Offer("free_gift", 0, gift_sku="FH-MUG-01", min_subtotal=3000)
    campaign = await live_campaign(app, shop.id, offer)
    token = await new_cart(client, shop.public_key, FH_CNDL_01=1)  # 18.00
    _, response = await exposed_claim(client, campaign, cart=token)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "discount_min_subtotal" and "€30.00" in error["message"]
    assert await rows(app, "SELECT * FROM discounts WHERE campaign_id IS NOT NULL") == []
    cart = (await client.get(f"/v1/carts/{token}", headers=HEADERS)).json()
    assert [i["sku"] for i in cart["items"]] == ["FH-CNDL-01"] and cart["discount"] is None


async def gift_cart(app, client, shop):
    """A visitor's cart holding a pour-over and the free mug their coupon added."""
    offer = Offer("free_gift", 0, gift_sku="FH-MUG-01", expires_minutes=30)
    visitor, body = await claimed(app, client, shop, offer, FH_POUR_01=1)
    return visitor, body["cart_token"]


def skus(cart):
    return [(i["sku"], i["quantity"]) for i in cart["items"]]


async def test_removing_a_gift_coupon_takes_its_gift_out(app, client, shop):
    visitor, token = await gift_cart(app, client, shop)
    removed = await client.delete(f"/v1/carts/{token}/discount", headers=HEADERS)
    assert skus(removed.json()) == [("FH-POUR-01", 1)]
    order = (await place(client, order_body(token, visitor=visitor))).json()["order"]
    assert order["totals"]["subtotal"] == 3200


async def test_replacing_a_gift_coupon_takes_its_gift_out(app, client, shop):
    _, token = await gift_cart(app, client, shop)
    replaced = await put_discount(client, token, {"code": "WELCOME10"})
    assert replaced.status_code == 200, replaced.text
    assert skus(replaced.json()) == [("FH-POUR-01", 1)]
    assert replaced.json()["discount"]["code"] == "WELCOME10"


async def test_a_gift_the_shopper_added_more_of_keeps_their_units(app, client, shop):
    _, token = await gift_cart(app, client, shop)
    url = f"/v1/carts/{token}/items/FH-MUG-01"
    assert (await client.put(url, json={"quantity": 3}, headers=HEADERS)).status_code == 200
    removed = await client.delete(f"/v1/carts/{token}/discount", headers=HEADERS)
    assert skus(removed.json()) == [("FH-POUR-01", 1), ("FH-MUG-01", 2)]


async def test_an_expired_gift_coupons_gift_leaves_the_cart_and_is_never_charged(app, client, shop):
    visitor, token = await gift_cart(app, client, shop)
    start = now_ms()
    services(app).clock.set(start + 31 * MINUTE)
    cart = (await client.get(f"/v1/carts/{token}", headers=HEADERS)).json()
    assert skus(cart) == [("FH-POUR-01", 1)] and cart["subtotal"] == 3200
    assert cart["discount_error"]["code"] == "gift_removed"
    assert "expired" in cart["discount_error"]["message"]
    assert "free gift" in cart["discount_error"]["message"]
    refused = await place(client, order_body(token, visitor=visitor))
    assert refused.status_code == 422  # the expired code is still on the cart
    await client.delete(f"/v1/carts/{token}/discount", headers=HEADERS)
    order = (await place(client, order_body(token, visitor=visitor))).json()["order"]
    assert order["totals"]["subtotal"] == 3200 and len(order["items"]) == 1


async def test_checkout_refuses_a_gift_whose_coupon_is_gone(app, client, shop):
    visitor, token = await gift_cart(app, client, shop)
    await services(app).db.write(
        lambda conn: conn.execute("UPDATE carts SET discount_code = NULL")
    )  # as if the code had left the cart some other way
    refused = await place(client, order_body(token, visitor=visitor))
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "gift_not_free"
    assert await rows(app, "SELECT * FROM orders") == []


async def test_an_offer_coupon_whose_cart_was_deleted_is_refused_everywhere(app, client, shop):
    _, body = await claimed(app, client, shop, FH_MUG_01=1)
    await services(app).db.write(
        lambda conn: conn.execute("DELETE FROM carts WHERE public_id = ?", (body["cart"]["id"],))
    )
    other = await new_cart(client, shop.public_key, FH_MUG_01=1)
    response = await put_discount(client, other, {"code": body["coupon"]["code"]})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "discount_foreign"


async def test_a_gift_already_in_the_cart_is_not_added_twice(app, client, shop):
    offer = Offer("free_gift", 0, gift_sku="FH-MUG-01")
    _, body = await claimed(app, client, shop, offer, FH_MUG_01=1)
    assert [(i["sku"], i["quantity"]) for i in body["cart"]["items"]] == [("FH-MUG-01", 1)]
    assert body["cart"]["discount"]["amount"] == 2400


async def test_a_sold_out_gift_fails_the_claim_and_writes_nothing(app, client, shop):
    await services(app).db.write(
        lambda conn: conn.execute(
            "UPDATE products SET track_stock = 1, stock = 0 WHERE sku = 'FH-MUG-01'"
        )
    )
    campaign = await live_campaign(app, shop.id, Offer("free_gift", 0, gift_sku="FH-MUG-01"))
    _, response = await exposed_claim(client, campaign)
    assert response.status_code == 409 and response.json()["error"]["code"] == "out_of_stock"
    assert await rows(app, "SELECT * FROM discounts WHERE campaign_id IS NOT NULL") == []
    assert await rows(app, "SELECT * FROM carts") == []


# --- email me my cart -----------------------------------------------------------------------


async def test_email_my_cart_stores_the_exact_consent_wording(app, client, shop):
    offer = Offer("none", 0, email_cart=True, consent_text=CONSENT)
    campaign = await live_campaign(app, shop.id, offer)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    _, response = await exposed_claim(
        client, campaign, cart=token, email=" Aoife@Example.com ", consent=True
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["coupon"] is None and body["email_saved"] is True
    assert body["cart_token"] == token
    [consent] = await rows(app, "SELECT email, wording, campaign_id FROM email_consents")
    assert tuple(consent) == ("aoife@example.com", CONSENT, campaign.id)


@pytest.mark.parametrize("consent", [False, None, "yes", 1])
async def test_email_my_cart_without_consent_is_422(app, client, shop, consent):
    campaign = await live_campaign(app, shop.id, Offer("none", 0, email_cart=True))
    extra = {} if consent is None else {"consent": consent}
    _, response = await exposed_claim(client, campaign, email="a@example.com", **extra)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "consent"
    assert await rows(app, "SELECT * FROM email_consents") == []
    assert await rows(app, "SELECT * FROM carts") == []


async def test_email_my_cart_refuses_a_bad_email(app, client, shop):
    campaign = await live_campaign(app, shop.id, Offer("none", 0, email_cart=True))
    _, response = await exposed_claim(client, campaign, email="not-an-email", consent=True)
    assert response.status_code == 400 and response.json()["error"]["field"] == "email"


# --- the order's visitor --------------------------------------------------------------------


async def test_checkout_refuses_a_malformed_visitor(app, client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    response = await place(client, order_body(token, visitor="no spaces allowed"))
    assert response.status_code == 400 and response.json()["error"]["field"] == "visitor"
    assert await rows(app, "SELECT * FROM orders") == []


async def test_a_retry_with_a_new_visitor_id_replays_the_order(app, client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    first = await place(client, order_body(token, visitor="s:session-1"), key="retry-key-01")
    again = await place(client, order_body(token, visitor="v-consented"), key="retry-key-01")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    [order] = await rows(app, "SELECT visitor_id FROM orders")
    assert order["visitor_id"] == "s:session-1"
