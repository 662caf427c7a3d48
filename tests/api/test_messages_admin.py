"""The admin's Messages page and email settings: what owners and staff see, the test email,
sending a failed message again, the settings form's errors, a store without a mail server
saying so, an SMS shown as an SMS, and when a queued message goes next and why."""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from server.accounts import add_member, create_store, create_user
from server.clock import now_ms
from server.forms import format_local_display
from server.messages.model import EmailSettings
from server.messages.outbox import enqueue
from server.messages.sms import TwilioSms
from server.messages.sms_segments import sms_size
from server.services import attach, services
from server.stores.service import validate_new_store
from tests.api.admin_client import MEMBER_PASSWORD, client_for, csrf_from, field_error
from tests.api.mailing import T0, deliver, link_in, mail_settings, messages, set_email_settings
from tests.api.recovering import (
    at_hours,
    give_contact,
    recovery_link,
    set_recovery,
    unsubscribe_link,
)
from tests.api.shopping import new_cart, order_body, place
from tests.conftest import MERCHANT_EMAIL
from tests.sms import FROM, SID, TOKEN

pytestmark = pytest.mark.anyio

STAFF = "staff@shop.test"


@pytest.fixture
def admin_section():
    return "messages"


@pytest.fixture
def settings(tmp_path, mail_server):
    return mail_settings(tmp_path, mail_server.url)


async def placed_order(client, shop) -> dict:
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    response = await place(client, order_body(token))
    assert response.status_code == 201, response.text
    return response.json()["order"]


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


async def staff_client(app, store):
    await create_user(services(app).db, STAFF, MEMBER_PASSWORD, now=now_ms())
    await add_member(services(app).db, store.id, STAFF, "staff", now=now_ms())
    return client_for(app, STAFF)


# ---- the list and one message ---------------------------------------------------------------


async def test_the_list_shows_each_message_with_its_state(app, client, sending_shop, admin,
                                                          mail_server):  # fmt: skip
    base, _ = admin
    mail_server.refuse("451 4.3.0 Greylisted, try again later")
    await placed_order(client, sending_shop)
    await deliver(app)
    [row] = await messages(app)
    retry = format_local_display(row["next_attempt_at"], "Europe/Dublin")
    page = await client.get(base)
    assert page.status_code == 200
    shown = text_of(page.text)
    # When it goes next, and why: a retry, after the error it quotes (once, not again beside).
    error = "The mail server answered 451 4.3.0 Greylisted, try again later"
    listed = f"Order confirmation aoife@example.com Queued Next try {retry}, retry after: {error}"
    assert f"{listed} 1 " in shown
    assert shown.count(error) == 1
    detail = text_of((await client.get(f"{base}/{row['public_id']}")).text)
    assert f"Next try {retry}, retry after: {error}" in detail
    assert detail.count(error) == 1
    assert 'aria-current="page">Messages</a>' in page.text
    assert f"Emails go through smtp://127.0.0.1:{mail_server.port}" in shown
    queued = await client.get(base, params={"state": "failed"})
    assert "No message is in this state." in text_of(queued.text)


async def test_a_message_page_shows_what_it_says(app, client, sending_shop, admin):
    base, _ = admin
    placed = await placed_order(client, sending_shop)
    await deliver(app)
    [row] = await messages(app)
    page = await client.get(f"{base}/{row['public_id']}")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert f"Subject Your order #{placed['number']} at Test Shop" in shown
    assert f"Order #{placed['number']}" in shown and "Thank you for your order" in shown
    frame = re.search(r"<iframe [^>]*>", page.text).group(0)
    assert "sandbox" in frame and f'src="{base}/{row["public_id"]}/preview"' in frame

    preview = await client.get(f"{base}/{row['public_id']}/preview")
    assert preview.status_code == 200
    assert preview.headers["content-security-policy"].startswith("sandbox;")
    assert "frame-ancestors 'self'" in preview.headers["content-security-policy"]
    assert "View your order" in preview.text and "<script" not in preview.text


