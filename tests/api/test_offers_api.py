"""The offers runtime API: config, a visitor's arm, exposures and claims."""

import dataclasses
import re

import pytest

from server.clock import now_ms
from server.offers.model import Offer, Targeting
from server.offers.queries import save_campaign, set_status
from server.services import services
from server.settings import Settings
from tests.api.offering import claim, expose, exposed_claim, live_campaign, visitor_in
from tests.api.shopping import HEADERS, new_cart
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio

MINUTE = 60_000


async def rows(app, sql, *params):
    return await services(app).db.fetch_all(sql, params)


# --- config ---------------------------------------------------------------------------------


async def test_config_lists_running_campaigns_with_page_patterns(app, client, store):
    targeting = Targeting(
        include_urls=("*/products/*",), exclude_urls=("http://shop.test/checkout*",)
    )
    running = await live_campaign(app, store.id, targeting=targeting, holdout_percent=10)
    await live_campaign(app, store.id, status="draft")
    await live_campaign(app, store.id, ends_at=now_ms() - 1)
    body = (await client.get(f"/v1/stores/{store.public_key}/config")).json()
    assert body["features"]["offers"] is True
    assert body["offers"]["interruptions_per_week"] == 2
    [listed] = body["offers"]["campaigns"]
    assert listed["id"] == running.public_id and listed["holdout_percent"] == 10
    assert listed["trigger"]["kind"] == "exit_intent"
    assert listed["targeting"]["include_urls"] == ["*/products/*"]
    assert "variants" not in listed and "headline" not in str(listed)
    include = re.compile(listed["pages"]["include"])
    exclude = re.compile(listed["pages"]["exclude"])
    assert include.match("https://shop.test/products/mug?x=1")
    assert not include.match("https://shop.test/about")
    assert exclude.match("http://shop.test/checkout/pay")
    assert not exclude.match("http://shop.test/products/checkout-stand")
    assert not exclude.match("http://shopXtest/checkout")  # the dot is literal


async def test_config_without_campaigns_turns_offers_off(client, store):
    body = (await client.get(f"/v1/stores/{store.public_key}/config")).json()
    assert body["features"]["offers"] is False
    assert body["offers"] == {"interruptions_per_week": 2, "campaigns": []}


async def test_config_etag_changes_when_a_campaign_goes_live(app, client, store):
    url = f"/v1/stores/{store.public_key}/config"
    first = await client.get(url)
    same = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert same.status_code == 304
    campaign = await live_campaign(app, store.id)
    changed = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200
    assert changed.json()["offers"]["campaigns"][0]["id"] == campaign.public_id
    await services(app).db.write(lambda conn: set_status(conn, campaign.id, "paused", now_ms()))
    paused = await client.get(url, headers={"If-None-Match": changed.headers["etag"]})
    assert paused.status_code == 200 and paused.json()["offers"]["campaigns"] == []


# --- arm ------------------------------------------------------------------------------------


