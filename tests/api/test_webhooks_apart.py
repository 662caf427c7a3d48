"""Webhooks apart from email: one store's endpoint that never answers holds up neither any
store's email nor other endpoints; at most one delivery is in flight per endpoint; and "Send
test event" cannot pile test events onto an endpoint."""

from __future__ import annotations

import pytest

from server.accounts import create_store
from server.clock import now_ms
from server.services import services
from server.stores.service import validate_new_store
from server.webhooks.delivery import WebhookTransport
from server.webhooks.emitting import emit_test
from tests.api.mailing import deliver, mail_settings
from tests.api.shopping import new_cart, order_body, place
from tests.api.slow_reads import until
from tests.api.webhooking import add_endpoint, allow_private, endpoint
from tests.webhook_receiver import Answer, running_receiver

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings(tmp_path, mail_server):
    return mail_settings(tmp_path, mail_server.url)


async def other_store(app):
    new = validate_new_store("Other Shop", ["https://other.example"], "EUR")
    store = await create_store(services(app).db, new, now=now_ms())
    allow_private(app)
    return store


async def queue_test_events(app, store, url: str, count: int) -> None:
    """``count`` test events to a new endpoint at ``url`` (an owner clicking "Send test
    event" again and again, before any throttle)."""
    public_id, _ = await add_endpoint(app, store, url)
    found = await endpoint(app, store, public_id)
    now = services(app).clock.now_ms()
    for _ in range(count):
        await services(app).db.write(lambda conn: emit_test(conn, found, now))


async def order_email(client, shop) -> None:
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    assert (await place(client, order_body(token))).status_code == 201


async def attempted(app) -> dict[str, list[str]]:
    """Each endpoint's tried webhooks' states, by the endpoint's url."""
    rows = await services(app).db.fetch_all(
        "SELECT url, state FROM messages JOIN webhook_endpoints e"
        " ON e.store_id = messages.store_id AND e.public_id = messages.recipient"
        " WHERE kind = 'webhook' AND attempts > 0 ORDER BY messages.id"
    )
    tried: dict[str, list[str]] = {}
    for row in rows:
        tried.setdefault(row["url"], []).append(row["state"])
    return tried


async def test_a_silent_endpoint_takes_one_slot_and_delays_no_email(
    app, client, sending_shop, mail_server
):
    other = await other_store(app)
    built = services(app)  # a timeout short for a test, long enough on a busy machine
    built.sender.transports["webhook"] = WebhookTransport(
        built.db, built.clock, allow_private=True, timeout_s=2
    )
    with running_receiver() as silent, running_receiver() as answering:
        silent.answer(Answer(hang=True))
        await queue_test_events(app, other, silent.url, 16)
        await queue_test_events(app, other, answering.url, 2)
        await order_email(client, sending_shop)

        await deliver(app)
        assert len(mail_server.received) == 1  # the order's email went in the first round
        assert await attempted(app) == {silent.url: ["queued"], answering.url: ["sent"]}
        await deliver(app)  # one more each: one in flight per endpoint
        assert await attempted(app) == {
            silent.url: ["queued", "queued"],
            answering.url: ["sent", "sent"],
        }


async def test_the_running_sender_sends_email_while_a_webhook_hangs(
    app, client, sending_shop, mail_server
):
    other = await other_store(app)
    sender = services(app).sender
    try:
        with running_receiver() as silent:
            silent.answer(Answer(hang=True))  # for the real 15 s
            await queue_test_events(app, other, silent.url, 16)
            await order_email(client, sending_shop)
            sender.start()
            await until(lambda: mail_server.received, "the order's email")
            await until(lambda: silent.received, "a test event")
            assert len(silent.received) == 1  # the others wait for the endpoint's turn
    finally:
        await sender.stop()
