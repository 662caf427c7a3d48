"""Cart recovery's webhooks: ``checkout.abandoned`` in the write that finds a checkout
abandoned, ``checkout.recovered`` in the write of the order that recovers it, once; both
without the shopper's email, and verified by a receiver with the reference package."""

from __future__ import annotations

import json

import pytest

from tests.api.mailing import deliver, mail_settings
from tests.api.recovering import (
    SHOPPER,
    at_hours,
    give_contact,
    held_out_email,
    open_link,
    recovery_link,
    set_recovery,
)
from tests.api.shopping import HEADERS, new_cart, order_body, place
from tests.api.webhooking import add_endpoint, allow_private, signed_by, webhook_messages
from tests.webhook_receiver import running_receiver

pytestmark = pytest.mark.anyio

RECOVERY_EVENTS = ("checkout.abandoned", "checkout.recovered")


@pytest.fixture
def settings(tmp_path, mail_server):
    return mail_settings(tmp_path, mail_server.url)


@pytest.fixture
def receiver():
    with running_receiver() as receiver:
        yield receiver


async def events(app) -> list[tuple[str, dict]]:
    bodies = [json.loads(m["inputs"]) for m in await webhook_messages(app)]
    return [(body["type"], body["data"]) for body in bodies]


async def abandoned_cart(client, shop, email=SHOPPER) -> tuple[str, str]:
    """(the cart's token, its public id) after its shopper gave ``email`` in checkout."""
    token = await new_cart(client, shop.public_key, FH_MUG_01=2)
    given = await give_contact(client, token, email, store=shop)
    assert given.json() == {"saved": True, "sms": False}
    public_id = (await client.get(f"/v1/carts/{token}", headers=HEADERS)).json()["id"]
    return token, public_id


async def test_an_abandoned_checkout_is_announced_once_without_the_email(
    app, client, sending_shop, receiver
):
    await set_recovery(app, sending_shop)
    allow_private(app)
    _, secret = await add_endpoint(app, sending_shop, receiver.url, events=RECOVERY_EVENTS)
    _, cart_id = await abandoned_cart(client, sending_shop)
    at_hours(app, 0.99)
    await deliver(app)
    assert await events(app) == []  # not abandoned yet
    at_hours(app, 1)
    await deliver(app)
    at_hours(app, 24)
    await deliver(app)  # the second reminder: no second event
    [(kind, data)] = await events(app)
    assert kind == "checkout.abandoned"
    assert data == {  # abandoned at T0 + 1 h
        "cart_id": cart_id, "abandoned_at": "2026-05-28T21:26:40.000Z", "holdout": False,
        "currency": "EUR", "subtotal": 4800,
        "items": [{"sku": "FH-MUG-01", "name": "Stoneware Mug", "quantity": 2,
                   "unit_price": 2400}],
    }  # fmt: skip
    [received] = receiver.received
    assert signed_by(received, secret)  # the test clock is not now: checked as of its time
    assert json.loads(received.body)["type"] == "checkout.abandoned"
    assert SHOPPER.encode() not in received.body


async def test_a_held_out_checkout_is_announced_as_held_out(app, client, sending_shop):
    await set_recovery(app, sending_shop, holdout_percent=50)
    await add_endpoint(app, sending_shop, "https://8.8.8.8/in", events=RECOVERY_EVENTS)
    # A shopper the hash holds out (each one is, one time in two: by store and address).
    email = held_out_email(sending_shop, 50)
    _, cart_id = await abandoned_cart(client, sending_shop, email)
    at_hours(app, 1)
    await deliver(app)
    held = [data for kind, data in await events(app) if data["cart_id"] == cart_id]
    assert [data["holdout"] for data in held] == [True]


async def test_the_order_that_recovers_a_checkout_announces_it_once(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop)
    await add_endpoint(app, sending_shop, "https://8.8.8.8/in", events=RECOVERY_EVENTS)
    _, cart_id = await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)
    [email] = mail_server.received
    new_token = await open_link(client, recovery_link(email.part("plain")), sending_shop)
    at_hours(app, 2)
    # Paid with another address: the link's cart ties the order to the checkout.
    placed = await place(client, order_body(new_token, email="someone.else@example.com"))
    assert placed.status_code == 201, placed.text
    order = placed.json()["order"]
    again = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    assert (await place(client, order_body(again, email=SHOPPER))).status_code == 201

    recovered = [data for kind, data in await events(app) if kind == "checkout.recovered"]
    assert recovered == [{
        "cart_id": cart_id, "order_id": order["id"], "number": int(order["number"]),
        "currency": "EUR", "total": order["totals"]["total"],
        "abandoned_at": "2026-05-28T21:26:40.000Z", "holdout": False, "last_reminder_step": 1,
    }]  # fmt: skip


async def test_an_order_before_the_checkout_was_abandoned_recovers_nothing(
    app, client, sending_shop
):
    await set_recovery(app, sending_shop)
    await add_endpoint(app, sending_shop, "https://8.8.8.8/in", events=RECOVERY_EVENTS)
    token, _ = await abandoned_cart(client, sending_shop)
    at_hours(app, 0.5)
    assert (await place(client, order_body(token, email=SHOPPER))).status_code == 201
    at_hours(app, 1)
    await deliver(app)
    assert await events(app) == []