async def test_arm_gives_the_variant_with_its_offer_label(app, client, shop):
    campaign = await live_campaign(app, shop.id, Offer("fixed", 500), Offer("free_gift", 0,
                                   gift_sku="FH-MUG-01"), holdout_percent=20)  # fmt: skip
    for arm, label in (("A", "€5.00 off"), ("B", "Free gift: Stoneware Mug")):
        visitor = visitor_in(campaign, arm)
        response = await client.get(
            f"/v1/offers/{campaign.public_id}/arm", params={"visitor": visitor}, headers=HEADERS
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == SHOP_ORIGIN
        body = response.json()
        assert body["campaign"] == campaign.public_id and body["arm"] == arm
        assert body["variant"]["key"] == arm and body["variant"]["headline"] == f"Wait {arm}!"
        assert body["variant"]["offer"]["label"] == label
    held = visitor_in(campaign, "holdout")
    body = (await client.get(f"/v1/offers/{campaign.public_id}/arm?visitor={held}")).json()
    assert body == {"campaign": campaign.public_id, "arm": "holdout", "variant": None}


async def test_arm_is_404_unless_the_campaign_runs_for_this_store(app, client, store):
    other = await services(app).stores.by_id(store.id)
    draft = await live_campaign(app, store.id, status="draft")
    live = await live_campaign(app, store.id)
    cases = [
        (f"/v1/offers/{draft.public_id}/arm?visitor=v1", {}),
        ("/v1/offers/cmp_unknown/arm?visitor=v1", {}),
        (f"/v1/offers/{live.public_id}/arm?visitor=v1&store=pk_another", {}),
        (f"/v1/offers/{live.public_id}/arm?visitor=v1", {"Origin": "https://other.test"}),
    ]
    for url, headers in cases:
        response = await client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "campaign_not_found"
    ok = await client.get(
        f"/v1/offers/{live.public_id}/arm?visitor=v1&store={other.public_key}", headers=HEADERS
    )
    assert ok.status_code == 200


@pytest.mark.parametrize("visitor", ["", "x" * 65, "has space", "emoji😀", None])
async def test_arm_refuses_a_bad_visitor_id(app, client, store, visitor):
    campaign = await live_campaign(app, store.id)
    params = {} if visitor is None else {"visitor": visitor}
    response = await client.get(f"/v1/offers/{campaign.public_id}/arm", params=params)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "visitor"


# --- exposures ------------------------------------------------------------------------------


async def test_the_first_exposure_wins_and_the_arm_is_the_servers(app, client, store):
    campaign = await live_campaign(app, store.id, Offer("percent", 10), Offer("percent", 20))
    visitor = visitor_in(campaign, "B")
    first = await client.post(
        f"/v1/offers/{campaign.public_id}/exposures",
        content=f'{{"visitor": "{visitor}", "session": "s1", "signal": "scroll_up", "arm": "A"}}',
        headers=HEADERS | {"Content-Type": "text/plain"},
    )
    assert first.status_code == 200 and first.json() == {"arm": "B"}
    assert first.headers["access-control-allow-origin"] == SHOP_ORIGIN
    again = await expose(client, campaign, visitor, signal="back_button")
    assert again.json() == {"arm": "B"}
    stored = await rows(app, "SELECT visitor_id, arm, signal, session_id FROM exposures")
    assert [tuple(r) for r in stored] == [(visitor, "B", "scroll_up", "s1")]


async def test_the_holdout_is_exposed_too(app, client, store):
    campaign = await live_campaign(app, store.id, holdout_percent=50)
    visitor = visitor_in(campaign, "holdout")
    assert (await expose(client, campaign, visitor)).json() == {"arm": "holdout"}
    assert len(await rows(app, "SELECT * FROM exposures WHERE arm = 'holdout'")) == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"visitor": "v1", "signal": "wave"}, "signal"),
        ({"visitor": "v 1", "signal": "debug"}, "visitor"),
        ({"visitor": "v1", "signal": "debug", "session": 5}, "session"),
    ],
)
async def test_exposures_refuse_bad_input_and_write_nothing(app, client, store, body, field):
    campaign = await live_campaign(app, store.id)
    response = await client.post(f"/v1/offers/{campaign.public_id}/exposures", json=body)
    assert response.status_code == 400 and response.json()["error"]["field"] == field
    assert await rows(app, "SELECT * FROM exposures") == []


# --- debug mode (?keepcart_debug=exit:B): a chosen arm, and nothing counted -------------------


async def test_the_arm_endpoint_serves_a_chosen_arm_for_debug_mode(app, client, shop):
    campaign = await live_campaign(app, shop.id, Offer("percent", 10), Offer("fixed", 500),
                                   holdout_percent=20)  # fmt: skip
    visitor = visitor_in(campaign, "A")
    url = f"/v1/offers/{campaign.public_id}/arm"
    chosen = (await client.get(url, params={"visitor": visitor, "arm": "B"})).json()
    assert chosen["arm"] == "B" and chosen["variant"]["offer"]["label"] == "€5.00 off"
    held = (await client.get(url, params={"visitor": visitor, "arm": "holdout"})).json()
    assert held == {"campaign": campaign.public_id, "arm": "holdout", "variant": None}
    unknown = await client.get(url, params={"visitor": visitor, "arm": "Z"})
    assert unknown.status_code == 404
    assert unknown.json()["error"] == {
        "code": "arm_not_found", "field": "arm",
        "message": "This offer has no arm 'Z': use A, B, holdout.",
    }  # fmt: skip
    assert await rows(app, "SELECT * FROM exposures") == []  # reading an arm records nothing


async def test_a_debug_exposure_is_answered_and_never_recorded(app, client, shop):
    """What the debug command shows must not count: no exposure row, so no results, and no
    claim either (a claim needs a recorded exposure)."""
    campaign = await live_campaign(app, shop.id, holdout_percent=0)
    visitor = visitor_in(campaign, "A")
    response = await expose(client, campaign, visitor, signal="debug")
    assert response.status_code == 200
    assert response.json() == {"arm": "A", "counted": False}
    assert await rows(app, "SELECT * FROM exposures") == []
    claimed = await claim(client, campaign, visitor)
    assert claimed.status_code == 409 and claimed.json()["error"]["code"] == "not_exposed"
    assert await rows(app, "SELECT * FROM discounts WHERE campaign_id IS NOT NULL") == []


