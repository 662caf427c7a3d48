"""A line's review link in the admin (server/admin/reviews/links.py): the order page offers
to show it rather than showing it, showing it is recorded (who, when) beside a warning that
the link is the buyer's, and a review written through a link the admin showed is marked so in
its publish entry of the moderation log."""

from __future__ import annotations

import html
import re

import pytest

from server.accounts import add_member, create_user
from server.clock import now_ms
from server.services import services
from tests.api.admin_client import MEMBER_PASSWORD, client_for, csrf_from, sign_in
from tests.api.ordering import insert_order
from tests.api.reviewing import (
    fulfilled_line,
    path_of,
    publish,
    receipt_path,
    rows,
    visible_text,
)

pytestmark = pytest.mark.anyio

WARNING = "Only for the buyer: a review you write yourself is not a buyer's review."
FORM = {"rating": "5", "title": "Mine", "body": "Written by the shop.", "name": "Pat"}


def text_of(page: str) -> str:
    return html.unescape(visible_text(page))


async def order_page(client, store, number: int = 1001):
    return await client.get(f"/admin/stores/{store.id}/orders/{number}")


async def reveal(client, store, csrf: str, number: int, product_id: int):
    return await client.post(
        f"/admin/stores/{store.id}/reviews/links",
        data={"csrf_token": csrf, "order": str(number), "product": str(product_id)},
    )


async def test_the_order_page_offers_to_show_the_link_and_warns(app, client, merchant, store):
    await fulfilled_line(app, store)
    await sign_in(client)
    page = await order_page(client, store)
    assert "/reviews/" not in re.sub(r"/admin/stores/\d+/reviews/links", "", page.text)
    assert "Show the review link" in page.text
    assert WARNING in text_of(page.text)


async def test_showing_a_link_is_recorded_and_the_review_it_brings_is_marked(
    app, client, merchant, store
):
    line = await fulfilled_line(app, store)
    await sign_in(client)
    csrf = csrf_from((await order_page(client, store)).text)
    shown = await reveal(client, store, csrf, 1001, line.product_id)
    assert shown.status_code == 200
    text = text_of(shown.text)
    assert WARNING in text and "Mug" in text
    (link,) = re.findall(r'<pre id="review-link"><code>([^<]+)</code>', shown.text)
    assert 'data-copy="review-link"' in shown.text
    (recorded,) = await rows(app, "review_link_reveals")
    user = await services(app).db.fetch_value("SELECT id FROM users")
    assert (recorded["product_id"], recorded["user_id"]) == (line.product_id, user)

    assert (await client.post(path_of(link), data=FORM)).status_code == 200
    entry = await services(app).db.fetch_one(
        "SELECT action, detail FROM review_moderation ORDER BY id DESC LIMIT 1"
    )
    assert entry["action"] == "publish"
    assert entry["detail"] == (
        "Written after its review link was shown in the admin to owner@shop.test."
    )
    review_id = await services(app).db.fetch_value("SELECT public_id FROM reviews")
    page = text_of((await client.get(f"/admin/stores/{store.id}/reviews/{review_id}")).text)
    assert "Written after its review link was shown in the admin to owner@shop.test" in page


async def test_a_review_through_a_link_the_admin_never_showed_is_not_marked(
    app, client, merchant, store
):
    await publish(app, await fulfilled_line(app, store))
    entry = await services(app).db.fetch_one("SELECT action, detail FROM review_moderation")
    assert tuple(entry) == ("publish", "")


async def test_staff_may_show_a_link_and_it_is_recorded_as_theirs(app, merchant, store):
    line = await fulfilled_line(app, store)
    await create_user(services(app).db, "staff@shop.test", MEMBER_PASSWORD, now=now_ms())
    await add_member(services(app).db, store.id, "staff@shop.test", "staff", now=now_ms())
    async with client_for(app, "staff@shop.test") as staff:
        csrf = csrf_from((await order_page(staff, store)).text)
        assert (await reveal(staff, store, csrf, 1001, line.product_id)).status_code == 200
    staff_id = await services(app).db.fetch_value(
        "SELECT id FROM users WHERE email = 'staff@shop.test'"
    )
    assert [r["user_id"] for r in await rows(app, "review_link_reveals")] == [staff_id]


