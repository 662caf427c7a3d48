"""Cart recovery by SMS, end to end with the test clock, a real SMTP server and the local
Twilio-compatible API: the checkout offers the SMS box only when an SMS can go, the phone is
kept only with the box ticked and its words, the checkout's one SMS goes with its first
reminder carrying a working recovery link, and it stops with the sequence."""

from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from server.messages.model import EmailSettings
from server.recovery.model import DEFAULT_CONSENT, DEFAULT_SMS_CONSENT, HOUR_MS
from server.services import services
from server.settings import Settings
from tests.api.admin_client import sign_in
from tests.api.mailing import SECRET, deliver, messages, set_email_settings
from tests.api.recovering import SHOPPER, TEXT_PLAIN, contacts, exchange, set_recovery, wording
from tests.api.shopping import new_cart, order_body, place
from tests.sms import FROM

pytestmark = pytest.mark.anyio

DUBLIN = ZoneInfo("Europe/Dublin")
NOON = int(datetime(2026, 6, 10, 12, 0, tzinfo=DUBLIN).timestamp() * 1000)
EVENING = int(datetime(2026, 6, 10, 20, 30, tzinfo=DUBLIN).timestamp() * 1000)
PHONE = "087 123 4567"  # an Irish mobile, as a shopper in Ireland writes it
E164 = "+353871234567"


@pytest.fixture
def settings(tmp_path, mail_server, sms_api):
    return Settings(
        db=tmp_path / "keepcart.db", secret_keys=(SECRET,), smtp_url=mail_server.url,
        sms_url=sms_api.url, sms_from=FROM,
    )  # fmt: skip


@pytest.fixture
async def texting_shop(app, shop):
    """The shop (its checkout asks for a phone, optionally) with recovery SMS on, in
    consent mode with no holdout, the clock at noon in Dublin."""
    await set_email_settings(app, shop, enabled=EmailSettings().enabled | {"recovery_sms"})
    await set_recovery(app, shop)
    services(app).clock.set(NOON)
    return shop


async def give(client, token: str, **changes):
    """The contact as the widget sends it with both boxes ticked, but for ``changes``."""
    body = {"email": SHOPPER, "consent": True, "shown": DEFAULT_CONSENT, "phone": PHONE,
            "sms_consent": True, "sms_shown": DEFAULT_SMS_CONSENT, **changes}  # fmt: skip
    return await client.put(f"/v1/carts/{token}/contact", content=json.dumps(body),
                            headers=TEXT_PLAIN)  # fmt: skip


def at(app, start: int, hours: float) -> None:
    services(app).clock.set(start + int(hours * HOUR_MS))


async def test_the_checkout_offers_the_sms_box_only_when_an_sms_can_go(app, client, texting_shop):
    block = await wording(client, texting_shop)
    assert block is not None and block["sms"] == DEFAULT_SMS_CONSENT
    await set_recovery(app, texting_shop, sms_text="Text me once about my cart")
    assert (await wording(client, texting_shop))["sms"] == "Text me once about my cart"

    await set_email_settings(app, texting_shop)  # the kind off
    assert "sms" not in await wording(client, texting_shop)
    await set_email_settings(app, texting_shop, enabled=EmailSettings().enabled | {"recovery_sms"})
    await services(app).db.write(lambda conn: conn.execute(
        "UPDATE stores SET phone_required = 0 WHERE id = ?", (texting_shop.id,)))  # fmt: skip
    assert "sms" not in await wording(client, texting_shop)  # no phone field


async def test_the_phone_is_kept_with_the_words_of_the_ticked_box(app, client, texting_shop):
    token = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
    response = await give(client, token)
    assert response.json() == {"saved": True, "sms": True}
    [contact] = await contacts(app)
    assert (contact["phone"], contact["sms_consent_wording"]) == (E164, DEFAULT_SMS_CONSENT)

    unticked = await give(client, token, sms_consent=False)
    assert unticked.json() == {"saved": True, "sms": False}
    [contact] = await contacts(app)
    assert (contact["phone"], contact["sms_consent_wording"]) == (None, None)