async def test_exposures_for_a_paused_campaign_are_404(app, client, store):
    campaign = await live_campaign(app, store.id, status="paused")
    response = await expose(client, campaign, "v1")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "campaign_not_found"


# --- claim ----------------------------------------------------------------------------------


async def test_claiming_creates_a_cart_with_a_single_use_coupon(app, client, shop):
    campaign = await live_campaign(app, shop.id, Offer("percent", 10, expires_minutes=30))
    visitor, response = await exposed_claim(client, campaign)
    assert response.status_code == 201, response.text
    body = response.json()
    coupon = body["coupon"]
    assert re.fullmatch(r"KC-[A-Z0-9]{4}-[A-Z0-9]{4}", coupon["code"])
    assert coupon["kind"] == "percent" and coupon["value"] == 10
    assert coupon["label"] == "10% off" and coupon["min_subtotal"] == 0
    assert 29 * MINUTE < coupon["expires_at"] - now_ms() <= 30 * MINUTE
    assert body["cart"]["discount"]["code"] == coupon["code"]
    assert body["cart"]["discount"]["expires_at"] == coupon["expires_at"]
    assert body["cart"]["token"] == body["cart_token"] and body["email_saved"] is False
    [row] = await rows(app, "SELECT * FROM discounts WHERE campaign_id IS NOT NULL")
    assert (row["usage_limit"], row["arm"], row["visitor_id"]) == (1, "A", visitor)
    assert row["cart_id"] is not None
    # The cart the claim made is a real cart the shopper can fill.
    cart = await client.get(f"/v1/carts/{body['cart_token']}", headers=HEADERS)
    assert cart.json()["discount"]["code"] == coupon["code"]


async def test_a_code_claimed_on_an_empty_cart_waits_there_and_applies_once_it_has_items(
    app, client, shop
):
    """The popup must not say "applied" to an empty cart: the claim says the code is saved
    and until when; the cart shows the code and its expiry, and the saving once filled."""
    campaign = await live_campaign(app, shop.id, Offer("percent", 10, expires_minutes=30))
    _, response = await exposed_claim(client, campaign)
    body = response.json()
    coupon = body["coupon"]
    assert (coupon["applied"], coupon["applies_when"]) == (False, "as soon as you add something")
    assert body["cart"]["items"] == [] and body["cart"]["discount"]["amount"] == 0
    assert body["cart"]["discount"]["expires_at"] == coupon["expires_at"]
    token = body["cart_token"]
    added = await client.post(f"/v1/carts/{token}/items", json={"sku": "FH-MUG-01"},
                              headers=HEADERS)  # fmt: skip
    discount = added.json()["discount"]
    assert (discount["code"], discount["amount"]) == (coupon["code"], 240)  # 10% of €24.00
    # Expiry is still the server's: past it, the code takes nothing off.
    start = now_ms()
    services(app).clock.set(start + 31 * MINUTE)
    later = (await client.get(f"/v1/carts/{token}", headers=HEADERS)).json()
    assert later["discount"] is None and later["discount_error"]["code"] == "discount_expired"


@pytest.mark.parametrize(
    ("items", "applied", "when"),
    [({}, False, "once your order reaches €30.00"), ({"FH_MUG_01": 1}, False,
     "once your order reaches €30.00"), ({"FH_MUG_01": 2}, True, None)],
)  # fmt: skip
async def test_a_claim_says_when_a_code_with_a_minimum_applies(app, client, shop, items, applied,
                                                                when):  # fmt: skip
    campaign = await live_campaign(app, shop.id, Offer("fixed", 500, min_subtotal=3000))
    token = await new_cart(client, shop.public_key, **items)
    _, response = await exposed_claim(client, campaign, cart=token)
    coupon = response.json()["coupon"]
    assert (coupon["applied"], coupon["applies_when"]) == (applied, when)


async def test_claiming_into_the_shoppers_cart_discounts_it(app, client, shop):
    campaign = await live_campaign(app, shop.id, Offer("fixed", 500))
    token = await new_cart(client, shop.public_key, FH_MUG_01=2)
    _, response = await exposed_claim(client, campaign, cart=token)
    body = response.json()
    assert body["cart_token"] == token
    assert body["cart"]["subtotal"] == 4800 and body["cart"]["discount"]["amount"] == 500
    assert body["coupon"]["label"] == "€5.00 off"
    assert (body["coupon"]["applied"], body["coupon"]["applies_when"]) == (True, None)