async def test_the_list_says_what_it_holds_webhook_deliveries_included(
    app, client, sending_shop, admin
):
    base, _ = admin
    delivery = {"type": "order.paid"}
    await services(app).db.write(
        lambda conn: enqueue(conn, sending_shop.id, "webhook", "ep_orders", T0, inputs=delivery)
    )
    page = await client.get(base)
    shown = text_of(page.text)
    assert "Every email Keepcart sends" not in shown
    for what in ("order confirmations", "review requests", "cart reminders by email and SMS",
                 "carts shoppers asked to be emailed", "webhook deliveries"):  # fmt: skip
        assert what in shown, what
    assert f'href="/admin/stores/{sending_shop.id}/webhooks"' in page.text
    assert "Webhook ep_orders Queued" in shown
    [row] = await messages(app)
    detail = await client.get(f"{base}/{row['public_id']}")
    assert "Emails go through" not in text_of(detail.text)
    assert "so a receiver that gets it twice can keep one" in text_of(detail.text)
    assert f'href="/admin/stores/{sending_shop.id}/webhooks/ep_orders"' in detail.text


# ---- an SMS, and when a queued message goes -------------------------------------------------

DUBLIN = ZoneInfo("Europe/Dublin")
HOUR = 3_600_000


def at(*when: int) -> int:
    return int(datetime(*when, tzinfo=DUBLIN).timestamp() * 1000)


@pytest.fixture
async def texting_shop(app, sending_shop, sms_api):
    """The shop sending SMS through the local SMS API (as KEEPCART_SMS_URL would), with cart
    recovery on and its SMS switched on."""
    built = services(app)
    settings = dataclasses.replace(built.settings, sms_url=sms_api.url, sms_from=FROM)
    attach(app, dataclasses.replace(built, settings=settings))
    assert settings.sms is not None
    built.sender.sms = TwilioSms(settings.sms)
    await set_email_settings(app, sending_shop, enabled=EmailSettings().enabled | {"recovery_sms"})
    await set_recovery(app, sending_shop)
    return sending_shop


async def test_an_sms_waiting_for_the_quiet_hours_is_shown_as_an_sms_with_its_next_try(
    app, client, texting_shop, admin, sms_api
):
    base, _ = admin
    # An hour after the admin signed in (T0): the shopper's phone is Irish, quiet 21:00-08:00.
    services(app).clock.set(at(2026, 5, 28, 22, 24))
    token = await new_cart(client, texting_shop.public_key, FH_MUG_01=1)
    given = await give_contact(client, token, store=texting_shop, phone="087 123 4567")
    assert given.json()["sms"] is True
    services(app).clock.set(at(2026, 5, 28, 23, 24))
    await deliver(app)  # the first reminder: its email goes now, its SMS in the morning
    [sms] = [row for row in await messages(app) if row["channel"] == "sms"]
    assert sms["next_attempt_at"] == at(2026, 5, 29, 8, 0)
    waits = "Next try 29 May 2026, 08:00 IST, after the shopper’s quiet hours"

    listed = text_of((await client.get(base)).text)
    assert f"Cart reminder by SMS +353871234567 Queued {waits}" in listed
    assert f"SMS go through http://127.0.0.1:{sms_api.port} (from {FROM})" in listed

    page = await client.get(f"{base}/{sms['public_id']}")
    shown = text_of(page.text)
    assert waits in shown
    assert "Emails go through" not in shown and "mail server" not in shown
    assert f"SMS go through http://127.0.0.1:{sms_api.port}" in shown
    assert SID not in page.text and TOKEN not in page.text
    assert (f"Idempotency token {sms['public_id']} · sent to the provider as"
            " I-Twilio-Idempotency-Token, so a retry is sent once") in shown  # fmt: skip
    assert "Subject" not in shown and "plain-text part" not in shown
    assert "<iframe" not in page.text
    assert ("Test Shop: you left something in your cart. It is saved for you here:"
            " (link hidden in the admin)") in shown  # fmt: skip
    assert SIGNED_LINK.findall(page.text) == []
    size = re.search(r"(\d+) characters as sent, its link included: (\d+) SMS segments? "
                     r"\(GSM-7", shown)  # fmt: skip
    assert size, shown

    services(app).clock.set(at(2026, 5, 29, 8, 0))
    await deliver(app)
    [sent] = sms_api.received()  # what the page counted is what went
    body = sent.form["Body"]
    assert (int(size.group(1)), int(size.group(2))) == (len(body), sms_size(body).segments)


async def test_an_sms_page_without_a_provider_says_so(app, client, sending_shop, admin):
    base, _ = admin
    services(app).sender.sms = None  # as without KEEPCART_SMS_URL
    await set_email_settings(app, sending_shop, enabled=EmailSettings().enabled | {"recovery_sms"})
    public_id = await services(app).db.write(
        lambda conn: enqueue(conn, sending_shop.id, "recovery_sms", "+353871234567", T0)
    )
    shown = text_of((await client.get(f"{base}/{public_id}")).text)
    assert "No SMS provider is configured, so no SMS is sent." in shown
    assert "KEEPCART_SMS_URL" in shown and "Emails go through" not in shown
    listed = text_of((await client.get(base)).text)
    assert "No SMS provider" not in listed  # a store that sends no SMS is not told of it


