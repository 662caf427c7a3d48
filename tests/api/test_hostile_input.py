"""What hostile or mistyped input gets: a clear 4xx naming the problem, never a 500, and
nothing that tells a stranger more than the page they asked for."""

import json

import pytest

from server.accounts import create_store
from server.clock import now_ms
from server.services import services
from server.stores.service import validate_new_store
from tests.api.admin_client import csrf_from, sign_in
from tests.api.catalog_forms import a_product_form, signed_in_csrf, upload
from tests.api.offering import exposed_claim, live_campaign
from tests.api.shopping import HEADERS, new_cart, order_body, place
from tests.api.surveying import live_survey, row_counts
from tests.api.tracking import batch
from tests.process import keepcart

pytestmark = pytest.mark.anyio

INJECTED = "ann@shop.example?bcc=harvest%40evil.example&subject=Your%20order"


# ---- deeply nested JSON (any JSON endpoint under /v1) ---------------------------------------

DEEP_BODIES = {
    "unclosed": b"[" * 1024,
    "closed": b"[" * 900 + b"]" * 900,
    "objects": b'{"a":' * 17 + b"1" + b"}" * 17,
}


def json_endpoints(store, token):
    return [
        ("POST", "/v1/carts"),
        ("POST", f"/v1/carts/{token}/items"),
        ("PUT", f"/v1/carts/{token}/items/FH-MUG-01"),
        ("PUT", f"/v1/carts/{token}/discount"),
        ("POST", f"/v1/carts/{token}/quote"),
        ("POST", "/v1/checkout"),
        ("POST", "/v1/offers/cmp_unknown/claim"),
        ("POST", "/v1/offers/cmp_unknown/exposures"),
        ("POST", "/v1/events"),
    ]


@pytest.mark.parametrize("shape", DEEP_BODIES)
async def test_json_nested_deeper_than_the_api_reads_is_a_400(client, shop, shape, caplog):
    token = await new_cart(client, shop.public_key)
    for method, path in json_endpoints(shop, token):
        headers = HEADERS | {"Content-Type": "text/plain", "Idempotency-Key": "deep-json-1"}
        response = await client.request(method, path, content=DEEP_BODIES[shape], headers=headers)
        assert response.status_code == 400, (path, response.text)
        assert response.json()["error"]["code"] == "invalid_json", path
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text


async def test_json_as_deep_as_the_limit_is_read_as_before(client, shop):
    nested = "[" * 15 + "]" * 15  # with the object around it: 16 levels, the limit
    body = f'{{"store": "{shop.public_key}", "unused": {nested}}}'
    response = await client.post("/v1/carts", content=body, headers=HEADERS)
    assert response.status_code == 201, response.text
    deeper = body.replace(nested, "[" + nested + "]")
    response = await client.post("/v1/carts", content=deeper, headers=HEADERS)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_json"


# ---- integers past Python's digit limit (4,300 digits: int() refuses longer) ----------------

HUGE = "9" * 4301


async def test_an_integer_of_more_than_4300_digits_is_a_400_and_stores_nothing(app, client, shop):
    """json.loads raises a ValueError of its own (not a JSONDecodeError) for such a number."""
    survey = await live_survey(app, shop.id, "exit")
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    start = {"visitor": "v-huge", "session": "s1", "signal": "exit_top", "page": "/",
             "device": "desktop", "cart_value": 0}  # fmt: skip
    events = batch(shop.public_key) | {"store": shop.public_key}
    events["events"][0]["occurred_at"] = 0
    bodies = [
        (f"/v1/surveys/{survey.public_id}/responses", start, "cart_value"),
        ("/v1/checkout", order_body(token, shipping_method=0), "shipping_method"),
        ("/v1/events", events, "occurred_at"),
    ]
    before = await row_counts(app), await stored_rows(app)
    for path, body, field in bodies:
        content = json.dumps(body).replace(f'"{field}": 0', f'"{field}": {HUGE}')
        assert HUGE in content
        headers = HEADERS | {"Content-Type": "text/plain", "Idempotency-Key": "huge-int-1"}
        response = await client.post(path, content=content, headers=headers)
        assert response.status_code == 400, (path, response.text)
        error = response.json()["error"]
        assert (error["code"], error["field"]) == ("malformed_json", None), path
        assert "4,300 digits" in error["message"]
    assert (await row_counts(app), await stored_rows(app)) == before


async def stored_rows(app) -> dict[str, int]:
    """How many orders and events there are (the surveys' own tables: ``row_counts``)."""
    db = services(app).db
    return {
        table: await db.fetch_value(f"SELECT count(*) FROM {table}")
        for table in ("orders", "events", "idempotency_keys")
    }


# ---- emails -------------------------------------------------------------------------------