async def test_claiming_again_returns_the_same_live_coupon(app, client, shop):
    campaign = await live_campaign(app, shop.id)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    visitor, first = await exposed_claim(client, campaign, cart=token)
    again = await claim(client, campaign, visitor, cart=token)
    assert again.status_code == 201
    assert again.json()["coupon"]["code"] == first.json()["coupon"]["code"]
    assert again.json()["cart_token"] == token
    assert len(await rows(app, "SELECT * FROM discounts WHERE campaign_id IS NOT NULL")) == 1


async def test_knowing_a_visitor_id_does_not_open_their_cart(app, client, shop):
    campaign = await live_campaign(app, shop.id)
    victims = await new_cart(client, shop.public_key, FH_MUG_01=2)
    visitor, first = await exposed_claim(client, campaign, cart=victims)
    stranger = await claim(client, campaign, visitor)  # the visitor id, but no cart token
    assert stranger.status_code == 201
    body = stranger.json()
    assert body["cart_token"] != victims and body["cart"]["items"] == []
    assert body["coupon"]["code"] == first.json()["coupon"]["code"]  # moved, not duplicated
    assert body["cart"]["discount"]["code"] == body["coupon"]["code"]
    victim = (await client.get(f"/v1/carts/{victims}", headers=HEADERS)).json()
    assert victim["discount"] is None and victim["items"][0]["quantity"] == 2
    assert len(await rows(app, "SELECT * FROM discounts WHERE campaign_id IS NOT NULL")) == 1


async def test_claiming_again_with_another_cart_moves_the_coupon_there(app, client, shop):
    campaign = await live_campaign(app, shop.id)
    old = await new_cart(client, shop.public_key, FH_MUG_01=1)
    visitor, first = await exposed_claim(client, campaign, cart=old)
    new = await new_cart(client, shop.public_key, FH_POUR_01=1)
    moved = await claim(client, campaign, visitor, cart=new)
    assert moved.status_code == 201 and moved.json()["cart_token"] == new
    assert moved.json()["cart"]["discount"]["code"] == first.json()["coupon"]["code"]
    assert (await client.get(f"/v1/carts/{old}", headers=HEADERS)).json()["discount"] is None
    [row] = await rows(app, "SELECT c.public_id FROM discounts d JOIN carts c ON c.id = d.cart_id")
    assert row["public_id"] == moved.json()["cart"]["id"]


async def test_a_claim_after_expiry_gets_a_new_coupon(app, client, shop):
    campaign = await live_campaign(app, shop.id, Offer("percent", 10, expires_minutes=30))
    visitor, first = await exposed_claim(client, campaign)
    start = now_ms()
    services(app).clock.set(start + 31 * MINUTE)
    again = await claim(client, campaign, visitor)
    assert again.status_code == 201
    assert again.json()["coupon"]["code"] != first.json()["coupon"]["code"]
    assert again.json()["coupon"]["expires_at"] == start + 61 * MINUTE


async def test_the_holdout_cannot_claim(app, client, shop):
    campaign = await live_campaign(app, shop.id, holdout_percent=50)
    _, response = await exposed_claim(client, campaign, arm="holdout")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_offered"
    assert await rows(app, "SELECT * FROM discounts WHERE campaign_id IS NOT NULL") == []
    assert await rows(app, "SELECT * FROM carts") == []


async def test_an_exposed_visitors_arm_survives_an_edit_to_the_holdout(app, client, shop):
    campaign = await live_campaign(app, shop.id, holdout_percent=50)
    visitor = visitor_in(campaign, "holdout")
    assert (await expose(client, campaign, visitor)).json()["arm"] == "holdout"
    edited = dataclasses.replace(campaign, holdout_percent=0)
    await services(app).db.write(lambda conn: save_campaign(conn, edited, now_ms()))
    arm = await client.get(
        f"/v1/offers/{campaign.public_id}/arm", params={"visitor": visitor}, headers=HEADERS
    )
    assert arm.json()["arm"] == "holdout" and arm.json()["variant"] is None
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    refused = await claim(client, campaign, visitor, cart=token)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_offered"
    assert await rows(app, "SELECT * FROM discounts WHERE campaign_id IS NOT NULL") == []


