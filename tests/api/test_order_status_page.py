"""A shopper's receipt page, ``GET /orders/{token}``: linked from the checkout's answer and the
admin's order page, showing the order as the merchant moves it along, and a 404 page for any
token that is not one this server signed for an order's receipt."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import re
from collections.abc import AsyncIterator
from urllib.parse import quote, urlsplit

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.app import create_app
from server.orders.receipt_link import status_url
from server.security import Purpose, Signer
from server.services import services
from tests.api.admin_client import csrf_from, sign_in
from tests.api.hostile import HOSTILE, problems_in, world
from tests.api.ordering import JULY_1_NOON_UTC, insert_order
from tests.api.shopping import new_cart, order_body, place

__all__ = ["world"]  # the module-scoped fixture the hostile-token test uses

pytestmark = pytest.mark.anyio

MISSING = "We couldn’t find that order"
DAY = 24 * 3600 * 1000
FOREIGN_KEY = "a-key-this-server-has-never-had-0123456789"


def receipt_path(app, public_id: str) -> str:
    return urlsplit(
        status_url(services(app).signer, services(app).settings.base_url, public_id)
    ).path


def visible_text(html: str) -> str:
    """The page's text as a person reads it: tags dropped, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


async def place_order(client, shop, **overrides) -> dict:
    token = await new_cart(client, shop.public_key, FH_MUG_01=2)
    response = await place(client, order_body(token, **overrides))
    assert response.status_code == 201, response.text
    return response.json()["order"]


def assert_receipt_headers(response) -> None:
    headers = response.headers
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-robots-tag"] == "noindex, nofollow"
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    # Nothing inline for the CSP to refuse: one stylesheet and one script, both files.
    assert "<style" not in response.text and " style=" not in response.text
    assert re.findall(r"<script[^>]*>", response.text) == [
        '<script src="/orders/static/receipt.js" defer>'
    ]


# ---- the link, and what the page shows --------------------------------------------------------


async def test_checkout_answer_links_to_a_receipt_showing_the_whole_order(app, client, shop):
    order = await place_order(client, shop)
    url = order["status_url"]
    assert url.startswith(services(app).settings.base_url + "/orders/")
    token = url.rsplit("/", 1)[1]
    assert token != order["id"] and len(token) > 40  # signed, never the bare public id

    page = await client.get(urlsplit(url).path)
    assert page.status_code == 200
    assert_receipt_headers(page)
    text = visible_text(page.text)
    assert f"Order #{order['number']}" in text and "Test Shop" in text
    assert "Status Paid — being prepared" in text
    # Item (with its unit price under it, shown on phones), unit price, quantity, amount.
    assert "Stoneware Mug €24.00 each €24.00 2 €48.00" in text
    for line in ("Subtotal €48.00", "Shipping €4.95", "Tax included €9.91", "Total €52.95"):
        assert line in text
    assert "Aoife Byrne" in text and "12 Harbour Road" in text and "Ireland" in text
    assert "Method Standard" in text and "Delivery Arrives" in text
    assert "Method Card" in text and "Visa ending in 4242" in text
    assert "4242424242424242" not in page.text and "aoife@example.com" not in page.text
    assert "+353" not in page.text  # the phone stays out: the shop needs it, the page doesn't


async def test_the_receipt_shows_the_date_and_delivery_in_the_store_timezone(app, client, store):
    services(app).clock.set(JULY_1_NOON_UTC + DAY)  # read the next day, the window ahead
    await insert_order(app, store, 1001, created_at=JULY_1_NOON_UTC)
    text = visible_text((await client.get(receipt_path(app, "ord_test1001"))).text)
    assert "Placed 1 July 2025, 13:00" in text  # 12:00 UTC is 13:00 in Dublin
    assert "Delivery Arrives Thu 3 – Mon 7 Jul" in text
    assert "Discount (WELCOME10) −€5.40" in text


async def test_a_window_gone_by_is_told_as_estimated_with_its_year(app, client, store):
    # The link never expires: months later the window is history, never a fresh promise.
    services(app).clock.set(JULY_1_NOON_UTC + 30 * DAY)
    await insert_order(app, store, 1001, created_at=JULY_1_NOON_UTC)
    text = visible_text((await client.get(receipt_path(app, "ord_test1001"))).text)
    assert "Delivery Estimated when ordered: arrives Thu 3 – Mon 7 Jul 2025" in text


