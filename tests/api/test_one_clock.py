"""One clock: every rate limit reads the app's clock, so a test moves time for all of them
at once, without sleeping."""

from __future__ import annotations

import dataclasses

import pytest

from server.services import services
from server.settings import Settings
from tests.api.admin_client import sign_in
from tests.api.shopping import HEADERS, new_cart
from tests.api.tracking import batch, post

pytestmark = pytest.mark.anyio

LIMIT = 3
MINUTE_MS = 60_000


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Three requests of each kind a period, so a test reaches every limit quickly."""
    return dataclasses.replace(
        settings, api_rate_limit=LIMIT, events_rate_limit=LIMIT, login_rate_limit=LIMIT
    )


async def test_a_cart_limit_resets_once_the_clock_moves_a_minute_on(app, client, shop):
    token = await new_cart(client, shop.public_key)  # the first of the three
    for _ in range(LIMIT - 1):
        assert (await client.get(f"/v1/carts/{token}", headers=HEADERS)).status_code == 200
    assert (await client.get(f"/v1/carts/{token}", headers=HEADERS)).status_code == 429

    services(app).clock.advance(MINUTE_MS)

    assert (await client.get(f"/v1/carts/{token}", headers=HEADERS)).status_code == 200


async def test_an_event_limit_resets_once_the_clock_moves_a_minute_on(app, client, store):
    # Valid batches take the ingest fast path, which counts them against the same limiter.
    for _ in range(LIMIT):
        assert (await post(client, batch(store.public_key))).status_code == 202
    assert (await post(client, batch(store.public_key))).status_code == 429

    services(app).clock.advance(MINUTE_MS)

    assert (await post(client, batch(store.public_key))).status_code == 202


async def test_sign_in_attempts_reset_once_the_clock_moves_fifteen_minutes_on(
    app, client, merchant
):
    for _ in range(LIMIT):
        assert (await sign_in(client, password="nope nope")).status_code == 422
    assert (await sign_in(client)).status_code == 429

    services(app).clock.advance(15 * MINUTE_MS)

    assert (await sign_in(client)).status_code == 303
