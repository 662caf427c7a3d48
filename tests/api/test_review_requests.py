"""Review request emails against a real SMTP server, with the test clock: the request comes
the store's number of days after the order is marked fulfilled (not before), with a working
signed review link per line; one reminder at most, only for the lines not yet reviewed; and
nothing once every line is reviewed, the order is refunded, or the kind is switched off."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from server.messages.model import EmailSettings
from server.messages.suppression import SUPPRESSED_REASON, UNSUBSCRIBED, suppress
from server.services import services
from tests.api.admin_client import client_for
from tests.api.mailing import deliver, mail_settings, messages, set_email_settings
from tests.api.reviewing import publish
from tests.api.shopping import new_cart, order_body, place
from tests.conftest import MERCHANT_PASSWORD

pytestmark = pytest.mark.anyio

DAY = 86_400_000
REVIEWS_ON = EmailSettings().enabled | {"review_request", "review_reminder"}
BANK_TRANSFER = {"payment": {"method": "bank_transfer"}}  # a real sale: a test card's is not


@pytest.fixture
def settings(tmp_path, mail_server):
    return mail_settings(tmp_path, mail_server.url)


@pytest.fixture
async def reviewing_shop(sending_shop, app):
    await set_email_settings(app, sending_shop, enabled=REVIEWS_ON)
    return sending_shop


async def fulfilled_order(app, client, shop, merchant) -> dict:
    """An order of a mug and a kettle, paid by bank transfer, marked paid then fulfilled in
    the admin; the emails of its placing and shipping delivered."""
    token = await new_cart(client, shop.public_key, FH_MUG_01=1, FH_KTL_01=1)
    response = await place(client, order_body(token, **BANK_TRANSFER))
    assert response.status_code == 201, response.text
    order = response.json()["order"]
    await act(app, shop, merchant, order["number"], "mark-paid", "mark-fulfilled")
    await deliver(app)
    return order


async def act(app, shop, merchant, number: int, *actions: str) -> None:
    async with client_for(app, merchant, MERCHANT_PASSWORD) as admin:
        base = f"/admin/stores/{shop.id}/orders/{number}"
        for action in actions:
            page = await admin.get(base)
            token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
            done = await admin.post(f"{base}/{action}", data={"csrf_token": token})
            assert done.status_code == 303, (action, done.text)


def review_links(text: str) -> dict[str, str]:
    """Product name → its review link, from the email's text."""
    return dict(re.findall(r"^Review (.+?): (https?://\S+/reviews/\S+?)\r?$", text, re.M))


def subjects(mail_server) -> list[str]:
    return [each.message["Subject"] for each in mail_server.received]


async def line_keys(app, order_number: int) -> dict[str, object]:
    from server.reviews.links import LineKey

    db = services(app).db
    rows = await db.fetch_all(
        "SELECT o.store_id, o.public_id, i.product_id, i.name FROM orders o"
        " JOIN order_items i ON i.order_id = o.id WHERE o.number = ?",
        (order_number,),
    )
    return {row["name"]: LineKey(row["store_id"], row["public_id"], row["product_id"])
            for row in rows}  # fmt: skip


async def test_the_request_comes_seven_days_after_fulfilment_with_a_link_per_line(
    app, client, reviewing_shop, merchant, mail_server
):
    order = await fulfilled_order(app, client, reviewing_shop, merchant)
    asked = f"How was your order from {reviewing_shop.name}?"
    assert asked not in subjects(mail_server)
    services(app).clock.advance(7 * DAY - 60_000)
    assert await deliver(app) == 0
    services(app).clock.advance(60_000)
    assert await deliver(app) == 1
    request = mail_server.received[-1]
    assert request.message["Subject"] == asked
    assert request.message["To"] == "aoife@example.com"
    text, html = request.part("plain"), request.part("html")
    assert f"Your order #{order['number']}" in text
    links = review_links(text)
    assert sorted(links) == ["Enamel Stovetop Kettle", "Stoneware Mug"]
    for url in links.values():
        assert url in html
        form = await client.get(urlsplit(url).path)
        assert form.status_code == 200 and "<form" in form.text


async def test_one_reminder_only_for_the_lines_not_yet_reviewed(
    app, client, reviewing_shop, merchant, mail_server
):
    order = await fulfilled_order(app, client, reviewing_shop, merchant)
    services(app).clock.advance(7 * DAY)
    await deliver(app)
    keys = await line_keys(app, order["number"])
    await publish(app, keys["Stoneware Mug"])
    services(app).clock.advance(7 * DAY - 60_000)
    assert await deliver(app) == 0
    services(app).clock.advance(60_000)
    assert await deliver(app) == 1
    reminder = mail_server.received[-1]
    assert reminder.message["Subject"].startswith("A reminder: how was your order")
    assert list(review_links(reminder.part("plain"))) == ["Enamel Stovetop Kettle"]
    services(app).clock.advance(60 * DAY)
    assert await deliver(app) == 0
    kinds = [(m["kind"], m["state"]) for m in await messages(app) if "review" in m["kind"]]
    assert kinds == [("review_request", "sent"), ("review_reminder", "sent")]


async def test_nothing_once_every_line_is_reviewed(
    app, client, reviewing_shop, merchant, mail_server
):
    order = await fulfilled_order(app, client, reviewing_shop, merchant)
    for key in (await line_keys(app, order["number"])).values():
        await publish(app, key)
    before = len(mail_server.received)
    services(app).clock.advance(30 * DAY)
    await deliver(app)
    assert len(mail_server.received) == before
    rows = {m["kind"]: m for m in await messages(app) if "review" in m["kind"]}
    assert rows["review_request"]["state"] == "suppressed"
    assert rows["review_request"]["last_error"] == "Every item of the order has been reviewed."
    assert rows["review_reminder"]["state"] == "suppressed"


