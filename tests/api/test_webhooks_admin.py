"""The Webhooks pages as an owner uses them: adding an endpoint (every field error at once,
422, nothing written; a private destination refused unless the server allows it, which the
page shows and does not change), the secret shown once and never again, rotating it, a test
event and its delivery log (the endpoint's answer escaped), resending, and enabling an
endpoint Keepcart disabled."""

from __future__ import annotations

import logging
import re

import pytest

from server.clock import now_ms
from server.services import services
from server.webhooks import queries
from tests.api.admin_client import client_for, csrf_from, field_error
from tests.api.mailing import deliver
from tests.api.webhooking import allow_private, endpoint, verified, webhook_messages
from tests.conftest import MERCHANT_PASSWORD
from tests.webhook_receiver import Answer, running_receiver

pytestmark = pytest.mark.anyio

EVENTS = ["order.created", "review.created"]
# A public address, so the guard passes it with no DNS lookup (nothing is delivered there).
PUBLIC_URL = "https://8.8.8.8/in"


@pytest.fixture
def receiver():
    with running_receiver() as receiver:
        yield receiver


@pytest.fixture
async def owner(app, shop, merchant):
    services(app).clock.set(now_ms())
    async with client_for(app, merchant, MERCHANT_PASSWORD) as client:
        yield client


def base(shop) -> str:
    return f"/admin/stores/{shop.id}/webhooks"


async def add(owner, shop, url, events=EVENTS, description=""):
    token = csrf_from((await owner.get(base(shop) + "/new")).text)
    data = {"csrf_token": token, "url": url, "description": description, "events": events}
    return await owner.post(base(shop) + "/new", data=data)


def shown_secret(html: str) -> str:
    match = re.search(r'id="secret" class="secret-value">(whsec_[A-Za-z0-9+/=]+)<', html)
    assert match, html
    return match.group(1)


async def only_endpoint(app, shop):
    [found] = await queries.list_endpoints(services(app).db, shop.id)
    return found


async def post(owner, url: str, page: str, data=None):
    token = csrf_from((await owner.get(page)).text)
    return await owner.post(url, data={"csrf_token": token, **(data or {})})


async def test_an_endpoint_is_added_and_its_secret_shown_only_once(
    app, shop, owner, receiver, caplog
):
    allow_private(app)
    caplog.set_level(logging.DEBUG, logger="keepcart")  # aiosqlite stays at INFO (server.logs)
    added = await add(owner, shop, receiver.url, description="Our ERP")
    assert added.status_code == 200 and added.headers["cache-control"] == "no-store"
    secret = shown_secret(added.text)
    found = await only_endpoint(app, shop)
    assert (found.url, found.event_types, found.description) == (
        receiver.url, tuple(EVENTS), "Our ERP",
    )  # fmt: skip
    assert await queries.live_secrets(services(app).db, found.id, now_ms()) == [secret]

    listing = await owner.get(base(shop))
    page = await owner.get(f"{base(shop)}/{found.public_id}")
    assert receiver.url in listing.text and "order.created, review.created" in page.text
    assert secret not in listing.text and secret not in page.text
    assert secret not in caplog.text


async def test_a_refused_form_shows_every_error_and_writes_nothing(app, shop, owner):
    refused = await add(owner, shop, "ftp://example.com/in", events=[], description="x" * 300)
    assert refused.status_code == 422
    assert field_error(refused.text, "url") == "Only http and https URLs can receive webhooks."
    assert field_error(refused.text, "events") == "Choose at least one event."
    assert field_error(refused.text, "description") == "Keep the description to 200 characters."
    assert 'value="ftp://example.com/in"' in refused.text  # the form as it was sent
    assert await queries.list_endpoints(services(app).db, shop.id) == []


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/in", "http://[::1]/in", "http://10.0.0.1/in", "http://localhost/in",
     "http://[::ffff:127.0.0.1]/in", "http://192.168.1.20/in"],
    ids=["loopback", "ipv6-loopback", "private", "localhost", "ipv4-mapped", "lan"],
)  # fmt: skip
async def test_a_private_destination_is_refused_at_save_unless_allowed(app, shop, owner, url):
    refused = await add(owner, shop, url)  # a server starts with private destinations refused
    assert refused.status_code == 422
    assert "private network address" in field_error(refused.text, "url")
    assert "KEEPCART_WEBHOOKS_ALLOW_PRIVATE" in field_error(refused.text, "url")
    assert await queries.list_endpoints(services(app).db, shop.id) == []

    allow_private(app)  # the operator's KEEPCART_WEBHOOKS_ALLOW_PRIVATE=1
    assert (await add(owner, shop, url)).status_code == 200