# ---- links: inert on the admin's pages, working in the email ---------------------------------

REVIEWS_ON = EmailSettings().enabled | {"review_request", "review_reminder"}
# A link of any of the signed kinds: receipt, review, cart recovery, unsubscribe.
SIGNED_LINK = re.compile(r"/(?:orders|reviews|r|u)/[\w-]+\.[\w-]+\.[\w-]+")


async def mark(client, store, number: int, *actions: str) -> None:
    base = f"/admin/stores/{store.id}/orders/{number}"
    for action in actions:
        token = csrf_from((await client.get(base)).text)
        done = await client.post(f"{base}/{action}", data={"csrf_token": token})
        assert done.status_code == 303, (action, done.text)


async def shown_to(viewer, base: str, public_id: str) -> tuple[str, str]:
    """The message's page and its preview, as ``viewer`` gets them."""
    page = await viewer.get(f"{base}/{public_id}")
    preview = await viewer.get(f"{base}/{public_id}/preview")
    assert page.status_code == preview.status_code == 200
    return page.text, preview.text


async def test_staff_see_review_and_receipt_emails_with_their_links_inert(
    app, client, sending_shop, admin, mail_server
):
    base, _ = admin
    await set_email_settings(app, sending_shop, enabled=REVIEWS_ON)
    token = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    placed = await place(client, order_body(token, payment={"method": "bank_transfer"}))
    number = placed.json()["order"]["number"]
    await mark(client, sending_shop, number, "mark-paid", "mark-fulfilled")
    rows = {row["kind"]: row for row in await messages(app)}
    async with await staff_client(app, sending_shop) as staff:
        shown = [await shown_to(staff, base, rows[kind]["public_id"])
                 for kind in ("review_request", "order_confirmation")]  # fmt: skip
    for page, preview in shown:
        assert SIGNED_LINK.findall(page + preview) == []
        assert "(link hidden in the admin)" in text_of(page)  # the plain-text part
        assert 'href="#"' in preview
    (_, review), (_, receipt) = shown
    assert "Review Stoneware Mug" in review and "View your order" in receipt
    revealed = await services(app).db.fetch_value("SELECT count(*) FROM review_link_reveals")
    assert revealed == 0

    await deliver(app)  # the emails themselves keep their working links
    sent = {each.message["Subject"]: each.part("plain") for each in mail_server.received}
    confirmation = sent[f"Your order #{number} at Test Shop"]
    assert (await client.get(urlsplit(link_in(confirmation)).path)).status_code == 200


async def test_another_stores_message_is_not_found(app, client, sending_shop, admin):
    base, _ = admin
    other = await create_store(
        services(app).db, validate_new_store("Other", ["https://other.test"], "EUR"), now=0
    )
    theirs = await services(app).db.write(
        lambda conn: enqueue(conn, other.id, "test", "them@other.test", 0)
    )
    assert (await client.get(f"{base}/{theirs}")).status_code == 404
    assert (await client.get(f"{base}/{theirs}/preview")).status_code == 404
    assert (await client.get(f"{base}/msg_nosuchmessage")).status_code == 404


# ---- sending again --------------------------------------------------------------------------


async def test_a_failed_message_is_sent_again(app, client, sending_shop, admin, mail_server):
    base, post = admin
    mail_server.refuse("550 5.7.1 Relaying denied")
    await placed_order(client, sending_shop)
    await deliver(app)
    [row] = await messages(app)
    assert row["state"] == "failed"
    page = await client.get(f"{base}/{row['public_id']}")
    assert "Send again" in page.text

    mail_server.refuse(None)
    again = await post(f"/{row['public_id']}/resend", {})
    assert again.status_code == 303
    assert again.headers["location"] == f"{base}/{row['public_id']}?saved=resent"
    [row] = await messages(app)
    assert (row["state"], row["attempts"]) == ("queued", 0)
    await deliver(app)
    [row] = await messages(app)
    assert row["state"] == "sent"
    assert [e.message_id for e in mail_server.received] == [f"<{row['public_id']}@127.0.0.1>"]

    refused = await post(f"/{row['public_id']}/resend", {})
    assert refused.status_code == 409
    assert "This message is sent: only a failed or unsent message" in text_of(refused.text)
    assert len(mail_server.received) == 1


# ---- the test email -------------------------------------------------------------------------


