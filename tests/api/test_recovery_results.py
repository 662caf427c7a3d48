"""The recovery results counted honestly: an order credited to one checkout, only sales
(paid or fulfilled), and what was delivered still counted after the outbox prunes its
messages."""

from __future__ import annotations

import pytest

from server.recovery.results import Results, store_results
from server.services import services
from tests.api.mailing import deliver, mail_settings
from tests.api.recovering import (
    SHOPPER,
    at_hours,
    give_contact,
    open_link,
    recovery_link,
    set_recovery,
)
from tests.api.shopping import new_cart, order_body, place

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings(tmp_path, mail_server):
    return mail_settings(tmp_path, mail_server.url)


async def abandoned_cart(client, shop) -> str:
    token = await new_cart(client, shop.public_key, FH_MUG_01=2)
    assert (await give_contact(client, token, SHOPPER, store=shop)).json() == {
        "saved": True,
        "sms": False,
    }
    return token


async def figures(app, store) -> Results:
    return await store_results(services(app).db, store.id, 3)


async def test_one_order_after_two_abandoned_checkouts_is_recovered_once(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)
    at_hours(app, 30)  # the same shopper on another device, the next day (one sequence a day)
    await abandoned_cart(client, sending_shop)
    at_hours(app, 31)
    await deliver(app)
    other = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    assert (await place(client, order_body(other, email=SHOPPER))).status_code == 201
    counted = await figures(app, sending_shop)
    assert (counted.reminded.checkouts, counted.reminded.recovered) == (2, 1)
    assert counted.steps[0].recovered == 1


async def test_a_refunded_order_is_no_recovered_sale(app, client, sending_shop, mail_server):
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)
    other = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    assert (await place(client, order_body(other, email=SHOPPER))).status_code == 201
    await services(app).db.write(lambda conn: conn.execute(
        "UPDATE orders SET status = 'refunded'"))  # fmt: skip
    assert (await figures(app, sending_shop)).reminded.recovered == 0


async def test_delivered_reminders_stay_counted_after_the_outbox_prunes_them(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)
    await open_link(client, recovery_link(mail_server.received[0].part("plain")), sending_shop)
    await services(app).db.write(lambda conn: conn.execute("DELETE FROM messages"))  # 90 days on
    step = (await figures(app, sending_shop)).steps[0]
    assert (step.written, step.delivered, step.clicked) == (1, 1, 1)
    assert step.click_rate == 1.0


async def test_an_email_recovery_stays_counted_once_the_retention_clears_the_address(
    app, client, sending_shop, mail_server
):
    """Abandoned on one device, ordered by the same email on another: recovered, and still
    so once the retention has cleared the contact's email."""
    from server.privacy.retention import CONTACT_DAYS, clear_ended_contacts

    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)
    other = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    assert (await place(client, order_body(other, email=SHOPPER))).status_code == 201
    total = await services(app).db.fetch_value("SELECT total FROM orders")
    before = await figures(app, sending_shop)
    assert (before.reminded.recovered, before.reminded.revenue) == (1, total)
    at_hours(app, 2 + CONTACT_DAYS * 24)
    assert (
        await clear_ended_contacts(
            services(app).db, services(app).signer, services(app).clock.now_ms()
        )
        == 1
    )
    after = await figures(app, sending_shop)
    assert (after.reminded.recovered, after.reminded.revenue) == (1, total)
