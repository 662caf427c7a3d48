"""Merchant webhooks end to end, against a real HTTP receiver that verifies them with the
Standard Webhooks reference package: emitted in the write that causes the event (and not
when it rolls back), signed, retried on the spec's schedule under one webhook-id, a 410 or a
whole schedule of failures disabling the endpoint, no redirect followed, a silent endpoint
timing out, private destinations refused, and a rotated secret signing alongside the new
one until its overlap ends."""

from __future__ import annotations

import json

import pytest

from server.checkout import placing
from server.clock import now_ms
from server.errors import Conflict
from server.services import services
from server.webhooks import queries
from server.webhooks.emitting import emit_test
from server.webhooks.model import (
    FAILING_REASON,
    GONE_REASON,
    MAX_ATTEMPTS,
    RETRY_DELAYS_MS,
    ROTATION_OVERLAP_MS,
    new_secret,
)
from tests.api.mailing import deliver
from tests.api.shopping import new_cart, order_body, place
from tests.api.webhooking import (
    SHORT_TIMEOUT_S,
    add_endpoint,
    allow_private,
    attempts,
    deliver_in_turn,
    endpoint,
    short_timeouts,
    signed_by,
    verified,
    webhook_messages,
)
from tests.webhook_receiver import Answer, running_receiver

pytestmark = pytest.mark.anyio


@pytest.fixture
def receiver():
    with running_receiver() as receiver:
        yield receiver


@pytest.fixture
async def hooked(app, shop, receiver):
    """The demo store, allowed to deliver to the local receiver, with one endpoint there
    for every event; the clock held at the real time (receivers check the timestamp)."""
    services(app).clock.set(now_ms())
    allow_private(app)
    public_id, secret = await add_endpoint(app, shop, receiver.url)
    return shop, public_id, secret


async def order(client, shop, **overrides):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    response = await place(client, order_body(token, **overrides))
    assert response.status_code == 201, response.text
    return response.json()["order"]


async def test_an_order_is_delivered_signed_as_the_reference_receiver_verifies(
    app, client, hooked, receiver
):
    shop, _, secret = hooked
    placed = await order(client, shop)
    assert await deliver_in_turn(app) == 2  # order.created, and order.paid: a card order is paid

    created, paid = sorted(receiver.received, key=lambda r: verified(r, secret)["type"])
    event = verified(created, secret)
    assert event["type"] == "order.created" and verified(paid, secret)["type"] == "order.paid"
    data = event["data"]
    assert (data["order_id"], data["number"], data["status"]) == (
        placed["id"], int(placed["number"]), "paid",
    )  # fmt: skip
    assert data["currency"] == "EUR" and data["totals"]["total"] == placed["totals"]["total"]
    assert [item["sku"] for item in data["items"]] == ["FH-MUG-01"]
    assert "aoife@example.com" not in created.body.decode()  # no personal data
    assert created.headers["content-type"] == "application/json"
    assert created.headers["user-agent"].startswith("Keepcart-Webhooks/")
    ids = {message["public_id"] for message in await webhook_messages(app)}
    assert {r.headers["webhook-id"] for r in receiver.received} == ids
    assert [m["state"] for m in await webhook_messages(app)] == ["sent", "sent"]


async def test_an_endpoint_gets_only_the_events_it_wants_while_enabled(
    app, client, hooked, receiver
):
    shop, first, _ = hooked
    await add_endpoint(app, shop, receiver.url, events=["order.fulfilled"])
    off, _ = await add_endpoint(app, shop, receiver.url, events=["order.created"])
    found = await endpoint(app, shop, off)
    await services(app).db.write(lambda conn: queries.set_enabled(conn, found.id, False, None, 0))
    await order(client, shop)
    assert sorted((m["recipient"], json.loads(m["inputs"])["type"])
                  for m in await webhook_messages(app)) == [
        (first, "order.created"), (first, "order.paid"),
    ]  # fmt: skip