async def test_an_unpaid_transfer_promises_dispatch_once_paid_not_dates(app, client, store):
    services(app).clock.set(JULY_1_NOON_UTC + DAY)
    await insert_order(app, store, 1001, status="awaiting_payment", payment_method="bank_transfer")
    text = visible_text((await client.get(receipt_path(app, "ord_test1001"))).text)
    assert "Delivery Ships once your payment arrives" in text and "Arrives" not in text
    # Cash on delivery is not waiting for anything: its window stands.
    await insert_order(app, store, 1002, status="awaiting_payment",
                       payment_method="cash_on_delivery")  # fmt: skip
    text = visible_text((await client.get(receipt_path(app, "ord_test1002"))).text)
    assert "Delivery Arrives Thu 3 – Mon 7 Jul" in text


async def test_money_and_dates_follow_the_store_locale(app, client, store):
    await services(app).db.write(
        lambda conn: conn.execute(
            "UPDATE stores SET locale = 'de-DE', currency = 'EUR' WHERE id = ?", (store.id,)
        )
    )
    services(app).stores.invalidate()
    await insert_order(app, store, 1001, created_at=JULY_1_NOON_UTC)
    text = visible_text((await client.get(receipt_path(app, "ord_test1001"))).text)
    assert "Total 53,55 €" in text and "1. Juli 2025, 13:00" in text


