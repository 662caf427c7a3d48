"""Webhooks in the API tier: endpoints added straight to the database, the server's private
network setting (KEEPCART_WEBHOOKS_ALLOW_PRIVATE), the deliveries' transport with a short
timeout, and a receiver's checks."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from standardwebhooks import Webhook

from server.services import attach, services
from server.webhooks import queries
from server.webhooks.delivery import WebhookTransport
from server.webhooks.model import EVENT_TYPES, EndpointInput, new_secret

SHORT_TIMEOUT_S = 0.5  # what "the endpoint did not answer in time" takes in a test


def allow_private(app, allowed: bool = True) -> None:
    """The app as if started with KEEPCART_WEBHOOKS_ALLOW_PRIVATE=``allowed``: its pages and
    its deliveries."""
    built = services(app)
    settings = dataclasses.replace(built.settings, webhooks_allow_private=allowed)
    attach(app, dataclasses.replace(built, settings=settings))
    built.sender.transports["webhook"].allow_private = allowed  # type: ignore[attr-defined]


async def add_endpoint(app, store, url: str, events=tuple(EVENT_TYPES)) -> tuple[str, str]:
    """A new endpoint's public id and secret."""
    secret, now = new_secret(), services(app).clock.now_ms()
    new = EndpointInput(url, "", tuple(events))
    public_id = await services(app).db.write(
        lambda conn: queries.insert_endpoint(conn, store.id, new, secret, now)
    )
    return public_id, secret


async def endpoint(app, store, public_id: str):
    found = await queries.find_endpoint(services(app).db, store.id, public_id)
    assert found is not None
    return found


def short_timeouts(app) -> None:
    """Deliveries give up on a silent endpoint after ``SHORT_TIMEOUT_S``."""
    built = services(app)
    built.sender.transports["webhook"] = WebhookTransport(
        built.db, built.clock, allow_private=built.settings.webhooks_allow_private,
        timeout_s=SHORT_TIMEOUT_S,
    )  # fmt: skip


def verified(received, secret: str):
    """The delivery's JSON, once verified with the Standard Webhooks reference package as a
    receiver would (its timestamp within five minutes of now)."""
    return Webhook(secret).verify(received.body, received.headers)


def signed_by(received, secret: str) -> bool:
    """Whether one of the delivery's signatures is ``secret``'s (the reference package's
    signing, whatever the delivery's time)."""
    at = datetime.fromtimestamp(int(received.headers["webhook-timestamp"]), UTC)
    expected = Webhook(secret).sign(received.headers["webhook-id"], at, received.body)
    return expected in received.headers["webhook-signature"].split(" ")


async def webhook_messages(app) -> list[dict]:
    rows = await services(app).db.fetch_all(
        "SELECT * FROM messages WHERE channel = 'webhook' ORDER BY id"
    )
    return [dict(row) for row in rows]


async def attempts(app) -> list[dict]:
    rows = await services(app).db.fetch_all("SELECT * FROM webhook_attempts ORDER BY id")
    return [dict(row) for row in rows]


async def deliver_in_turn(app) -> int:
    """Rounds of the sender until one claims nothing (an endpoint takes one delivery at a
    time, so several events to it go in as many rounds); how many were claimed in all."""
    total = 0
    while claimed := await services(app).sender.run_once():
        total += claimed
    return total