async def test_private_destinations_are_the_operators_setting_shown_not_changed(app, shop, owner):
    # Any login may make a store and own it: an owner's switch would let anyone reach the
    # machine's internal services and read their answers in the delivery log.
    listing = await owner.get(base(shop))
    assert "Private network destinations: refused (the server’s setting" in listing.text
    assert f'action="{base(shop)}/settings"' not in listing.text
    assert 'name="allow"' not in listing.text
    token = csrf_from(listing.text)
    gone = await owner.post(base(shop) + "/settings", data={"csrf_token": token, "allow": "true"})
    assert gone.status_code in (404, 405)
    allow_private(app)
    assert (
        "Private network destinations: allowed (the server’s setting"
        in (await owner.get(base(shop))).text
    )


async def test_rotating_shows_the_new_secret_once_and_keeps_the_old_signing_for_a_day(
    app, shop, owner
):
    first = shown_secret((await add(owner, shop, PUBLIC_URL)).text)
    found = await only_endpoint(app, shop)
    page = f"{base(shop)}/{found.public_id}"
    rotated = await post(owner, page + "/rotate", page)
    assert rotated.status_code == 200 and rotated.headers["cache-control"] == "no-store"
    second = shown_secret(rotated.text)
    assert second != first
    assert await queries.live_secrets(services(app).db, found.id, now_ms()) == [second, first]
    assert "Signs along with the new one until" in (await owner.get(page)).text


async def test_a_test_event_arrives_and_its_log_shows_the_answer_escaped(
    app, shop, owner, receiver
):
    allow_private(app)
    secret = shown_secret((await add(owner, shop, receiver.url)).text)
    found = await only_endpoint(app, shop)
    page = f"{base(shop)}/{found.public_id}"
    receiver.answer(Answer(500, b"<script>alert(1)</script>"), Answer(200))
    sent = await post(owner, page + "/test", page)
    assert sent.status_code == 303 and sent.headers["location"].endswith("?saved=test")
    assert await deliver(app) == 1

    log = (await owner.get(page)).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in log and "<script>alert" not in log
    assert "The endpoint answered 500." in log
    services(app).clock.advance(5_000)
    assert await deliver(app) == 1
    assert verified(receiver.received[-1], secret)["type"] == "webhook.test"

    [message] = await webhook_messages(app)
    resend = f"{page}/deliveries/{message['public_id']}/resend"
    assert (await post(owner, resend, page)).status_code == 303
    assert await deliver(app) == 1
    ids = {r.headers["webhook-id"] for r in receiver.received}
    assert ids == {message["public_id"]} and len(receiver.received) == 3


async def test_test_events_to_an_endpoint_are_one_per_ten_seconds(app, shop, owner, receiver):
    allow_private(app)
    await add(owner, shop, receiver.url)
    found = await only_endpoint(app, shop)
    page = f"{base(shop)}/{found.public_id}"
    assert (await post(owner, page + "/test", page)).status_code == 303
    services(app).clock.advance(2_500)
    again = await post(owner, page + "/test", page)
    assert again.status_code == 429
    assert "A test event was just sent to this endpoint: send another in 8 seconds." in again.text
    assert len(await webhook_messages(app)) == 1

    services(app).clock.advance(7_500)  # ten seconds after the first
    assert (await post(owner, page + "/test", page)).status_code == 303
    assert len(await webhook_messages(app)) == 2


async def test_an_endpoint_keepcart_disabled_is_warned_of_and_enabled_again(
    app, shop, owner, receiver
):
    allow_private(app)
    await add(owner, shop, receiver.url)
    found = await only_endpoint(app, shop)
    page = f"{base(shop)}/{found.public_id}"
    receiver.answer(Answer(410))
    await post(owner, page + "/test", page)
    await deliver(app)
    listing = (await owner.get(base(shop))).text
    assert "Keepcart stopped sending to 1 endpoint" in listing and "410 Gone" in listing

    allow_private(app, False)
    refused = await post(owner, page + "/enable", page)
    assert refused.status_code == 422 and "private network address" in refused.text
    assert not (await endpoint(app, shop, found.public_id)).enabled

    allow_private(app)
    assert (await post(owner, page + "/enable", page)).status_code == 303
    again = await endpoint(app, shop, found.public_id)
    assert again.enabled and again.disabled_reason is None