async def typed_code(app, client, shop, token, percent):
    """A store-wide percent-off code, typed into the cart."""
    await services(app).db.write(
        lambda conn: conn.execute(
            "INSERT INTO discounts (store_id, code, kind, value, created_at)"
            " VALUES (?, 'BETTERCODE', 'percent', ?, 0)",
            (shop.id, percent),
        )
    )
    url = f"/v1/carts/{token}/discount"
    assert (await client.put(url, json={"code": "BETTERCODE"}, headers=HEADERS)).status_code == 200


async def test_a_claim_keeps_a_better_code_already_on_the_cart(app, client, shop):
    campaign = await live_campaign(app, shop.id, Offer("percent", 10))
    token = await new_cart(client, shop.public_key, FH_MUG_01=2)
    await typed_code(app, client, shop, token, 20)
    _, refused = await exposed_claim(client, campaign, cart=token)
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "better_discount_applied" and "BETTERCODE" in error["message"]
    assert "€9.60" in error["message"] and "€4.80" in error["message"]
    cart = (await client.get(f"/v1/carts/{token}", headers=HEADERS)).json()
    assert cart["discount"]["code"] == "BETTERCODE"
    assert await rows(app, "SELECT * FROM discounts WHERE campaign_id IS NOT NULL") == []


async def test_a_claim_replaces_a_code_that_saves_less(app, client, shop):
    campaign = await live_campaign(app, shop.id, Offer("percent", 30))
    token = await new_cart(client, shop.public_key, FH_MUG_01=2)
    await typed_code(app, client, shop, token, 20)
    _, claimed = await exposed_claim(client, campaign, cart=token)
    assert claimed.status_code == 201
    assert claimed.json()["cart"]["discount"]["code"] == claimed.json()["coupon"]["code"]


async def test_the_claims_label_is_the_coupons_not_the_edited_offers(app, client, shop):
    campaign = await live_campaign(app, shop.id, Offer("percent", 10))
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    visitor, first = await exposed_claim(client, campaign, cart=token)
    variant = dataclasses.replace(campaign.variants[0], offer=Offer("percent", 25))
    edited = dataclasses.replace(campaign, variants=(variant,))
    await services(app).db.write(lambda conn: save_campaign(conn, edited, now_ms()))
    again = (await claim(client, campaign, visitor, cart=token)).json()["coupon"]
    assert again["code"] == first.json()["coupon"]["code"]
    assert (again["value"], again["label"]) == (10, "10% off")


async def test_a_claim_without_an_exposure_is_refused(app, client, shop):
    campaign = await live_campaign(app, shop.id)
    response = await claim(client, campaign, visitor_in(campaign, "A"))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_exposed"
    assert await rows(app, "SELECT * FROM carts") == []


async def test_claims_for_campaigns_that_do_not_run_are_404(app, client, shop):
    campaign = await live_campaign(app, shop.id)
    visitor = visitor_in(campaign, "A")
    await expose(client, campaign, visitor)
    await services(app).db.write(lambda conn: set_status(conn, campaign.id, "ended", now_ms()))
    response = await claim(client, campaign, visitor)
    assert response.status_code == 404


async def test_a_claim_with_a_bad_cart_token_writes_nothing(app, client, shop):
    campaign = await live_campaign(app, shop.id)
    _, response = await exposed_claim(client, campaign, cart="forged.token")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_cart", "message": "That cart token isn't valid.", "field": "cart"
    }  # fmt: skip
    assert await rows(app, "SELECT * FROM discounts WHERE campaign_id IS NOT NULL") == []


async def test_claims_are_rate_limited_with_retry_after(app, client, shop):
    campaign = await live_campaign(app, shop.id)
    visitor, first = await exposed_claim(client, campaign)
    assert first.status_code == 201
    limit = Settings().claim_rate_limit
    statuses = [(await claim(client, campaign, visitor)).status_code for _ in range(limit)]
    assert statuses[: limit - 1] == [201] * (limit - 1)
    assert statuses[-1] == 429
    limited = await claim(client, campaign, visitor)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.json()["error"]["code"] == "rate_limited"
    assert limited.headers["access-control-allow-origin"] == SHOP_ORIGIN


async def test_claims_for_unknown_campaigns_are_rate_limited_too(app, client, shop):
    limit = Settings().claim_rate_limit
    url = "/v1/offers/cmp_doesnotexist/claim"
    body = {"visitor": "v-1", "store": shop.public_key}
    statuses = [
        (await client.post(url, json=body, headers=HEADERS)).status_code for _ in range(limit + 1)
    ]
    assert statuses[:limit] == [404] * limit and statuses[-1] == 429