async def test_an_order_that_rolls_back_emits_nothing(app, client, hooked, monkeypatch):
    shop, _, _ = hooked

    async def refuse(*args, **kwargs):
        raise Conflict("Refused at the very end.", code="late_failure")

    monkeypatch.setattr(placing.idempotency, "complete", refuse)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    assert (await place(client, order_body(token))).status_code == 409
    assert await webhook_messages(app) == []


async def test_failures_are_retried_on_the_schedule_under_one_id_then_verified(
    app, hooked, receiver
):
    shop, public_id, secret = hooked
    # Start in the past, so that the third attempt (5 s and 5 min later) happens at about
    # the real time, which the reference receiver checks the timestamp against.
    clock = services(app).clock
    clock.set(now_ms() - RETRY_DELAYS_MS[0] - RETRY_DELAYS_MS[1])
    receiver.answer(Answer(500, b"down"), Answer(503, b"still down"), Answer(204, b""))
    await emit_test_event(app, shop, public_id)

    assert await deliver(app) == 1
    [message] = await webhook_messages(app)
    assert (message["state"], message["last_error"]) == ("queued", "The endpoint answered 500.")
    clock.advance(RETRY_DELAYS_MS[0] - 1)
    assert await deliver(app) == 0  # not due yet
    clock.advance(1)
    assert await deliver(app) == 1
    clock.advance(RETRY_DELAYS_MS[1])
    assert await deliver(app) == 1

    first, second, third = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == message["public_id"]
    assert third.headers["webhook-id"] == message["public_id"] and first.body == third.body
    assert signed_by(first, secret) and signed_by(second, secret)
    assert verified(third, secret)["type"] == "webhook.test"
    [message] = await webhook_messages(app)
    assert (message["state"], message["attempts"]) == ("sent", 3)
    log = await attempts(app)
    assert [(a["attempt"], a["status_code"]) for a in log] == [(1, 500), (2, 503), (3, 204)]
    assert log[1]["response_snippet"] == "still down"
    assert (await endpoint(app, shop, public_id)).last_success_at == log[2]["started_at"]


async def test_a_410_disables_the_endpoint_at_once(app, client, hooked, receiver):
    shop, public_id, _ = hooked
    receiver.answer(Answer(410, b"gone"))
    await emit_test_event(app, shop, public_id)
    assert await deliver(app) == 1
    [message] = await webhook_messages(app)
    assert (message["state"], message["last_error"]) == ("failed", GONE_REASON)
    gone = await endpoint(app, shop, public_id)
    assert (gone.enabled, gone.disabled_reason) == (False, GONE_REASON)
    await order(client, shop)
    assert len(await webhook_messages(app)) == 1  # nothing more goes to it


async def test_an_endpoint_failing_for_the_whole_schedule_is_disabled(app, hooked, receiver):
    shop, public_id, _ = hooked
    receiver.answer(Answer(500))
    await emit_test_event(app, shop, public_id)
    for delay in (0, *RETRY_DELAYS_MS):
        services(app).clock.advance(delay)
        assert await deliver(app) == 1
    assert len(receiver.received) == MAX_ATTEMPTS == 8
    [message] = await webhook_messages(app)
    assert message["state"] == "failed" and "gave up after 8 attempts" in message["last_error"]
    failing = await endpoint(app, shop, public_id)
    assert (failing.enabled, failing.disabled_reason) == (False, FAILING_REASON)


async def test_one_success_in_between_keeps_the_endpoint_on(app, hooked, receiver):
    shop, public_id, _ = hooked
    receiver.answer(Answer(500))
    await emit_test_event(app, shop, public_id)
    for delay in (0, *RETRY_DELAYS_MS[:-1]):
        services(app).clock.advance(delay)
        await deliver(app)
    receiver.answer(Answer(200))  # another message gets through meanwhile
    await emit_test_event(app, shop, public_id)
    assert await deliver(app) == 1
    receiver.answer(Answer(500))
    services(app).clock.advance(RETRY_DELAYS_MS[-1])
    await deliver(app)
    assert [m["state"] for m in await webhook_messages(app)] == ["failed", "sent"]
    assert (await endpoint(app, shop, public_id)).enabled