async def test_other_words_are_409_and_a_bad_number_422_and_nothing_is_kept(
    app, client, texting_shop
):
    token = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
    changed = await give(client, token, sms_shown="Text me about my cart, old words")
    assert changed.status_code == 409
    assert changed.json()["error"] | {"message": ""} == {
        "code": "wording_changed", "field": "sms_shown", "message": ""}  # fmt: skip
    bad = await give(client, token, phone="12")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "phone"
    assert await contacts(app) == []


async def test_one_sms_goes_with_the_first_reminder_and_its_link_opens_the_cart(
    app, client, texting_shop, mail_server, sms_api
):
    token = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
    assert (await give(client, token)).json() == {"saved": True, "sms": True}
    at(app, NOON, 0.99)
    await deliver(app)
    assert sms_api.received() == []
    at(app, NOON, 1)
    await deliver(app)
    [text] = sms_api.received()
    assert text.form["To"] == E164
    body = text.form["Body"]
    assert body.startswith("Test Shop: you left something in your cart.") and len(body) < 320
    link = body.rsplit(" ", 1)[1]
    assert "/r/" in link
    opened = await client.get(urlsplit(link).path)
    assert opened.status_code == 303 and "#keepcart-cart=" in opened.headers["location"]
    assert len(mail_server.received) == 1  # the email reminder too

    at(app, NOON, 24)
    await deliver(app)
    at(app, NOON, 72)
    await deliver(app)
    assert len(sms_api.received()) == 1 and len(mail_server.received) == 3
    kinds = [(row["kind"], row["state"]) for row in await messages(app)]
    assert kinds.count(("recovery_sms", "sent")) == 1


async def test_an_sms_waiting_for_the_quiet_hours_to_end_stops_with_an_order(
    app, client, texting_shop, sms_api
):
    services(app).clock.set(EVENING)  # abandoned at 21:30: quiet until 08:00
    token = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
    await give(client, token)
    at(app, EVENING, 1)
    await deliver(app)
    assert sms_api.received() == []
    at(app, EVENING, 2)
    assert (await place(client, order_body(token, email=SHOPPER))).status_code == 201
    at(app, EVENING, 12)  # 08:30 in Dublin
    await deliver(app)
    assert sms_api.received() == []
    [row] = [row for row in await messages(app) if row["kind"] == "recovery_sms"]
    assert row["state"] == "suppressed"
    assert row["last_error"] == "Not sent: an order was placed since it was queued."


async def test_a_phone_alone_gets_its_one_sms_and_no_email(
    app, client, texting_shop, mail_server, sms_api
):
    token = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
    response = await give(client, token, consent=False)  # the email box left unticked
    assert response.json() == {"saved": False, "sms": True}
    [contact] = await contacts(app)
    assert contact["email"] is None and contact["phone"] == E164
    # Someone else's order, its email erased since (a shopper's erasure leaves ''): no
    # email is no match.
    other = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
    assert (await place(client, order_body(other, email="pat@example.test"))).status_code == 201
    await services(app).db.write(lambda conn: conn.execute("UPDATE orders SET email = ''"))
    for hours in (1, 24, 72):
        at(app, NOON, hours)
        await deliver(app)
    assert len(sms_api.received()) == 1
    assert [m.message["Subject"].split()[0] for m in mail_server.received] == ["Your"]  # order
    [contact] = await contacts(app)
    assert (contact["abandoned_at"], contact["stop_reason"]) == (NOON + HOUR_MS, "finished")


# ---- what an SMS may cost the store ---------------------------------------------------------

NOT_MOBILE = ["+1 800 555 0199", "+1 900 555 0100", "+44 909 876 5432", "+881 6 1234 5678",
              "+44 56 1234 5678", "+353 1 234 5678"]  # fmt: skip


@pytest.mark.parametrize(
    "phone",
    NOT_MOBILE,
    ids=["toll-free", "premium-us", "premium-uk", "satellite", "voip", "landline"],
)
async def test_a_ticked_box_with_a_number_that_is_no_mobile_keeps_the_email_but_no_number(
    app, client, texting_shop, phone
):
    token = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
    answer = await give(client, token, phone=phone)
    assert answer.json() == {"saved": True, "sms": False}
    [contact] = await contacts(app)
    assert (contact["email"], contact["phone"], contact["sms_consent_wording"]) == (
        SHOPPER, None, None)  # fmt: skip
    # Unticked, the number is the courier's business: the email is kept, the phone not.
    unticked = await give(client, token, phone=phone, sms_consent=False)
    assert unticked.json() == {"saved": True, "sms": False}


