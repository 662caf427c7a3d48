"""SMS end to end against a local Twilio-compatible API that checks every request: the
provider's request (auth, form fields, idempotency header), its answers (accepted, refused for
good, too many requests then accepted), and the rules a recovery SMS keeps when it is queued
and when it is sent (consent, one per cart in 48 hours, quiet hours)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from server.messages.model import EmailSettings, Message
from server.messages.rendering import RenderContext
from server.messages.sms import TwilioSms, sms_content
from server.messages.sms_outbox import enqueue_recovery_sms
from server.services import services
from server.settings import Settings
from tests.api.mailing import SECRET, deliver, messages, set_email_settings
from tests.api.shopping import new_cart
from tests.sms import FROM, SID, TOKEN

pytestmark = pytest.mark.anyio

DUBLIN = ZoneInfo("Europe/Dublin")
NOON = int(datetime(2026, 6, 10, 12, 0, tzinfo=DUBLIN).timestamp() * 1000)
HOUR = 3_600_000
CONSENT = "Text me one reminder about my cart"
PHONE = "087 123 4567"  # an Irish mobile, written as a shopper in Ireland would


@pytest.fixture
def settings(tmp_path, sms_api):
    return Settings(
        db=tmp_path / "keepcart.db", secret_keys=(SECRET,), sms_url=sms_api.url, sms_from=FROM
    )


async def render_reminder(message: Message, context: RenderContext):
    return sms_content("Cart reminder", f"{context.store.name}: your cart is waiting.")


@pytest.fixture
async def texting_shop(app, shop):
    """The shop with recovery SMS switched on, the clock at noon in Dublin, and a renderer
    for the kind (the cart recovery job's own, in the app)."""
    enabled = EmailSettings().enabled | {"recovery_sms"}
    await set_email_settings(app, shop, enabled=enabled)
    services(app).clock.set(NOON)
    sender = services(app).sender
    sender.renderers = {**sender.renderers, "recovery_sms": render_reminder}
    return shop


async def cart_id(app, client, shop) -> int:
    await new_cart(client, shop.public_key, FH_MUG_01=1)
    return await services(app).db.fetch_value("SELECT max(id) FROM carts")


async def queue(app, shop, cart: int, **changes):
    values = {"cart_id": cart, "phone": PHONE, "sms_consent_wording": CONSENT,
              "now": services(app).clock.now_ms(), **changes}  # fmt: skip
    return await services(app).db.write(lambda conn: enqueue_recovery_sms(conn, shop, **values))


async def test_the_provider_gets_one_signed_request_with_the_form_and_idempotency_token(
    sms_api, settings
):
    provider = TwilioSms(settings.sms)
    sid = await provider.send("+353871234567", "Your cart is waiting.", "msg_abc123")
    [request] = sms_api.received()
    assert sid.startswith("SM")
    assert request.path == f"/2010-04-01/Accounts/{SID}/Messages.json" and request.authorised
    assert request.form == {"To": "+353871234567", "From": FROM, "Body": "Your cart is waiting."}
    assert request.headers["i-twilio-idempotency-token"] == "msg_abc123"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"


async def test_a_messaging_service_sends_as_itself(sms_api, settings):
    service = dataclasses.replace(settings.sms, sender="MG0123")
    await TwilioSms(service).send("+353871234567", "Hi", "msg_1")
    assert sms_api.received()[0].form == {"To": "+353871234567", "MessagingServiceSid": "MG0123",
                                          "Body": "Hi"}  # fmt: skip


async def test_a_recovery_sms_is_sent_as_e164_and_marked_sent(app, client, texting_shop, sms_api):
    cart = await cart_id(app, client, texting_shop)
    public_id = await queue(app, texting_shop, cart)
    assert public_id is not None
    assert await deliver(app) == 1
    [request] = sms_api.received()
    assert request.form["To"] == "+353871234567"
    assert request.form["Body"] == "Test Shop: your cart is waiting."
    assert request.headers["i-twilio-idempotency-token"] == public_id
    [row] = await messages(app)
    assert (row["channel"], row["state"], row["attempts"], row["sent_at"]) == (
        "sms", "sent", 1, NOON
    )  # fmt: skip


async def test_a_refusal_for_good_fails_at_once_with_the_providers_words(
    app, client, texting_shop, sms_api
):
    sms_api.answer(400)
    await queue(app, texting_shop, await cart_id(app, client, texting_shop))
    await deliver(app)
    [row] = await messages(app)
    assert (row["state"], row["attempts"]) == ("failed", 1)
    assert row["last_error"] == (
        "The SMS provider answered 400: The 'To' number is not a valid phone number."
    )
    services(app).clock.advance(24 * HOUR)
    assert await deliver(app) == 0 and len(sms_api.received()) == 1


async def test_too_many_requests_is_tried_again_with_the_same_idempotency_token(
    app, client, texting_shop, sms_api
):
    sms_api.answer(429)
    public_id = await queue(app, texting_shop, await cart_id(app, client, texting_shop))
    await deliver(app)
    [row] = await messages(app)
    assert (row["state"], row["attempts"]) == ("queued", 1)
    assert "429" in row["last_error"] and TOKEN not in row["last_error"]
    assert await deliver(app) == 0  # not before the backoff
    services(app).clock.set(row["next_attempt_at"])
    assert await deliver(app) == 1
    first, second = sms_api.received()
    assert first.headers["i-twilio-idempotency-token"] == public_id
    assert second.headers["i-twilio-idempotency-token"] == public_id
    assert first.form == second.form
    [row] = await messages(app)
    assert (row["state"], row["attempts"]) == ("sent", 2)


async def test_no_consent_or_no_valid_number_queues_nothing(app, client, texting_shop):
    cart = await cart_id(app, client, texting_shop)
    assert await queue(app, texting_shop, cart, sms_consent_wording=None) is None
    assert await queue(app, texting_shop, cart, sms_consent_wording="") is None
    assert await queue(app, texting_shop, cart, phone="12") is None
    assert await messages(app) == []


async def test_the_kind_switched_off_queues_nothing(app, client, shop):
    cart = await cart_id(app, client, shop)
    assert await queue(app, shop, cart) is None  # recovery SMS are off until switched on


async def test_one_recovery_sms_per_cart_in_48_hours(app, client, texting_shop, sms_api):
    cart = await cart_id(app, client, texting_shop)
    assert await queue(app, texting_shop, cart) is not None
    await deliver(app)
    services(app).clock.advance(47 * HOUR)
    assert await queue(app, texting_shop, cart) is None
    other_cart = await cart_id(app, client, texting_shop)
    assert await queue(app, texting_shop, other_cart) is not None  # per cart
    services(app).clock.advance(HOUR)
    assert await queue(app, texting_shop, cart) is not None  # 48 hours after the first


async def test_a_message_due_in_quiet_hours_waits_for_eight_in_the_morning(
    app, client, texting_shop, sms_api
):
    late = int(datetime(2026, 6, 10, 22, 30, tzinfo=DUBLIN).timestamp() * 1000)
    services(app).clock.set(late)
    await queue(app, texting_shop, await cart_id(app, client, texting_shop))
    [row] = await messages(app)
    eight = int(datetime(2026, 6, 11, 8, 0, tzinfo=DUBLIN).timestamp() * 1000)
    assert (row["state"], row["next_attempt_at"]) == ("queued", eight)
    assert row["deferred_reason"] == "quiet_hours"  # what the admin's pages say of the wait
    services(app).clock.set(eight - 60_000)
    assert await deliver(app) == 0 and sms_api.received() == []
    services(app).clock.set(eight)
    assert await deliver(app) == 1 and len(sms_api.received()) == 1
    [row] = await messages(app)
    assert (row["state"], row["deferred_reason"]) == ("sent", None)


async def test_a_message_due_in_the_day_waits_for_nothing(app, client, texting_shop):
    await queue(app, texting_shop, await cart_id(app, client, texting_shop))
    [row] = await messages(app)
    assert (row["next_attempt_at"], row["deferred_reason"]) == (NOON, None)


async def test_a_message_that_comes_due_in_quiet_hours_is_deferred_not_sent(
    app, client, texting_shop, sms_api
):
    """Queued in the day but handed to the sender at night (a retry, a server that was
    down): it waits for the morning, and the wait is not an attempt."""
    await queue(app, texting_shop, await cart_id(app, client, texting_shop))
    night = int(datetime(2026, 6, 10, 23, 0, tzinfo=DUBLIN).timestamp() * 1000)
    services(app).clock.set(night)
    assert await deliver(app) == 1
    assert sms_api.received() == []
    [row] = await messages(app)
    eight = int(datetime(2026, 6, 11, 8, 0, tzinfo=DUBLIN).timestamp() * 1000)
    assert (row["state"], row["attempts"], row["next_attempt_at"]) == ("queued", 0, eight)
    # The wait is recorded as the reason it waits, not as an error of an attempt never made.
    assert (row["deferred_reason"], row["last_error"]) == ("quiet_hours", None)
    services(app).clock.set(eight)
    await deliver(app)
    [row] = await messages(app)
    assert (row["state"], row["attempts"], row["deferred_reason"]) == ("sent", 1, None)


async def test_a_retry_held_back_by_the_quiet_hours_keeps_its_last_error(
    app, client, texting_shop, sms_api
):
    late = int(datetime(2026, 6, 10, 20, 59, 58, tzinfo=DUBLIN).timestamp() * 1000)
    services(app).clock.set(late)  # two seconds before the quiet hours
    sms_api.answer(429)
    await queue(app, texting_shop, await cart_id(app, client, texting_shop))
    await deliver(app)
    [row] = await messages(app)
    assert (row["attempts"], row["deferred_reason"]) == (1, None)
    services(app).clock.set(row["next_attempt_at"])  # the backoff ends in the quiet hours
    assert await deliver(app) == 1 and len(sms_api.received()) == 1
    [row] = await messages(app)
    eight = int(datetime(2026, 6, 11, 8, 0, tzinfo=DUBLIN).timestamp() * 1000)
    assert (row["state"], row["attempts"], row["next_attempt_at"], row["deferred_reason"]) == (
        "queued", 1, eight, "quiet_hours"
    )  # fmt: skip
    assert "429" in row["last_error"]


async def test_a_store_sets_its_own_quiet_hours(app, client, texting_shop, sms_api):
    enabled = EmailSettings().enabled | {"recovery_sms"}
    await set_email_settings(app, texting_shop, enabled=enabled, sms_quiet_start=11 * 60,
                             sms_quiet_end=13 * 60)  # fmt: skip
    await queue(app, texting_shop, await cart_id(app, client, texting_shop))
    [row] = await messages(app)
    one = int(datetime(2026, 6, 10, 13, 0, tzinfo=DUBLIN).timestamp() * 1000)
    assert row["next_attempt_at"] == one


async def test_without_a_provider_an_sms_waits_as_not_sent(app, client, texting_shop, sms_api):
    services(app).sender.sms = None  # as without KEEPCART_SMS_URL
    await queue(app, texting_shop, await cart_id(app, client, texting_shop))
    await deliver(app)
    [row] = await messages(app)
    assert row["state"] == "unsent_no_server" and sms_api.received() == []
    assert row["last_error"] == "Not sent: no SMS provider is configured (KEEPCART_SMS_URL)."