async def test_a_redirect_is_not_followed(app, hooked, receiver):
    shop, public_id, _ = hooked
    receiver.answer(Answer(302, b"", {"location": receiver.url + "/elsewhere"}))
    await emit_test_event(app, shop, public_id)
    assert await deliver(app) == 1
    assert [r.path for r in receiver.received] == ["/hooks"]
    [message] = await webhook_messages(app)
    assert message["state"] == "queued" and "redirect" in message["last_error"]


async def test_an_endpoint_that_does_not_answer_in_time_is_tried_again(app, hooked, receiver):
    shop, public_id, _ = hooked
    short_timeouts(app)
    receiver.answer(Answer(hang=True))
    await emit_test_event(app, shop, public_id)
    assert await deliver(app) == 1
    [message] = await webhook_messages(app)
    assert message["state"] == "queued"
    assert message["last_error"] == f"The endpoint did not answer within {SHORT_TIMEOUT_S:g} s."
    [attempt] = await attempts(app)
    assert attempt["status_code"] is None and attempt["error"] == message["last_error"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hooks",
        "http://[::1]:9/hooks",
        "http://10.0.0.1/hooks",
        "http://localhost:9/hooks",
        "http://[::ffff:127.0.0.1]:9/hooks",
        "http://169.254.169.254/latest/meta-data",
    ],
    ids=["loopback", "ipv6-loopback", "private", "localhost", "ipv4-mapped", "metadata"],
)
async def test_a_private_destination_is_refused_at_delivery(app, hooked, receiver, url):
    """Saved while the server allowed private destinations; the setting turned off since."""
    shop, _, _ = hooked
    public_id, _ = await add_endpoint(app, shop, url)
    allow_private(app, False)
    await emit_test_event(app, shop, public_id)
    assert await deliver(app) == 1
    [message] = await webhook_messages(app)
    assert message["state"] == "failed" and "private network address" in message["last_error"]
    refused = await endpoint(app, shop, public_id)
    assert not refused.enabled and "private network" in (refused.disabled_reason or "")
    [attempt] = await attempts(app)
    assert attempt["status_code"] is None


async def test_the_local_receiver_itself_is_refused_when_private_is_off(app, hooked, receiver):
    shop, public_id, _ = hooked
    allow_private(app, False)
    await emit_test_event(app, shop, public_id)
    await deliver(app)
    assert receiver.received == []  # no request left Keepcart


async def test_a_rotated_secret_signs_alongside_the_new_one_until_its_overlap_ends(
    app, hooked, receiver
):
    shop, public_id, old = hooked
    found, new = await endpoint(app, shop, public_id), new_secret()
    clock = services(app).clock
    await services(app).db.write(lambda conn: queries.rotate_secret(
        conn, found.id, new, clock.now_ms() + ROTATION_OVERLAP_MS, clock.now_ms()))  # fmt: skip
    await emit_test_event(app, shop, public_id)
    await deliver(app)
    during = receiver.received[-1]
    assert verified(during, old) and verified(during, new)
    assert len(during.headers["webhook-signature"].split(" ")) == 2

    clock.advance(ROTATION_OVERLAP_MS)
    await emit_test_event(app, shop, public_id)
    await deliver(app)
    after = receiver.received[-1]
    assert signed_by(after, new) and not signed_by(after, old)
    assert len(after.headers["webhook-signature"].split(" ")) == 1


async def emit_test_event(app, shop, public_id: str) -> None:
    found = await endpoint(app, shop, public_id)
    now = services(app).clock.now_ms()
    await services(app).db.write(lambda conn: emit_test(conn, found, now))
