"""What stops a reminder already written: an order (placed from any cart of the shopper's,
before the outbox's retry or the send), the store switching recovery off, a link opened
after the order. Each is checked again when the reminder is sent, and an order suppresses
the queued ones in its own write."""

from __future__ import annotations

import pytest

from server.services import services
from tests.api.mailing import deliver, mail_settings, messages
from tests.api.recovering import SHOPPER, at_hours, give_contact, recovery_link, set_recovery
from tests.api.shopping import new_cart, order_body, place

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings(tmp_path, mail_server):
    return mail_settings(tmp_path, mail_server.url)


async def abandoned_cart(client, shop, email=SHOPPER, **items) -> str:
    token = await new_cart(client, shop.public_key, **(items or {"FH_MUG_01": 2}))
    response = await give_contact(client, token, email, store=shop)
    assert response.json() == {"saved": True, "sms": False}, response.text
    return token


async def reminder_waiting_for_a_retry(app, client, shop, mail_server) -> None:
    """A reminder written and refused once by the mail server: queued for its retry."""
    await set_recovery(app, shop)
    await abandoned_cart(client, shop)
    at_hours(app, 1)
    mail_server.refuse("451 4.3.0 Try again later")
    await deliver(app)
    [row] = await messages(app)
    assert (row["kind"], row["state"]) == ("recovery", "queued")
    mail_server.refuse(None)


async def test_an_order_placed_before_the_retry_suppresses_the_queued_reminder(
    app, client, sending_shop, mail_server
):
    await reminder_waiting_for_a_retry(app, client, sending_shop, mail_server)
    other = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)  # another device
    assert (await place(client, order_body(other, email=SHOPPER))).status_code == 201
    reminder = (await messages(app))[0]
    assert reminder["state"] == "suppressed"  # in the order's own write
    at_hours(app, 1.1)
    await deliver(app)
    subjects = [m.message["Subject"] for m in mail_server.received]
    assert subjects and not [s for s in subjects if "left something" in s]


async def test_a_queued_reminder_is_checked_again_when_sent(app, client, sending_shop, mail_server):
    await reminder_waiting_for_a_retry(app, client, sending_shop, mail_server)
    # An order the order's write did not know about (written by another path): the send's
    # own check catches it.
    await services(app).db.write(lambda conn: conn.execute(
        "UPDATE carts SET status = 'ordered'"))  # fmt: skip
    at_hours(app, 1.1)
    await deliver(app)
    [reminder] = await messages(app)
    assert reminder["state"] == "suppressed" and "ordered" in reminder["last_error"]
    assert mail_server.received == []


async def test_switching_recovery_off_stops_a_reminder_already_queued(
    app, client, sending_shop, mail_server
):
    await reminder_waiting_for_a_retry(app, client, sending_shop, mail_server)
    await set_recovery(app, sending_shop, mode="off")
    at_hours(app, 1.1)
    await deliver(app)
    [reminder] = await messages(app)
    assert reminder["state"] == "suppressed" and "off" in reminder["last_error"]
    assert mail_server.received == []


async def test_a_link_opened_after_the_order_says_so_and_builds_no_cart(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop)
    token = await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)
    link = recovery_link(mail_server.received[0].part("plain"))
    assert (await place(client, order_body(token, email=SHOPPER))).status_code == 201
    carts = await services(app).db.fetch_value("SELECT count(*) FROM carts")
    opened = await client.get(link)
    assert opened.status_code == 200 and "has been ordered" in opened.text
    assert await services(app).db.fetch_value("SELECT count(*) FROM carts") == carts