async def test_checkout_refuses_an_email_that_smuggles_recipients(app, client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    response = await place(client, order_body(token, email=INJECTED))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "email"
    assert await services(app).db.fetch_value("SELECT count(*) FROM orders") == 0


async def test_an_email_me_my_cart_request_refuses_such_an_email(app, client, shop):
    from server.offers.model import Offer

    offer = Offer("none", 0, email_cart=True, consent_text="Email me my cart.")
    campaign = await live_campaign(app, shop.id, offer)
    cart = await new_cart(client, shop.public_key, FH_MUG_01=1)
    _, claimed = await exposed_claim(client, campaign, cart=cart, email=INJECTED, consent=True)
    assert claimed.status_code == 400
    assert claimed.json()["error"]["field"] == "email"
    assert await services(app).db.fetch_value("SELECT count(*) FROM email_consents") == 0


# ---- the quote endpoint tells nobody who the customers are --------------------------------


async def test_a_quote_does_not_say_whether_an_email_has_used_a_code(app, client, shop):
    first = await new_cart(client, shop.public_key, FH_MUG_01=1)
    await client.put(f"/v1/carts/{first}/discount", json={"code": "WELCOME10"}, headers=HEADERS)
    assert (await place(client, order_body(first, email="past@customer.test"))).status_code == 201

    cart = await new_cart(client, shop.public_key, FH_MUG_01=1)
    await client.put(f"/v1/carts/{cart}/discount", json={"code": "WELCOME10"}, headers=HEADERS)

    async def quote_for(email):
        body = {"address": {"country": "IE"}, "email": email}
        response = await client.post(f"/v1/carts/{cart}/quote", json=body, headers=HEADERS)
        assert response.status_code == 200
        return response.json()

    past, stranger = await quote_for("past@customer.test"), await quote_for("new@person.test")
    assert past == stranger
    assert past["discount_error"] is None and past["totals"]["discount"] == 240
    # Checkout, where the shopper pays with that address, refuses the code.
    paying = await place(client, order_body(cart, email="past@customer.test"))
    assert paying.status_code == 422
    assert paying.json()["error"]["code"] == "discount_used_up"


# ---- mistyped web addresses ----------------------------------------------------------------

BAD_ORIGINS = ["http://shop.test:99999", "http://shop.test:80a", "http://[::1", "http://[zz]:80"]


@pytest.mark.parametrize("origin", BAD_ORIGINS)
async def test_the_admin_store_form_answers_a_bad_origin_with_a_field_error(
    client, merchant, store, origin
):
    await sign_in(client)
    csrf = csrf_from((await client.get("/admin/stores")).text)
    form = {"csrf_token": csrf, "name": "Second", "origins": origin, "currency": "EUR",
            "locale": "en-IE", "timezone": "Europe/Dublin"}  # fmt: skip
    response = await client.post("/admin/stores", data=form)
    assert response.status_code == 422
    assert 'id="origins-error"' in response.text or "origins" in response.text
    assert 'aria-invalid="true"' in response.text


@pytest.mark.parametrize("image_url", ["http://cdn.test:99999/a.png", "http://[::1/a.png"])
async def test_the_product_form_answers_a_bad_image_url_with_a_field_error(
    client, merchant, store, image_url
):
    csrf = await signed_in_csrf(client, store)
    form = a_product_form(csrf, image_url=image_url)
    response = await client.post(f"/admin/stores/{store.id}/products", data=form)
    assert response.status_code == 422
    assert "image" in response.text and 'aria-invalid="true"' in response.text


async def test_the_csv_import_reports_a_bad_image_url_by_row_and_column(client, merchant, store):
    csrf = await signed_in_csrf(client, store, "/import")
    text = "sku,name,price,image_url\nA-1,Fine,1.00,\nB-1,Broken,2.00,http://[::1/b.png\n"
    response = await upload(client, store, csrf, text)
    assert response.status_code == 422
    assert '<td class="num">3</td><td><code>image_url</code></td>' in response.text


@pytest.mark.parametrize("origin", BAD_ORIGINS)
def test_the_cli_answers_a_bad_origin_without_a_traceback(tmp_path, origin):
    result = keepcart("stores", "create", "--name", "Shop", "--origin", origin,
                      "--currency", "EUR", "--db", str(tmp_path / "k.db"))  # fmt: skip
    assert result.returncode == 2
    assert "origins" in result.stderr and "Traceback" not in result.stderr


async def test_an_ipv6_origin_matches_what_the_browser_sends(app, client):
    new = validate_new_store("V6 Shop", ["http://[::1]:8001"], "EUR")
    store = await create_store(services(app).db, new, now=now_ms())
    response = await client.get(
        f"/v1/stores/{store.public_key}/config", headers={"Origin": "http://[::1]:8001"}
    )
    assert response.headers["access-control-allow-origin"] == "http://[::1]:8001"


# ---- admin form bodies are capped before they are parsed ------------------------------------


async def test_an_oversized_login_form_is_refused_before_it_is_read(client, merchant):
    page = await client.get("/admin/login")
    form = {"csrf_token": csrf_from(page.text), "email": "a@b.test", "password": "x" * 300_000}
    response = await client.post("/admin/login", data=form)
    assert response.status_code == 413


async def test_an_oversized_form_streamed_without_a_length_is_refused(client, merchant, store):
    async def chunks():
        for _ in range(64):
            yield b"a=" + b"x" * 8190 + b"&"

    await sign_in(client)
    response = await client.post(
        f"/admin/stores/{store.id}/products",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413


async def test_a_form_with_too_many_fields_is_refused(client, merchant, store):
    await sign_in(client)
    body = "&".join(f"f{n}=1" for n in range(1500))
    response = await client.post(
        f"/admin/stores/{store.id}/products",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400


async def test_the_csv_import_keeps_a_cap_that_fits_real_catalogs(app, client, merchant, store):
    csrf = await signed_in_csrf(client, store, "/import")
    row = "SKU-{n},A product with a longer name for a real catalog,12.50,{n}\n"
    catalog = "sku,name,price,stock\n" + "".join(row.format(n=n) for n in range(10_000))
    assert len(catalog) > 2 * 256 * 1024  # the import's row limit, far over the admin's cap
    response = await upload(client, store, csrf, catalog)
    assert response.status_code == 303, response.text[:500]
    count = await services(app).db.fetch_value("SELECT count(*) FROM products")
    assert count == 10_000
    too_big = await upload(client, store, csrf, "sku,name,price\n" + "x" * (6 * 1024 * 1024))
    assert too_big.status_code == 422
    assert "larger than 5 MB" in too_big.text
    far_too_big = await upload(client, store, csrf, "x" * (9 * 1024 * 1024))
    assert far_too_big.status_code == 413