async def test_no_link_is_shown_for_a_line_that_cannot_take_a_review(app, client, merchant, store):
    line = await fulfilled_line(app, store)
    await insert_order(app, store, 1002, status="paid", payment_method="bank_transfer")
    await sign_in(client)
    csrf = csrf_from((await order_page(client, store)).text)
    for number, product in ((1002, line.product_id), (1001, 999_999), (9999, line.product_id)):
        answer = await reveal(client, store, csrf, number, product)
        assert answer.status_code == 404, (number, product)
    await publish(app, line)
    reviewed = await reveal(client, store, csrf, 1001, line.product_id)
    assert reviewed.status_code == 409
    no_token = await client.post(
        f"/admin/stores/{store.id}/reviews/links",
        data={"order": "1001", "product": str(line.product_id)},
    )
    assert no_token.status_code == 403
    assert await rows(app, "review_link_reveals") == []


# ---- the customer's receipt link, which carries every line's review link -------------------


async def reveal_receipt(client, store, csrf: str, number: int = 1001):
    return await client.post(
        f"/admin/stores/{store.id}/reviews/links/receipt",
        data={"csrf_token": csrf, "order": str(number)},
    )


def shown_link(page: str) -> str:
    (link,) = re.findall(r'<pre id="review-link"><code>([^<]+)</code>', page)
    return html.unescape(link)


async def test_the_order_page_holds_no_receipt_link_but_offers_to_show_it(
    app, client, merchant, store
):
    line = await fulfilled_line(app, store)
    await sign_in(client)
    page = await order_page(client, store)
    assert receipt_path(app, line.order_public_id) not in page.text
    assert "/orders/" not in re.sub(r"/admin/stores/\d+/orders/", "", page.text)
    assert "Show the customer’s receipt link" in page.text
    assert "the customer's receipt page has the same links" not in html.unescape(page.text)


async def test_the_receipt_link_shown_before_shipping_marks_the_review_with_every_member(
    app, client, merchant, store
):
    """The receipt link never expires and carries each line's review link once shipped: a
    showing of it, even before the order shipped, is recorded for the whole order, and the
    publish entry names every member shown a link that led to the review, each once."""
    line = await fulfilled_line(app, store, status="paid")
    await create_user(services(app).db, "staff@shop.test", MEMBER_PASSWORD, now=now_ms())
    await add_member(services(app).db, store.id, "staff@shop.test", "staff", now=now_ms())
    async with client_for(app, "staff@shop.test") as staff:
        csrf = csrf_from((await order_page(staff, store)).text)
        shown = await reveal_receipt(staff, store, csrf)
        assert shown.status_code == 200
        assert WARNING in text_of(shown.text)
        receipt = path_of(shown_link(shown.text))
        assert (await reveal_receipt(staff, store, csrf)).status_code == 200  # twice: named once
    await sign_in(client)
    csrf = csrf_from((await order_page(client, store)).text)
    fulfilled = await client.post(
        f"/admin/stores/{store.id}/orders/1001/mark-fulfilled", data={"csrf_token": csrf}
    )
    assert fulfilled.status_code == 303
    assert (await reveal(client, store, csrf, 1001, line.product_id)).status_code == 200
    recorded = [(r["product_id"], r["order_id"]) for r in await rows(app, "review_link_reveals")]
    order_id = await services(app).db.fetch_value("SELECT id FROM orders")
    assert recorded == [(None, order_id), (None, order_id), (line.product_id, order_id)]

    links = re.findall(r'href="(/reviews/[^"]+)"', (await client.get(receipt)).text)
    assert len(links) == 1
    assert (await client.post(links[0], data=FORM)).status_code == 200
    entry = await services(app).db.fetch_one(
        "SELECT action, detail FROM review_moderation ORDER BY id DESC LIMIT 1"
    )
    assert tuple(entry) == (
        "publish",
        "Written after its review link, or the order's receipt link that carries it, was shown"
        " in the admin to staff@shop.test and owner@shop.test.",
    )


async def test_a_receipt_link_for_no_such_order_is_refused_and_nothing_recorded(
    app, client, merchant, store
):
    await fulfilled_line(app, store)
    await sign_in(client)
    csrf = csrf_from((await order_page(client, store)).text)
    assert (await reveal_receipt(client, store, csrf, 9999)).status_code == 404
    no_token = await client.post(
        f"/admin/stores/{store.id}/reviews/links/receipt", data={"order": "1001"}
    )
    assert no_token.status_code == 403
    assert await rows(app, "review_link_reveals") == []


async def test_a_shown_link_is_never_kept_by_the_browser(app, client, merchant, store):
    line = await fulfilled_line(app, store)
    await sign_in(client)
    csrf = csrf_from((await order_page(client, store)).text)
    for shown in (
        await reveal(client, store, csrf, 1001, line.product_id),
        await reveal_receipt(client, store, csrf),
    ):
        assert shown.status_code == 200
        assert shown.headers["cache-control"] == "no-store"