async def test_an_owner_sends_a_test_email(app, client, sending_shop, admin, mail_server):
    base, post = admin
    page = await client.get(base)
    assert f'value="{MERCHANT_EMAIL}"' in page.text  # their own address, to start with
    sent = await post("/test", {"recipient": "me@owner.test"})
    assert sent.status_code == 303
    [row] = await messages(app)
    assert sent.headers["location"] == f"{base}/{row['public_id']}?saved=test"
    await deliver(app)
    [email] = mail_server.received
    assert email.message["Subject"] == "Test email from Test Shop"
    assert email.rcpt_tos == ["me@owner.test"]
    assert "This is a test email" in email.part("plain")


async def test_the_test_email_needs_an_address(app, client, sending_shop, admin):
    _, post = admin
    refused = await post("/test", {"recipient": "not an address"})
    assert refused.status_code == 422
    assert field_error(refused.text, "recipient") == "Enter an email address like name@example.com."
    assert 'value="not an address"' in refused.text
    assert await messages(app) == []


async def test_test_emails_are_limited_per_store_each_hour(app, client, sending_shop, admin):
    # The operator's mail server sends them, to any address: an owner (any login may make a
    # store) must not turn it into a relay.
    _, post = admin
    for n in range(5):
        assert (await post("/test", {"recipient": f"me{n}@owner.test"})).status_code == 303
    refused = await post("/test", {"recipient": "sixth@owner.test"})
    assert refused.status_code == 422
    assert "5 test emails an hour" in field_error(refused.text, "recipient")
    assert 'value="sixth@owner.test"' in refused.text
    assert len(await messages(app)) == 5
    services(app).clock.advance(3_600_000)  # an hour after the first
    assert (await post("/test", {"recipient": "later@owner.test"})).status_code == 303


async def test_staff_see_messages_but_not_the_test_email(app, client, sending_shop, admin):
    base, _ = admin
    await placed_order(client, sending_shop)
    async with await staff_client(app, sending_shop) as staff:
        page = await staff.get(base)
        assert page.status_code == 200
        assert "aoife@example.com" in page.text
        assert "Send a test email" not in page.text and "Email settings" not in page.text
        token = csrf_from(page.text)
        refused = await staff.post(base + "/test", data={"csrf_token": token, "recipient": STAFF})
        assert refused.status_code == 403
        settings_page = await staff.get(f"/admin/stores/{sending_shop.id}/settings/emails")
        assert settings_page.status_code == 403
    assert len(await messages(app)) == 1


# ---- no mail server -------------------------------------------------------------------------


async def test_without_a_mail_server_the_admin_says_so(tmp_path, app, client, sending_shop, admin,
                                                       monkeypatch):  # fmt: skip
    base, _ = admin
    # As when KEEPCART_SMTP_URL is unset: no mailer, and settings that say so.
    monkeypatch.setattr(services(app).sender, "mailer", None)
    attach(app, dataclasses.replace(services(app), settings=mail_settings(tmp_path, "")))
    await placed_order(client, sending_shop)
    await deliver(app)
    [row] = await messages(app)
    assert (row["state"], row["attempts"]) == ("unsent_no_server", 0)
    shown = text_of((await client.get(base)).text)
    assert "No mail server is configured, so no email is sent." in shown
    assert "Order confirmation aoife@example.com Not sent: no mail server configured" in shown
    detail = text_of((await client.get(f"{base}/{row['public_id']}")).text)
    assert "Send again" in detail


async def test_an_sms_without_a_provider_says_so_not_a_mail_server(app, sending_shop, admin,
                                                                     client):  # fmt: skip
    base, _ = admin
    services(app).sender.sms = None  # as without KEEPCART_SMS_URL
    enabled = EmailSettings().enabled | {"recovery_sms"}
    await set_email_settings(app, sending_shop, enabled=enabled)
    now = services(app).clock.now_ms()
    await services(app).db.write(
        lambda conn: enqueue(conn, sending_shop.id, "recovery_sms", "+353871234567", now)
    )
    await deliver(app)
    [row] = await messages(app)
    assert row["state"] == "unsent_no_server"
    shown = text_of((await client.get(base)).text)
    assert "+353871234567 Not sent: no SMS provider configured" in shown
    detail = text_of((await client.get(f"{base}/{row['public_id']}")).text)
    assert "State Not sent: no SMS provider configured" in detail
    assert "no mail server configured" not in detail


# ---- email settings -------------------------------------------------------------------------