@pytest.mark.parametrize("phone", ["+1 415 555 0132", "+44 7400 123456", PHONE])
async def test_mobile_numbers_and_those_that_may_be_one_are_kept(app, client, texting_shop, phone):
    token = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
    assert (await give(client, token, phone=phone)).json() == {"saved": True, "sms": True}


async def test_a_number_kept_before_the_rule_gets_no_text(app, client, texting_shop, sms_api):
    token = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
    await give(client, token)
    await services(app).db.write(lambda conn: conn.execute(
        "UPDATE checkout_contacts SET phone = '+19005550100'"))  # fmt: skip
    at(app, NOON, 1)
    await deliver(app)
    assert sms_api.received() == []
    assert [row for row in await messages(app) if row["kind"] == "recovery_sms"] == []


async def test_one_number_gets_one_text_in_48_hours_whatever_the_carts(
    app, client, texting_shop, sms_api
):
    for n in range(4):  # a new cart and a new email each time: the per-cart cap never meets
        token = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
        assert (await give(client, token, email=f"x{n}@example.com")).json()["sms"] is True
    at(app, NOON, 1)
    while await deliver(app):
        pass
    assert len(sms_api.received()) == 1
    texts = [row for row in await messages(app) if row["kind"] == "recovery_sms"]
    assert sorted(row["state"] for row in texts) == ["sent"] + ["suppressed"] * 3
    assert {row["last_error"] for row in texts if row["state"] == "suppressed"} == {
        "Not sent: this number had a reminder text in the last 48 hours."
    }
    # Two days on, the number may have one again.
    services(app).clock.set(NOON + 50 * HOUR_MS)
    token = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
    await give(client, token, email="later@example.com")
    at(app, NOON, 51)
    await deliver(app)
    assert len(sms_api.received()) == 2


async def test_a_store_sends_at_most_its_daily_number_of_texts(
    app, client, texting_shop, sms_api, monkeypatch
):
    monkeypatch.setattr("server.messages.sms_outbox.RECOVERY_SMS_PER_DAY", 2)
    for n in range(3):
        token = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
        await give(client, token, email=f"x{n}@example.com", phone=f"087 123 456{n}")
    at(app, NOON, 1)
    while await deliver(app):
        pass
    assert len(sms_api.received()) == 2
    [capped] = [row for row in await messages(app) if row["state"] == "suppressed"]
    assert capped["last_error"] == (
        "Not sent: the store's daily SMS limit (2 reminder texts in 24 hours) was reached."
    )


# ---- results ---------------------------------------------------------------------------------


async def test_the_results_count_a_reminder_texted_as_delivered_and_its_link_opened_once(
    app, client, texting_shop, sms_api, mail_server, merchant
):
    """Two checkouts: one by email, one by phone alone. The phone's reminder is written (no
    email), delivered by its SMS and opened from it: the step reads 2 written, 2 delivered,
    1 opened (50 %), not "2 sent, 1 delivered, 1 opened (100 %)"."""
    token = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
    await give(client, token, sms_consent=False, phone="")  # an email only
    token = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
    assert (await give(client, token, consent=False, phone="087 123 4567")).json() == {
        "saved": False, "sms": True}  # fmt: skip
    at(app, NOON, 1)
    while await deliver(app):
        pass
    [text] = sms_api.received()
    opened = await client.get(urlsplit(text.form["Body"].rsplit(" ", 1)[1]).path)
    claim = urlsplit(opened.headers["location"]).fragment.split("=", 1)[1]
    assert (await exchange(client, claim, texting_shop)).status_code == 200
    await sign_in(client)
    page = (await client.get(f"/admin/stores/{texting_shop.id}/recovery/results")).text
    row = re.search(r'<tr data-step="1">.*?</tr>', page, re.S)
    assert row is not None
    cells = dict(re.findall(r'data-col="(\w+)">\s*([^<]*)', row.group(0)))
    assert (cells["written"], cells["delivered"], cells["clicked"].strip()) == ("2", "2", "1")
    assert "(50.0 %)" in row.group(0)
