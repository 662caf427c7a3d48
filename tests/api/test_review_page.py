"""A buyer's review page, ``/reviews/{token}``: reached from the receipt page once the order
has shipped, one review per order line, and a 404 page for any token that is not this
server's unexpired review link."""

from __future__ import annotations

import asyncio
import re

import pytest

from server.reviews.links import MAX_AGE_S, LineKey
from server.security import Purpose, Signer
from server.services import services
from tests.api.admin_client import csrf_from, sign_in
from tests.api.ordering import JULY_1_NOON_UTC, insert_order
from tests.api.reviewing import (
    fulfilled_line,
    link_path,
    path_of,
    publish,
    receipt_path,
    rows,
    visible_text,
)

pytestmark = pytest.mark.anyio

MISSING = "This review link doesn’t work"
FORM = {"rating": "4", "title": "Keeps coffee hot", "body": "Good weight.", "name": "Aoife B."}
FOREIGN_KEY = "a-key-this-server-has-never-had-0123456789"


def assert_private_page(response) -> None:
    headers = response.headers
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-robots-tag"] == "noindex, nofollow"
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "<script" not in response.text and "<style" not in response.text
    assert " style=" not in response.text


async def test_the_form_asks_for_stars_in_words_and_suggests_a_name(app, client, store):
    page = await client.get(link_path(app, await fulfilled_line(app, store)))
    assert page.status_code == 200
    assert_private_page(page)
    html = page.text
    assert "<fieldset" in html and "<legend>Your rating" in html
    for stars in range(1, 6):
        assert f'type="radio" name="rating" value="{stars}" id="rating-{stars}"' in html
    text = visible_text(html)
    assert "Review Mug" in text and "Blue · from your order #1001" in text
    assert all(f"{n} stars" in text for n in (2, 3, 4, 5)) and "1 star" in text
    assert 'name="name" type="text" maxlength="60" value="Aoife B."' in html  # "Aoife Byrne"
    assert "whatever rating you give" in text


async def test_a_review_is_published_once_from_its_link(app, client, store):
    line = await fulfilled_line(app, store)
    path = link_path(app, line)
    answer = await client.post(path, data=FORM)
    assert answer.status_code == 200
    assert_private_page(answer)
    assert "Thank you: your review is published" in visible_text(answer.text)
    (review,) = await rows(app, "reviews")
    assert (review["source"], review["rating"], review["display_name"]) == ("order", 4, "Aoife B.")
    assert review["title"] == "Keeps coffee hot" and review["status"] == "published"

    again = await client.get(path)
    assert again.status_code == 409
    assert "You have reviewed this already" in visible_text(again.text)
    other = await client.post(path, data=FORM | {"rating": "1", "title": "Changed my mind"})
    assert other.status_code == 409
    assert [r["rating"] for r in await rows(app, "reviews")] == [4]


async def test_a_double_submit_makes_one_review_and_the_same_answer(app, client, store):
    path = link_path(app, await fulfilled_line(app, store))
    answers = await asyncio.gather(*(client.post(path, data=FORM) for _ in range(4)))
    assert [answer.status_code for answer in answers] == [200] * 4
    assert all("your review is published" in answer.text for answer in answers)
    assert len(await rows(app, "reviews")) == 1
    assert len(await rows(app, "review_moderation")) == 1


async def test_every_rating_is_published_the_same_way(app, client, store):
    for number, rating in ((1001, "1"), (1002, "5"), (1003, "2")):
        path = link_path(app, await fulfilled_line(app, store, number))
        assert (await client.post(path, data=FORM | {"rating": rating})).status_code == 200
    assert {(r["rating"], r["status"]) for r in await rows(app, "reviews")} == {
        (1, "published"), (5, "published"), (2, "published")
    }  # fmt: skip