async def test_email_settings_are_saved_and_used(app, client, sending_shop, admin, mail_server):
    url = f"/admin/stores/{sending_shop.id}/settings/emails"
    page = await client.get(url)
    assert page.status_code == 200
    form = {
        "csrf_token": csrf_from(page.text), "sender_name": "Fern & Hearth",
        "sender_email": "Hello@Fern.test", "accent_colour": "#FFD700",
        "send_order_confirmation": "true", "send_order_shipped": "true",
        "review_request_days": "7", "review_reminder_days": "7",
        "sms_quiet_start": "21:00", "sms_quiet_end": "08:00",
    }  # fmt: skip
    saved = await client.post(url, data=form)
    assert saved.status_code == 303 and saved.headers["location"] == url + "?saved=emails"
    again = await client.get(saved.headers["location"])
    assert "Email settings saved." in again.text
    assert 'value="hello@fern.test"' in again.text and 'value="#ffd700"' in again.text

    bank = order_body(await new_cart(client, sending_shop.public_key, FH_MUG_01=1))
    bank["payment"] = {"method": "bank_transfer"}
    assert (await place(client, bank)).status_code == 201
    assert [m["kind"] for m in await messages(app)] == ["order_confirmation"]  # no instructions
    await deliver(app)
    [email] = mail_server.received
    assert parseaddr(email.message["From"]) == ("Fern & Hearth", "hello@fern.test")
    # Gold is light: the band's text is black on it, and links keep a dark ink.
    assert "background:#ffd700;color:#000000" in email.part("html")


async def test_email_settings_refuse_bad_values_all_at_once(app, client, sending_shop, admin):
    url = f"/admin/stores/{sending_shop.id}/settings/emails"
    token = csrf_from((await client.get(url)).text)
    refused = await client.post(url, data={
        "csrf_token": token, "sender_name": "x" * 101, "sender_email": "nobody at all",
        "accent_colour": "gold",
    })  # fmt: skip
    assert refused.status_code == 422
    assert field_error(refused.text, "sender_name") == "Keep the sender name to 100 characters."
    assert field_error(refused.text, "sender_email") == (
        "Enter an email address like name@example.com."
    )
    assert field_error(refused.text, "accent_colour") == "Enter a colour like #1f6f5c."
    rows = await services(app).db.fetch_all("SELECT sender_name FROM email_settings")
    assert [row["sender_name"] for row in rows] == [""]  # as the fixture left it


async def test_a_test_email_is_queued_whatever_the_switches(app, sending_shop):
    await set_email_settings(app, sending_shop, enabled=frozenset())
    public_id = await services(app).db.write(
        lambda conn: enqueue(conn, sending_shop.id, "test", "me@owner.test", 0)
    )
    assert public_id is not None and public_id.startswith("msg_")


async def test_a_cart_reminder_shows_its_cart_and_unsubscribe_links_inert(
    app, client, sending_shop, admin, mail_server
):
    base, _ = admin
    await set_recovery(app, sending_shop)
    token = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    assert (await give_contact(client, token, store=sending_shop)).status_code == 200
    at_hours(app, 1)
    assert await deliver(app) == 1
    [row] = await messages(app)
    page, preview = await shown_to(client, base, row["public_id"])
    assert SIGNED_LINK.findall(page + preview) == []
    assert "Return to your cart: (link hidden in the admin)" in text_of(page)
    assert "Unsubscribe from these reminders: (link hidden in the admin)" in text_of(page)
    assert 'href="#"' in preview and "Return to your cart" in preview

    [email] = mail_server.received  # the sent one keeps its signed links
    assert recovery_link(email.part("plain")) in email.part("html")
    assert unsubscribe_link(email.message["List-Unsubscribe"]) in email.part("plain")


async def test_a_sent_reminder_stays_readable_after_its_sequence_stopped(
    app, client, sending_shop, admin, mail_server
):
    # The shopper ordered after it was sent: the sequence stops (no more reminders go), and
    # the admin still reads what this one said.
    base, _ = admin
    await set_recovery(app, sending_shop)
    token = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    assert (await give_contact(client, token, store=sending_shop)).status_code == 200
    at_hours(app, 1)
    assert await deliver(app) == 1
    [row] = await messages(app)
    other = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    assert (await place(client, order_body(other))).status_code == 201
    page, preview = await shown_to(client, base, row["public_id"])
    assert "You left something in your cart" in text_of(page)
    assert "Return to your cart: (link hidden in the admin)" in text_of(page)
    assert "Return to your cart" in preview and SIGNED_LINK.findall(page + preview) == []
