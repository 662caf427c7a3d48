"""``PUT /v1/carts/{token}/contact``: the checkout's email kept only as the store's mode allows
and only with the words the shopper saw; and the checkout's setup telling the widget those
words."""

from __future__ import annotations

import json

import pytest

from server.recovery.model import DEFAULT_CONSENT, DEFAULT_NOTICE
from tests.api.recovering import (
    SHOPPER,
    TEXT_PLAIN,
    contacts,
    give_contact,
    set_recovery,
    wording,
)
from tests.api.shopping import new_cart

pytestmark = pytest.mark.anyio


async def test_a_new_store_asks_for_consent(client, store):
    assert await wording(client, store) == {"mode": "consent", "text": DEFAULT_CONSENT}


async def test_a_store_with_recovery_off_shows_nothing_and_keeps_nothing(app, client, shop):
    await set_recovery(app, shop, mode="off")
    assert await wording(client, shop) is None
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    response = await give_contact(client, token, shown="")
    assert response.status_code == 200 and response.json() == {"saved": False, "sms": False}
    assert await contacts(app) == []


async def test_notice_mode_keeps_the_email_with_the_notice_shown(app, client, shop):
    await set_recovery(app, shop, mode="notice", notice_text="We may remind you by email.")
    assert await wording(client, shop) == {"mode": "notice", "text": "We may remind you by email."}
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    response = await give_contact(client, token, " Aoife@Example.com ", consent=False, store=shop)
    assert response.json() == {"saved": True, "sms": False}
    [contact] = await contacts(app)
    assert (contact["email"], contact["wording"], contact["mode"]) == (
        SHOPPER, "We may remind you by email.", "notice")  # fmt: skip
    assert contact["phone"] is None and contact["sms_consent_wording"] is None


async def test_consent_mode_keeps_the_email_only_once_ticked_and_unticking_forgets_it(
    app, client, shop
):
    await set_recovery(app, shop)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    unticked = await give_contact(client, token, consent=False, store=shop)
    assert unticked.json() == {"saved": False, "sms": False} and await contacts(app) == []

    ticked = await give_contact(client, token, consent=True, store=shop)
    assert ticked.json() == {"saved": True, "sms": False}
    [contact] = await contacts(app)
    assert (contact["email"], contact["wording"]) == (SHOPPER, DEFAULT_CONSENT)

    again = await give_contact(client, token, consent=False, store=shop)
    assert again.json() == {"saved": False, "sms": False} and await contacts(app) == []


async def test_notice_modes_dont_remind_me_forgets_the_email(app, client, shop):
    await set_recovery(app, shop, mode="notice")
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    assert (await give_contact(client, token, store=shop)).json()["saved"] is True
    body = {"email": SHOPPER, "consent": False, "shown": DEFAULT_NOTICE, "opt_out": True}
    response = await client.post(
        f"/v1/carts/{token}/contact", content=json.dumps(body), headers=TEXT_PLAIN
    )
    assert response.json() == {"saved": False, "sms": False}, response.text
    assert await contacts(app) == []


async def test_words_the_store_no_longer_shows_are_409_and_keep_nothing(app, client, shop):
    await set_recovery(app, shop, mode="notice")
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    response = await give_contact(client, token, shown=DEFAULT_NOTICE + " (old)")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "wording_changed"
    assert await contacts(app) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "consent": True}, "email"),
        ({"consent": True}, "email"),
        ({"email": SHOPPER, "consent": "yes"}, "consent"),
        ({"email": SHOPPER, "consent": True, "shown": 5}, "shown"),
        ({"email": SHOPPER, "consent": False, "opt_out": 1}, "opt_out"),
    ],
    ids=["bad-email", "no-email", "consent-not-bool", "shown-not-text", "opt-out-not-bool"],
)
async def test_bad_input_is_422_naming_the_field(app, client, shop, body, field):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    response = await client.put(
        f"/v1/carts/{token}/contact", json=body, headers={"Origin": "http://shop.test"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field
    assert await contacts(app) == []


async def test_a_forged_cart_token_is_refused(client, shop):
    response = await give_contact(client, "forged.token.here", store=shop)
    assert response.status_code == 400