async def test_a_replayed_checkout_answer_links_to_the_same_order(app, client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    first = await place(client, order_body(token), key="replayed-key-0001")
    again = await place(client, order_body(token), key="replayed-key-0001")
    assert again.status_code == 201
    for answer in (first, again):
        page = await client.get(urlsplit(answer.json()["order"]["status_url"]).path)
        assert f"Order #{first.json()['order']['number']}" in page.text


async def test_bank_transfer_receipt_says_how_to_pay_with_merchant_text_escaped(app, client, shop):
    instructions = "Pay to <b>IBAN</b> IE29 AIBK 9311\n<script>alert(1)</script>"
    await services(app).db.write(
        lambda conn: conn.execute(
            "UPDATE stores SET name = ?, bank_instructions = ? WHERE id = ?",
            ("Fern & <i>Hill</i>", instructions, shop.id),
        )
    )
    services(app).stores.invalidate()
    order = await place_order(client, shop, payment={"method": "bank_transfer"})
    page = await client.get(urlsplit(order["status_url"]).path)
    text = visible_text(page.text)
    assert "Status Awaiting your bank transfer" in text
    assert "How to pay" in text and "Amount due €52.95" in text
    assert "Pay to &lt;b&gt;IBAN&lt;/b&gt; IE29 AIBK 9311\n&lt;script&gt;" in page.text
    assert "Fern &amp; &lt;i&gt;Hill&lt;/i&gt;" in page.text
    assert "<script>alert" not in page.text and "<i>Hill" not in page.text
    assert "Method Bank transfer" in text and "ending in" not in text


async def test_merchant_text_on_the_order_is_escaped(app, client, store):
    address = {"name": "<b>Aoife</b>", "line1": "<img src=x onerror=alert(1)>", "city": "Howth",
               "country": "IE"}  # fmt: skip
    await insert_order(app, store, 1001, shipping_address=json.dumps(address),
                       shipping_method="<u>Post</u>", discount_code="<s>CODE</s>")  # fmt: skip
    await services(app).db.write(
        lambda conn: conn.execute("UPDATE order_items SET name = '<em>Mug</em>'")
    )
    page = await client.get(receipt_path(app, "ord_test1001"))
    for raw in ("<b>Aoife", "<img src=x", "<u>Post", "<s>CODE", "<em>Mug"):
        assert raw not in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text and "&lt;em&gt;Mug" in page.text


async def test_status_changes_by_the_merchant_show_on_the_receipt(app, client, merchant, shop):
    order = await place_order(client, shop, payment={"method": "bank_transfer"})
    receipt = urlsplit(order["status_url"]).path
    await sign_in(client)
    admin_page = f"/admin/stores/{shop.id}/orders/{order['number']}"
    csrf = csrf_from((await client.get(admin_page)).text)
    seen = {}
    for action in ("mark-paid", "mark-fulfilled", "refund"):
        response = await client.post(f"{admin_page}/{action}", data={"csrf_token": csrf})
        assert response.status_code == 303
        seen[action] = visible_text((await client.get(receipt)).text)
    assert "Status Paid — being prepared" in seen["mark-paid"]
    assert "Payment received" in seen["mark-paid"] and "How to pay" not in seen["mark-paid"]
    assert "Status Shipped" in seen["mark-fulfilled"] and "Shipped" in seen["mark-fulfilled"]
    assert "Status Refunded" in seen["refund"] and "Delivery Arrives" not in seen["refund"]
    assert "owner@shop.test" not in seen["refund"]  # who made a change is the merchant's note


async def test_admin_order_page_shows_the_customers_receipt_link_on_request(
    app, client, merchant, store
):
    await insert_order(app, store, 1001)
    await sign_in(client)
    page = await client.get(f"/admin/stores/{store.id}/orders/1001")
    shown = await client.post(
        f"/admin/stores/{store.id}/reviews/links/receipt",
        data={"csrf_token": csrf_from(page.text), "order": "1001"},
    )
    match = re.search(r'<pre id="review-link"><code>([^<]+)</code>', shown.text)
    assert match, "no receipt link shown from the order page"
    receipt = await client.get(urlsplit(match.group(1)).path)
    assert receipt.status_code == 200 and "Order #1001" in receipt.text


# ---- tokens that are not a receipt's -----------------------------------------------------------


def _changed(text: str, at: int) -> str:
    return text[:at] + ("B" if text[at] == "A" else "A") + text[at + 1 :]


def _not_a_receipt_token(app) -> dict[str, str]:
    signer = services(app).signer
    real = signer.sign(Purpose.ORDER_STATUS, "ord_test1001")
    payload, timestamp, signature = real.split(".")
    other_payload = signer.sign(Purpose.ORDER_STATUS, "ord_test1002").split(".")[0]
    return {
        "the bare public id": "ord_test1001",
        "truncated": real[:-1],
        "signature altered": f"{payload}.{timestamp}.{_changed(signature, 5)}",
        "another order's payload": f"{other_payload}.{timestamp}.{signature}",
        "a cart token": signer.sign(Purpose.CART, "ord_test1001"),
        "a coupon token": signer.sign(Purpose.COUPON, "ord_test1001"),
        "another server's key": Signer((FOREIGN_KEY,)).sign(Purpose.ORDER_STATUS, "ord_test1001"),
        "an order that does not exist": signer.sign(Purpose.ORDER_STATUS, "ord_nosuchorder"),
        "not a string": signer.sign(Purpose.ORDER_STATUS, ["ord_test1001"]),
        "far too long": real + "x" * 5000,
        "with a character outside ASCII": real + "\x80",
    }


@pytest.mark.parametrize(
    "kind",
    ["the bare public id", "truncated", "signature altered", "another order's payload",
     "a cart token", "a coupon token", "another server's key", "an order that does not exist",
     "not a string", "far too long", "with a character outside ASCII"],
)  # fmt: skip
async def test_any_other_token_gets_the_same_404_page(app, client, store, kind):
    await insert_order(app, store, 1001)
    await insert_order(app, store, 1002)
    token = _not_a_receipt_token(app)[kind]
    response = await client.get("/orders/" + quote(token, safe=""))
    assert response.status_code == 404
    assert_receipt_headers(response)
    assert MISSING in response.text and "1001" not in response.text


@contextlib.asynccontextmanager
async def served_with_keys(settings, keys: tuple[str, ...]) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the same database served with other signing keys."""
    app = create_app(dataclasses.replace(settings, secret_keys=keys))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://keepcart.test") as c:
            yield c


async def test_a_receipt_link_outlives_key_rotation_until_its_key_is_dropped(app, store, settings):
    await insert_order(app, store, 1001)
    path = receipt_path(app, "ord_test1001")
    newest = "a-newer-key-added-in-front-0123456789abcdef"
    async with served_with_keys(settings, (newest, *settings.secret_keys)) as rotated:
        assert (await rotated.get(path)).status_code == 200
    async with served_with_keys(settings, (newest,)) as dropped:
        assert (await dropped.get(path)).status_code == 404


async def test_the_access_log_names_the_route_never_the_token(app, client, store, caplog):
    await insert_order(app, store, 1001)
    path = receipt_path(app, "ord_test1001")
    with caplog.at_level(logging.INFO, logger="keepcart.access"):
        assert (await client.get(path)).status_code == 200
    lines = [record.getMessage() for record in caplog.records if record.name == "keepcart.access"]
    assert lines and lines[0].startswith("GET /orders/{token} 200")
    assert not any(path.rsplit("/", 1)[1] in line for line in lines)


async def test_the_stylesheet_and_script_are_served(client):
    css = await client.get("/orders/static/receipt.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "@media print" in css.text
    script = await client.get("/orders/static/receipt.js")
    assert script.status_code == 200 and "window.print" in script.text


# ---- hostile tokens ---------------------------------------------------------------------------

# One path segment, as the route takes it: no "/" (nor "%2F", which is decoded to one), and
# not "." or "..", which clients resolve away before sending.
_token_text = st.text(
    st.characters(codec="utf-8", exclude_characters="/"), min_size=1, max_size=300
).filter(lambda text: text.strip(".") != "")


@st.composite
def hostile_tokens(draw: st.DrawFn, real: list[str]) -> str:
    """Anything at all, or a real receipt token cut, grown or with a character changed."""
    token = draw(st.sampled_from(real))
    kind = draw(st.sampled_from(["anything", "cut", "grown", "changed", "real"]))
    if kind == "anything":
        return draw(_token_text)
    if kind == "cut":
        return token[: draw(st.integers(1, len(token) - 1))]
    if kind == "grown":
        return token + draw(_token_text)
    if kind == "changed":
        # Not the last character: base64 ignores its lowest bits, so some changes to it leave
        # the signature's bytes, and the token, as valid as before.
        at = draw(st.integers(0, len(token) - 2))
        return (
            token[:at]
            + draw(st.characters(codec="utf-8", exclude_characters="/"))
            + token[at + 1 :]
        )
    return token


@given(data=st.data())
@settings(HOSTILE, max_examples=300)
def test_no_hostile_token_is_a_5xx_a_traceback_or_a_write(world, data, caplog):
    if "receipts" not in world.cache:
        numbers = world.run(services(world.app).db.fetch_all("SELECT public_id FROM orders"))
        signer = services(world.app).signer
        world.cache["receipts"] = [signer.sign(Purpose.ORDER_STATUS, r[0]) for r in numbers]
    token = data.draw(hostile_tokens(world.cache["receipts"]))
    before = world.fingerprint()
    with caplog.at_level(logging.WARNING):
        response = world.run(world.client.get("/orders/" + quote(token, safe="")))
    valid = token in world.cache["receipts"]
    assert response.status_code == (200 if valid else 404), (token, response.text[:300])
    assert response.headers["cache-control"] == "no-store"
    assert problems_in(caplog.records) == []
    assert world.fingerprint() == before
    caplog.clear()


async def test_the_receipt_says_how_to_reach_the_shop(app, client, store):
    await insert_order(app, store, 1001)
    text = visible_text((await client.get(receipt_path(app, "ord_test1001"))).text)
    assert "Questions about this order? Contact Test Shop and give your order number" in text
    await services(app).db.write(
        lambda conn: conn.execute(
            "UPDATE stores SET contact_email = ?, contact_phone = ? WHERE id = ?",
            ("help@shop.example", "+353 1 234 5678", store.id),
        )
    )
    services(app).stores.invalidate()
    page = (await client.get(receipt_path(app, "ord_test1001"))).text
    assert (
        "Contact Test Shop at help@shop.example or on +353 1 234 5678 and give your order"
        " number, #1001." in visible_text(page)
    )
    assert 'href="mailto:help@shop.example"' in page and 'href="tel:+35312345678"' in page


async def test_the_contact_link_writes_to_exactly_that_address(app, client, store):
    # "?", "&" and "%" are legal in an address's local part: the link never adds a body.
    await insert_order(app, store, 1001)
    await services(app).db.write(
        lambda conn: conn.execute(
            "UPDATE stores SET contact_email = ? WHERE id = ?",
            ("help?body=refund%20me@shop.example", store.id),
        )
    )
    services(app).stores.invalidate()
    page = (await client.get(receipt_path(app, "ord_test1001"))).text
    assert 'href="mailto:help%3Fbody%3Drefund%2520me@shop.example"' in page