async def test_a_refunded_order_is_not_asked_for_reviews(
    app, client, reviewing_shop, merchant, mail_server
):
    order = await fulfilled_order(app, client, reviewing_shop, merchant)
    await act(app, reviewing_shop, merchant, order["number"], "refund")
    before = len(mail_server.received)
    services(app).clock.advance(30 * DAY)
    await deliver(app)
    assert len(mail_server.received) == before
    states = {m["kind"]: m["state"] for m in await messages(app)}
    assert states["review_request"] == states["review_reminder"] == "suppressed"


async def test_an_unsubscribed_buyer_gets_no_review_request_but_still_their_order_emails(
    app, client, reviewing_shop, merchant, mail_server
):
    await fulfilled_order(app, client, reviewing_shop, merchant)
    # The buyer unsubscribes (a cart reminder's link) before the request is due.
    now = services(app).clock.now_ms()
    await services(app).db.write(
        lambda conn: suppress(conn, reviewing_shop.id, "Aoife@Example.com", UNSUBSCRIBED, now)
    )
    services(app).clock.advance(30 * DAY)
    await deliver(app)
    assert not [s for s in subjects(mail_server) if "review" in s.lower()]
    rows = {m["kind"]: m for m in await messages(app) if "review" in m["kind"]}
    assert {kind: row["state"] for kind, row in rows.items()} == {
        "review_request": "suppressed", "review_reminder": "suppressed"}  # fmt: skip
    assert rows["review_request"]["last_error"] == SUPPRESSED_REASON
    await fulfilled_order(app, client, reviewing_shop, merchant)  # a new order: its emails go
    assert f"Your order #1002 at {reviewing_shop.name}" in subjects(mail_server)


async def test_off_by_default_and_switching_off_stops_those_already_queued(
    app, client, sending_shop, merchant, mail_server
):
    await fulfilled_order(app, client, sending_shop, merchant)
    assert not [m for m in await messages(app) if "review" in m["kind"]]
    await set_email_settings(app, sending_shop, enabled=REVIEWS_ON)
    await fulfilled_order(app, client, sending_shop, merchant)
    await set_email_settings(app, sending_shop)  # switched off again
    services(app).clock.advance(30 * DAY)
    await deliver(app)
    assert not [s for s in subjects(mail_server) if "review" in s.lower()]
    states = {m["kind"]: m["state"] for m in await messages(app) if "review" in m["kind"]}
    assert states == {"review_request": "suppressed", "review_reminder": "suppressed"}


async def test_the_stores_delays_set_when_they_are_due(
    app, client, reviewing_shop, merchant, mail_server
):
    await set_email_settings(app, reviewing_shop, enabled=REVIEWS_ON, review_request_days=2,
                             review_reminder_days=0)  # fmt: skip
    await fulfilled_order(app, client, reviewing_shop, merchant)
    now = services(app).clock.now_ms()
    rows = [m for m in await messages(app) if "review" in m["kind"]]
    assert [(m["kind"], m["next_attempt_at"]) for m in rows] == [("review_request", now + 2 * DAY)]


async def test_the_owner_sets_the_delays_and_quiet_hours(app, client, sending_shop, admin):
    from tests.api.admin_client import csrf_from, field_error

    url = f"/admin/stores/{sending_shop.id}/settings/emails"
    page = await client.get(url)
    assert 'name="review_request_days"' in page.text and 'value="21:00"' in page.text
    form = {
        "csrf_token": csrf_from(page.text), "accent_colour": "#1f6f5c",
        "send_review_request": "true", "review_request_days": "3", "review_reminder_days": "0",
        "sms_quiet_start": "22:30", "sms_quiet_end": "07:15",
    }  # fmt: skip
    saved = await client.post(url, data=form)
    assert saved.status_code == 303, saved.text
    from server.messages.queries import email_settings

    stored = await email_settings(services(app).db, sending_shop.id)
    assert (stored.review_request_days, stored.review_reminder_days) == (3, 0)
    assert (stored.sms_quiet_start, stored.sms_quiet_end) == (22 * 60 + 30, 7 * 60 + 15)
    assert "review_request" in stored.enabled and "review_reminder" not in stored.enabled

    refused = await client.post(url, data=form | {"review_request_days": "91",
                                                  "sms_quiet_end": "25:00"})  # fmt: skip
    assert refused.status_code == 422
    assert field_error(refused.text, "review_request_days") == (
        "Enter a number of days from 0 to 90."
    )
    assert field_error(refused.text, "sms_quiet_end") == "Enter a time of day like 14:00."


async def test_the_messages_page_shows_a_queued_request_and_then_why_it_will_not_go(
    app, client, reviewing_shop, merchant, mail_server
):
    order = await fulfilled_order(app, client, reviewing_shop, merchant)
    [request] = [m for m in await messages(app) if m["kind"] == "review_request"]
    page_path = f"/admin/stores/{reviewing_shop.id}/messages/{request['public_id']}"
    async with client_for(app, merchant, MERCHANT_PASSWORD) as admin:
        queued = await admin.get(page_path)
        assert queued.status_code == 200 and "Review Stoneware Mug" in queued.text
        for key in (await line_keys(app, order["number"])).values():
            await publish(app, key)
        reviewed = await admin.get(page_path)
    assert reviewed.status_code == 200
    assert "Every item of the order has been reviewed." in reviewed.text
