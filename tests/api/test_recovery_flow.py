"""Abandoned-checkout recovery end to end, with the test clock and a real SMTP server: the
email given in checkout, the first reminder at its delay and not before, the link that
rebuilds the cart at today's prices on another device, the order that stops the sequence,
the holdout that gets nothing, and the one-click unsubscribe."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from server.offers.model import Offer
from server.services import services
from tests.api.mailing import deliver, mail_settings, messages
from tests.api.offering import exposed_claim, live_campaign
from tests.api.recovering import (
    SHOPPER,
    at_hours,
    contacts,
    give_contact,
    held_out_email,
    open_link,
    recovery_link,
    set_recovery,
    unsubscribe_link,
)
from tests.api.shopping import HEADERS, new_cart, order_body, place
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings(tmp_path, mail_server):
    return mail_settings(tmp_path, mail_server.url)


async def abandoned_cart(client, shop, email=SHOPPER, **items) -> str:
    token = await new_cart(client, shop.public_key, **(items or {"FH_MUG_01": 2}))
    response = await give_contact(client, token, email, store=shop)
    assert response.status_code == 200, response.text
    assert response.json() == {"saved": True, "sms": False}
    return token


async def set_price(app, store, sku: str, price: int) -> None:
    sql = "UPDATE products SET price = ? WHERE store_id = ? AND sku = ?"
    await services(app).db.write(lambda conn: conn.execute(sql, (price, store.id, sku)))


async def test_the_first_reminder_goes_at_its_delay_and_not_before(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)

    at_hours(app, 0.99)
    await deliver(app)
    assert mail_server.received == [] and await messages(app) == []

    at_hours(app, 1)
    assert await deliver(app) == 1
    [email] = mail_server.received
    assert email.rcpt_tos == [SHOPPER]
    assert email.message["Subject"] == "You left something in your cart at Test Shop"
    assert email.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = unsubscribe_link(email.message["List-Unsubscribe"])
    text, html = email.part("plain"), email.part("html")
    assert "Stoneware Mug" in text and "Stoneware Mug" in html
    assert recovery_link(text) in html and unsubscribe in html
    [contact] = await contacts(app)
    assert (contact["abandoned_at"], contact["holdout"], contact["next_step"]) == (
        services(app).clock.now_ms(), 0, 2)  # fmt: skip


async def test_the_link_rebuilds_the_cart_at_todays_prices_and_an_order_stops_the_rest(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop)
    old_token = await abandoned_cart(client, sending_shop, FH_MUG_01=2, FH_THR_01=1)
    at_hours(app, 1)
    await deliver(app)
    [email] = mail_server.received

    # The mug's price changes and the throw sells out before the shopper clicks.
    await set_price(app, sending_shop, "FH-MUG-01", 2600)
    await services(app).db.write(lambda conn: conn.execute(
        "UPDATE products SET stock = 0 WHERE sku = 'FH-THR-01'"))  # fmt: skip
    at_hours(app, 2)
    opened = await client.get(recovery_link(email.part("plain")))  # another device: no cookies
    assert opened.status_code == 303
    location = urlsplit(opened.headers["location"])
    assert f"{location.scheme}://{location.netloc}" == SHOP_ORIGIN and not location.query
    assert location.fragment.startswith("keepcart-cart=")
    new_token = await open_link(client, recovery_link(email.part("plain")), sending_shop)
    assert new_token != old_token

    cart = (await client.get(f"/v1/carts/{new_token}", headers=HEADERS)).json()
    assert [(item["sku"], item["quantity"], item["unit_price"]) for item in cart["items"]] == [
        ("FH-MUG-01", 2, 2600)]  # fmt: skip
    assert cart["notices"] == [
        "The price of Stoneware Mug changed from €24.00 to €26.00.",
        "Lambswool Throw is no longer available, so it is not in your cart.",
    ]
    again = (await client.get(f"/v1/carts/{new_token}", headers=HEADERS)).json()
    assert "notices" not in again  # told once

    # The shopper orders from yet another cart with the same email: the sequence stops.
    other = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    assert (await place(client, order_body(other, email=SHOPPER))).status_code == 201
    at_hours(app, 24)
    await deliver(app)
    at_hours(app, 72)
    await deliver(app)
    kinds = [row["kind"] for row in await messages(app)]
    assert kinds == ["recovery", "order_confirmation"]
    [contact] = await contacts(app)
    assert (contact["next_due_at"], contact["stop_reason"]) == (None, "ordered")
    [clicks] = await services(app).db.fetch_all("SELECT step, clicks FROM recovery_steps")
    assert tuple(clicks) == (1, 1)


async def test_the_holdout_gets_nothing_and_is_counted(app, client, sending_shop, mail_server):
    await set_recovery(app, sending_shop, holdout_percent=50)
    # A shopper the hash holds out (each one is, one time in two): decided by the store and
    # the address, so all of one shopper's checkouts are on one side.
    email = held_out_email(sending_shop, 50)
    token = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    given = await give_contact(client, token, email, store=sending_shop)
    assert given.json() == {"saved": True, "sms": False}
    for hours in (1, 24, 72):
        at_hours(app, hours)
        await deliver(app)
    assert mail_server.received == [] and await messages(app) == []
    [contact] = await contacts(app)
    assert contact["holdout"] == 1 and contact["abandoned_at"] is not None


async def test_a_later_step_is_sent_at_its_delay_with_its_code(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    for hours in (1, 24, 71.9):
        at_hours(app, hours)
        await deliver(app)
    assert len(mail_server.received) == 2
    at_hours(app, 72)
    await deliver(app)
    third = mail_server.received[-1]
    assert third.message["Subject"] == "Still thinking it over? Your cart at Test Shop"
    code = await services(app).db.fetch_value(
        "SELECT code FROM discounts WHERE cart_id IS NOT NULL"
    )
    assert code in third.part("plain") and "10 %" in third.part("plain")

    token = await open_link(client, recovery_link(third.part("plain")), sending_shop)
    cart = (await client.get(f"/v1/carts/{token}", headers=HEADERS)).json()
    assert cart["discount_code"] == code and cart["discount"]["amount"] > 0
    [contact] = await contacts(app)
    assert contact["stop_reason"] == "finished"


async def test_unsubscribe_takes_a_post_and_stops_every_later_reminder(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)
    [email] = mail_server.received
    link = unsubscribe_link(email.message["List-Unsubscribe"])

    page = await client.get(link)  # a link scanner, or the shopper before confirming
    assert page.status_code == 200 and "Unsubscribe" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert await services(app).db.fetch_all("SELECT * FROM email_suppressions") == []

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    done = await client.post(link, content="List-Unsubscribe=One-Click", headers=form)
    assert done.status_code == 200 and "You are unsubscribed" in done.text
    [row] = await services(app).db.fetch_all("SELECT email, step FROM email_suppressions")
    assert tuple(row) == (SHOPPER, 1)
    at_hours(app, 24)
    await deliver(app)
    assert len(mail_server.received) == 1
    [contact] = await contacts(app)
    assert contact["stop_reason"] == "unsubscribed"

    # A new checkout of the same address gets no reminder, but its order is confirmed.
    await abandoned_cart(client, sending_shop)
    at_hours(app, 26)
    await deliver(app)
    assert len(mail_server.received) == 1
    token = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    assert (await place(client, order_body(token, email=SHOPPER))).status_code == 201
    await deliver(app)
    assert [e.message["Subject"].split()[0] for e in mail_server.received] == ["You", "Your"]


async def test_a_reminder_queued_before_an_unsubscribe_is_suppressed_not_sent(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    mail_server.refuse("451 4.3.0 Try again later")
    await deliver(app)  # written, refused: it waits for a retry
    [email_row] = await messages(app)
    assert email_row["state"] == "queued"
    mail_server.refuse(None)
    await services(app).db.write(lambda conn: conn.execute(
        "INSERT INTO email_suppressions VALUES (?, ?, 'unsubscribed', 1, 0)",
        (sending_shop.id, SHOPPER)))  # fmt: skip
    at_hours(app, 2)
    await deliver(app)
    [email_row] = await messages(app)
    assert email_row["state"] == "suppressed" and mail_server.received == []


async def test_an_emptied_cart_gets_no_reminder(app, client, sending_shop, mail_server):
    await set_recovery(app, sending_shop)
    token = await abandoned_cart(client, sending_shop)
    emptied = await client.delete(f"/v1/carts/{token}/items/FH-MUG-01", headers=HEADERS)
    assert emptied.status_code == 200
    at_hours(app, 1)
    await deliver(app)
    assert mail_server.received == []
    [contact] = await contacts(app)
    assert (contact["abandoned_at"], contact["stop_reason"]) == (None, "emptied")


async def test_a_forged_or_expired_link_opens_nothing(app, client, sending_shop, mail_server):
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)
    link = recovery_link(mail_server.received[0].part("plain"))
    forged = await client.get(link[:-2] + ("AA" if not link.endswith("AA") else "BB"))
    assert forged.status_code == 404 and "no longer works" in forged.text
    at_hours(app, 1 + 31 * 24)  # past the link's 30 days
    expired = await client.get(link)
    assert expired.status_code == 404
    carts = await services(app).db.fetch_value("SELECT count(*) FROM carts")
    assert carts == 1  # no cart was built


async def test_email_me_my_cart_sends_one_email_whose_link_opens_the_cart(
    app, client, sending_shop, mail_server
):
    offer = Offer("none", 0, email_cart=True)
    campaign = await live_campaign(app, sending_shop.id, offer)
    token = await new_cart(client, sending_shop.public_key, FH_MUG_01=3)
    _, response = await exposed_claim(client, campaign, cart=token, email=SHOPPER, consent=True)
    assert response.status_code == 201 and response.json()["email_saved"] is True
    await deliver(app)
    [email] = mail_server.received
    assert email.message["Subject"] == "Your cart at Test Shop"
    assert email.message["List-Unsubscribe"] is None  # asked for, once: not marketing
    new_token = await open_link(client, recovery_link(email.part("plain")), sending_shop)
    cart = (await client.get(f"/v1/carts/{new_token}", headers=HEADERS)).json()
    assert [(item["sku"], item["quantity"]) for item in cart["items"]] == [("FH-MUG-01", 3)]
    assert "notices" not in cart