async def test_a_form_with_mistakes_comes_back_with_them_and_writes_nothing(app, client, store):
    path = link_path(app, await fulfilled_line(app, store))
    bad = {"rating": "7", "title": "t" * 121, "body": "fine", "name": "   "}
    answer = await client.post(path, data=bad)
    assert answer.status_code == 422
    assert_private_page(answer)
    html = answer.text
    assert 'role="alert"' in html and "Choose a rating from 1 to 5 stars." in html
    assert 'id="f-title" name="title"' in html and 'aria-describedby="f-title-error"' in html
    assert html.count('aria-invalid="true"') == 5 + 2  # every star, the title, the name
    assert 'value="' + "t" * 121 + '"' in html  # what was typed stays
    assert await rows(app, "reviews") == []
    missing = await client.post(path, data={"name": "Aoife"})
    assert missing.status_code == 422 and "Choose a rating" in missing.text


async def test_reviewer_text_is_escaped(app, client, store):
    path = link_path(app, await fulfilled_line(app, store))
    hostile = FORM | {"title": "<script>x</script>", "body": "<img src=x onerror=alert(1)>"}
    answer = await client.post(path, data=hostile | {"name": '"><b>Me'})
    assert "<script>x" not in answer.text and "<img src=x" not in answer.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in answer.text and "<b>Me" not in answer.text


async def test_an_oversized_form_is_refused_before_it_is_read(app, client, store):
    path = link_path(app, await fulfilled_line(app, store))
    answer = await client.post(path, data=FORM | {"body": "x" * 200_000})
    assert answer.status_code == 413
    assert await rows(app, "reviews") == []


# ---- links that are not this server's, in date, review link ------------------------------


async def test_a_forged_or_altered_link_is_a_404_page(app, client, store):
    line = await fulfilled_line(app, store)
    path = link_path(app, line)
    token = path.rsplit("/", 1)[1]
    foreign = Signer((FOREIGN_KEY,)).sign(Purpose.REVIEW, [store.id, line.order_public_id,
                                                           line.product_id])  # fmt: skip
    altered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    for bad in (foreign, altered, token[:40], token + "x", "not-a-token", "a.b.c", "é" * 10):
        for method in ("GET", "POST"):
            answer = await client.request(method, f"/reviews/{bad}", data=FORM)
            assert answer.status_code == 404, (bad, method)
            assert MISSING in visible_text(answer.text)
    assert await rows(app, "reviews") == []


async def test_a_link_signed_for_another_purpose_is_a_404_page(app, client, store):
    line = await fulfilled_line(app, store)
    value = [store.id, line.order_public_id, line.product_id]
    signer = services(app).signer
    for purpose in (Purpose.ORDER_STATUS, Purpose.CART, Purpose.COUPON, Purpose.SESSION):
        answer = await client.post(f"/reviews/{signer.sign(purpose, value)}", data=FORM)
        assert answer.status_code == 404, purpose
    receipt_token = receipt_path(app, line.order_public_id).rsplit("/", 1)[1]
    assert (await client.get(f"/reviews/{receipt_token}")).status_code == 404
    assert await rows(app, "reviews") == []


async def test_a_link_expires_a_year_after_it_was_made(app, client, store):
    clock = services(app).clock
    clock.set(JULY_1_NOON_UTC)
    path = link_path(app, await fulfilled_line(app, store))
    clock.advance(MAX_AGE_S * 1000)
    assert (await client.get(path)).status_code == 200  # on its last second
    clock.advance(1000)
    expired = await client.post(path, data=FORM)
    assert expired.status_code == 404 and MISSING in visible_text(expired.text)
    assert await rows(app, "reviews") == []


async def test_a_link_to_a_line_that_is_not_there_is_a_404_page(app, client, store):
    line = await fulfilled_line(app, store)
    for other in (
        LineKey(store.id + 1, line.order_public_id, line.product_id),  # another store
        LineKey(store.id, "ord_nope", line.product_id),
        LineKey(store.id, line.order_public_id, line.product_id + 999),
    ):
        assert (await client.get(link_path(app, other))).status_code == 404


async def test_an_order_that_has_not_shipped_cannot_be_reviewed_yet(app, client, store):
    line = await fulfilled_line(app, store, status="paid")
    answer = await client.post(link_path(app, line), data=FORM)
    assert answer.status_code == 409
    assert "You can review this once it has shipped" in visible_text(answer.text)
    assert await rows(app, "reviews") == []


