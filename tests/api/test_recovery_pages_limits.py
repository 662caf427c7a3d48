"""The pages a shopper opens from a reminder (``/r/…``, ``/u/…``) answer a rate limit with a
page, not the API's JSON; and a mail client's one-click unsubscribe (RFC 8058) is not held to
the cart and checkout limit."""

from __future__ import annotations

import dataclasses

import pytest

from server.messages.suppression import is_suppressed
from server.services import services
from tests.api.mailing import deliver, mail_settings
from tests.api.recovering import (
    SHOPPER,
    at_hours,
    give_contact,
    recovery_link,
    set_recovery,
    unsubscribe_link,
)
from tests.api.shopping import new_cart

pytestmark = pytest.mark.anyio

LIMIT = 5


@pytest.fixture
def settings(tmp_path, mail_server):
    return dataclasses.replace(mail_settings(tmp_path, mail_server.url), api_rate_limit=LIMIT)


async def reminder_text(app, client, shop, mail_server) -> str:
    await set_recovery(app, shop)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    await give_contact(client, token, SHOPPER, store=shop)
    at_hours(app, 1)
    await deliver(app)
    return mail_server.received[-1].part("plain")


@pytest.mark.parametrize("which", [recovery_link, unsubscribe_link])
async def test_a_rate_limited_link_answers_a_page_saying_to_wait(
    app, client, sending_shop, mail_server, which
):
    link = which(await reminder_text(app, client, sending_shop, mail_server))
    answers = [await client.get(link) for _ in range(LIMIT + 3)]
    limited = answers[-1]
    assert limited.status_code == 429
    assert limited.headers["content-type"].startswith("text/html")
    assert int(limited.headers["retry-after"]) >= 1
    assert "Too many requests" in limited.text and "try again in a minute" in limited.text
    assert limited.headers["cache-control"] == "no-store"


async def test_a_one_click_unsubscribe_is_not_held_to_the_cart_limit(
    app, client, sending_shop, mail_server
):
    link = unsubscribe_link(await reminder_text(app, client, sending_shop, mail_server))
    for _ in range(LIMIT + 3):  # the same address spent the cart and checkout limit
        await client.get(link)
    answer = await client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and "You are unsubscribed" in answer.text
    state = services(app)
    assert await is_suppressed(state.db, sending_shop.id, SHOPPER)