async def test_a_link_made_before_a_refund_no_longer_takes_a_review(app, client, store):
    line = await fulfilled_line(app, store)
    path = link_path(app, line)
    await services(app).db.write(lambda conn: conn.execute("UPDATE orders SET status='refunded'"))
    answer = await client.post(path, data=FORM)
    assert answer.status_code == 409 and "This order was refunded" in answer.text
    assert await rows(app, "reviews") == []


# ---- where the links are shown -------------------------------------------------------------


async def test_the_receipt_links_each_line_once_the_order_has_shipped(app, client, store):
    await insert_order(app, store, 1001, status="paid", payment_method="bank_transfer")
    before = visible_text((await client.get(receipt_path(app, "ord_test1001"))).text)
    assert "You can review what you bought here once your order has shipped." in before
    assert "Review Mug" not in before

    await services(app).db.write(lambda conn: conn.execute("UPDATE orders SET status='fulfilled'"))
    page = await client.get(receipt_path(app, "ord_test1001"))
    links = re.findall(r'<a href="(/reviews/[^"]+)">Review Mug', page.text)
    assert len(links) == 1 and "Review Mug · Blue" in visible_text(page.text)
    assert (await client.post(links[0], data=FORM)).status_code == 200
    after = visible_text((await client.get(receipt_path(app, "ord_test1001"))).text)
    assert "Mug · Blue : reviewed, thank you (4 out of 5)" in after
    assert "Review Mug" not in after


async def test_a_refunded_receipt_offers_no_review(app, client, store):
    await insert_order(app, store, 1001, status="refunded")
    text = visible_text((await client.get(receipt_path(app, "ord_test1001"))).text)
    assert "Review" not in text and "once your order has shipped" not in text


async def test_the_admin_order_page_has_each_lines_link_then_its_review(
    app, client, merchant, store
):
    line = await fulfilled_line(app, store)
    await sign_in(client)
    page_path = f"/admin/stores/{store.id}/orders/1001"
    page = await client.get(page_path)
    form = {"csrf_token": csrf_from(page.text), "order": "1001", "product": str(line.product_id)}
    assert "Show the review link" in page.text  # shown on a page of its own (test_review_link_…)
    shown = await client.post(f"/admin/stores/{store.id}/reviews/links", data=form)
    links = re.findall(r'<pre id="review-link"><code>([^<]+)</code>', shown.text)
    assert len(links) == 1 and 'data-copy="review-link"' in shown.text
    assert links[0].startswith(services(app).settings.base_url + "/reviews/")
    assert (await client.get(path_of(links[0]))).status_code == 200

    review = await publish(app, line, rating=3, title="Fine")
    page = await client.get(page_path)
    assert "Show the review link" not in page.text
    assert f"/admin/stores/{store.id}/reviews/{review.public_id}" in page.text
    assert "Reviewed: 3 out of 5, “Fine”" in visible_text(page.text)
    assert csrf_from(page.text)


async def test_the_admin_order_page_says_links_come_once_fulfilled(app, client, merchant, store):
    await insert_order(app, store, 1001, status="paid")
    await sign_in(client)
    text = visible_text((await client.get(f"/admin/stores/{store.id}/orders/1001")).text)
    assert "Review links appear here once the order is fulfilled" in text


async def test_a_test_mode_order_is_no_verified_purchase(app, client, store):
    """An order paid with the test card is the merchant rehearsing: its lines get no review
    link, and a link made for one anyway publishes nothing."""
    order_id = await insert_order(app, store, 2001, status="fulfilled", payment_method="test_card")
    db = services(app).db
    public_id = await db.fetch_value("SELECT public_id FROM orders WHERE id = ?", (order_id,))
    product_id = await db.fetch_value(
        "SELECT product_id FROM order_items WHERE order_id = ?", (order_id,)
    )
    line = LineKey(store.id, public_id, product_id)
    page = await client.get(link_path(app, line))
    assert page.status_code == 409
    assert "This was a test order" in page.text
    posted = await client.post(link_path(app, line), data=FORM)
    assert posted.status_code == 409
    receipt = await client.get(receipt_path(app, public_id))
    assert "/reviews/" not in receipt.text
    assert await rows(app, "reviews") == []
