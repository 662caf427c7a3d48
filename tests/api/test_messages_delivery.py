"""The outbox end to end, against a real SMTP server: an order's emails arrive once, whole and
with a working link; they are queued only with a change that commits; refusals are retried on
the backoff schedule and then failed with the reason; a sender that dies mid-attempt sends
again under the same Message-ID."""

from __future__ import annotations

import asyncio
from email.utils import parseaddr
from urllib.parse import urlsplit

import pytest

from server.app import run_maintenance
from server.checkout import placing
from server.errors import Conflict, DatabaseBusy
from server.messages import model, queries
from server.messages.model import LEASE_MS, MAX_ATTEMPTS, SWITCHABLE
from server.messages.outbox import enqueue
from server.services import services
from tests.api.admin_client import client_for
from tests.api.mailing import (
    SENDER,
    T0,
    app_sending_to,
    deliver,
    link_in,
    mail_settings,
    messages,
    queue_test_email,
    same_link,
    set_email_settings,
)
from tests.api.shopping import new_cart, order_body, place
from tests.conftest import MERCHANT_PASSWORD
from tests.mail import MailServer

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings(tmp_path, mail_server):
    return mail_settings(tmp_path, mail_server.url)


async def order(client, shop, **overrides):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    response = await place(client, order_body(token, **overrides))
    assert response.status_code == 201, response.text
    return response.json()["order"]


BANK_TRANSFER = {"payment": {"method": "bank_transfer"}}


async def test_an_order_sends_one_confirmation_in_text_and_html(
    app, client, sending_shop, mail_server
):
    placed = await order(client, sending_shop)
    assert await deliver(app) == 1
    assert await deliver(app) == 0  # nothing more is due

    [email] = mail_server.received
    headers = email.message
    assert parseaddr(headers["From"]) == ("Test Shop", SENDER)
    assert email.rcpt_tos == ["aoife@example.com"] and headers["To"] == "aoife@example.com"
    assert headers["Subject"] == f"Your order #{placed['number']} at Test Shop"
    assert headers.get_content_type() == "multipart/alternative"
    [row] = await messages(app)
    assert email.message_id == f"<{row['public_id']}@127.0.0.1>"
    assert (row["state"], row["attempts"], row["sent_at"]) == ("sent", 1, T0)

    text, html = email.part("plain"), email.part("html")
    assert "Thank you for your order" in text and "Stoneware Mug" in text
    assert '<html lang="en">' in html and 'role="presentation"' in html
    assert same_link(link_in(text), placed["status_url"]) and link_in(text) in html
    receipt = await client.get(urlsplit(link_in(text)).path)
    assert receipt.status_code == 200 and f"Order #{placed['number']}" in receipt.text


async def test_a_line_break_in_an_old_store_name_does_not_stop_its_emails(
    app, client, sending_shop, mail_server
):
    # Saved before the name was made one line (check_name): the headers must still be one.
    sql = "UPDATE stores SET name = 'Test\r\nBcc: x@evil.test' WHERE id = ?"
    await services(app).db.write(lambda conn: conn.execute(sql, (sending_shop.id,)))
    services(app).stores.invalidate()
    placed = await order(client, sending_shop)
    await deliver(app)

    [row] = await messages(app)
    assert (row["state"], row["last_error"]) == ("sent", None)
    [email] = mail_server.received
    assert email.rcpt_tos == ["aoife@example.com"] and "Bcc" not in email.message
    assert parseaddr(email.message["From"]) == ("Test Bcc: x@evil.test", SENDER)
    assert email.message["Subject"] == f"Your order #{placed['number']} at Test Bcc: x@evil.test"


async def test_a_bank_transfer_also_sends_the_instructions_to_pay(
    app, client, sending_shop, mail_server
):
    placed = await order(client, sending_shop, **BANK_TRANSFER)
    assert await deliver(app) == 2
    subjects = sorted(each.message["Subject"] for each in mail_server.received)
    number = placed["number"]
    assert subjects == [
        f"How to pay for order #{number} at Test Shop",
        f"Your order #{number} at Test Shop",
    ]
    [how] = [e for e in mail_server.received if e.message["Subject"].startswith("How to pay")]
    instructions = placed["payment"]["instructions"]
    assert instructions and instructions in how.part("plain")
    assert f"Order number to quote: {number}" in how.part("plain")
    assert "Amount due: €28.95" in how.part("plain")


async def test_marking_an_order_fulfilled_sends_the_shipping_email(
    app, client, sending_shop, merchant, mail_server
):
    placed = await order(client, sending_shop)
    await deliver(app)
    async with client_for(app, merchant, MERCHANT_PASSWORD) as admin:
        base = f"/admin/stores/{sending_shop.id}/orders/{placed['number']}"
        page = await admin.get(base)
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        fulfilled = await admin.post(base + "/mark-fulfilled", data={"csrf_token": token})
        assert fulfilled.status_code == 303
    assert await deliver(app) == 1
    shipped = mail_server.received[-1]
    assert shipped.message["Subject"] == (
        f"Your order #{placed['number']} from Test Shop is on its way"
    )
    assert "Your order is on its way" in shipped.part("plain")
    assert "Aoife Byrne" in shipped.part("plain")  # where it goes
    assert [m["kind"] for m in await messages(app)] == ["order_confirmation", "order_shipped"]


async def test_a_kind_switched_off_is_not_queued(app, client, sending_shop, mail_server):
    others = frozenset(k.key for k in SWITCHABLE) - {"order_confirmation"}
    await set_email_settings(app, sending_shop, enabled=others)
    await order(client, sending_shop)
    await order(client, sending_shop, **BANK_TRANSFER)
    assert [m["kind"] for m in await messages(app)] == ["payment_instructions"]


async def test_an_order_that_fails_after_its_emails_were_queued_leaves_none(
    app, client, sending_shop, monkeypatch
):
    async def refuse(*args, **kwargs):
        raise Conflict("Refused at the very end.", code="late_failure")

    monkeypatch.setattr(placing.idempotency, "complete", refuse)
    token = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    response = await place(client, order_body(token, **BANK_TRANSFER))
    assert response.status_code == 409
    assert await messages(app) == []
    assert await services(app).db.fetch_value("SELECT count(*) FROM orders") == 0


async def test_two_senders_at_once_send_a_message_once(app, client, sending_shop, mail_server):
    await order(client, sending_shop)
    sender = services(app).sender
    assert sorted(await asyncio.gather(sender.run_once(), sender.run_once())) == [0, 1]
    assert len(mail_server.received) == 1


async def test_a_sender_killed_before_recording_sends_again_under_the_same_id(
    app, client, sending_shop, mail_server, monkeypatch
):
    await order(client, sending_shop)
    record_sent = queries.record_sent

    async def dies(*args, **kwargs):  # the process is gone before it records the send
        monkeypatch.setattr(queries, "record_sent", record_sent)
        raise DatabaseBusy("The database is busy.")

    monkeypatch.setattr(queries, "record_sent", dies)
    assert await deliver(app) == 1
    [row] = await messages(app)
    assert (row["state"], row["attempts"]) == ("sending", 1)
    assert await deliver(app) == 0  # its claim holds until the lease lapses

    services(app).clock.advance(LEASE_MS)
    assert await deliver(app) == 1
    [row] = await messages(app)
    assert (row["state"], row["attempts"]) == ("sent", 2)
    copies = mail_server.received
    assert len(copies) == 2  # at least once: the mail server got it twice ...
    assert copies[0].message_id == copies[1].message_id
    assert len(mail_server.by_message_id()) == 1  # ... and one that de-duplicates keeps one


async def test_a_temporary_refusal_is_retried_with_backoff_then_failed(
    app, client, sending_shop, mail_server, monkeypatch
):
    monkeypatch.setattr(model.jitter_source, "random", lambda: 0.5)  # each step, unstretched
    mail_server.refuse("451 4.3.0 Try again later")
    await order(client, sending_shop)
    clock = services(app).clock
    delays = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert await deliver(app) == 1
        [row] = await messages(app)
        assert row["attempts"] == attempt
        assert "451 4.3.0 Try again later" in row["last_error"]
        if row["state"] == "failed":
            break
        delays.append(row["next_attempt_at"] - clock.now_ms())
        clock.advance(delays[-1] - 1)
        assert await deliver(app) == 0  # not a moment early
        clock.advance(1)
    assert delays == [5_000, 20_000, 80_000, 320_000, 1_280_000, 5_120_000,
                      7_200_000, 7_200_000, 7_200_000]  # fmt: skip
    assert row["state"] == "failed"
    assert row["last_error"].endswith(f"(gave up after {MAX_ATTEMPTS} attempts)")
    assert mail_server.received == []


async def test_a_message_refused_for_now_goes_when_the_server_takes_it(
    app, client, sending_shop, mail_server
):
    mail_server.refuse("421 4.7.0 Too busy")
    await order(client, sending_shop)
    await deliver(app)
    mail_server.refuse(None)
    [row] = await messages(app)
    assert 4_000 <= row["next_attempt_at"] - T0 <= 6_000  # 5 s, give or take a fifth
    services(app).clock.set(row["next_attempt_at"])
    assert await deliver(app) == 1
    [row] = await messages(app)
    assert (row["state"], row["attempts"], row["last_error"]) == ("sent", 2, None)
    assert len(mail_server.received) == 1


async def test_a_refusal_for_good_fails_at_once_with_the_reason(
    app, client, sending_shop, mail_server
):
    mail_server.refuse("550 5.1.1 No such mailbox")
    await order(client, sending_shop)
    await deliver(app)
    [row] = await messages(app)
    assert (row["state"], row["attempts"]) == ("failed", 1)
    assert row["last_error"] == "The mail server answered 550 5.1.1 No such mailbox"
    services(app).clock.advance(7_200_000)
    assert await deliver(app) == 0


async def test_a_store_without_a_sender_address_waits_for_one(
    app, client, sending_shop, mail_server
):
    await set_email_settings(app, sending_shop, sender_email="")
    await services(app).db.write(lambda conn: conn.execute("UPDATE stores SET contact_email = ''"))
    services(app).stores.invalidate()
    await order(client, sending_shop)
    await deliver(app)
    [row] = await messages(app)
    assert row["state"] == "queued" and "no sender address" in row["last_error"]
    await set_email_settings(app, sending_shop)
    services(app).clock.set(row["next_attempt_at"])
    await deliver(app)
    assert [e.message["From"] for e in mail_server.received] == [f"Test Shop <{SENDER}>"]


@pytest.fixture
def login_server():
    server = MailServer(login=("shop@mail.test", "p@ss:word")).start()
    yield server
    server.stop()


@pytest.mark.parametrize(("password", "delivered"), [("p%40ss%3Aword", True), ("wrong", False)])
async def test_the_mail_server_sign_in(tmp_path, login_server, password, delivered):
    # No TLS on this test server: a relay on this machine, which ?starttls=0 may sign in to.
    url = f"smtp://shop%40mail.test:{password}@127.0.0.1:{login_server.port}?starttls=0"
    async with app_sending_to(tmp_path, url) as app:
        await queue_test_email(app)
        await deliver(app)
        [row] = await messages(app)
    assert len(login_server.received) == (1 if delivered else 0)
    if delivered:
        assert row["state"] == "sent"
    else:
        assert row["state"] == "queued"  # the operator can fix the password and restart
        assert "refused Keepcart's sign-in (535" in row["last_error"]
        assert "wrong" not in row["last_error"]


async def test_finished_messages_are_deleted_after_their_retention(app, sending_shop):
    day = 86_400_000
    states = {"msg_old_sent": ("sent", 91), "msg_old_failed": ("failed", 91),
              "msg_old_queued": ("queued", 91), "msg_recent_sent": ("sent", 89)}  # fmt: skip

    async def write(conn):
        for public_id, (state, days_ago) in states.items():
            await conn.execute(
                "INSERT INTO messages (public_id, store_id, channel, kind, recipient, state,"
                " next_attempt_at, created_at, updated_at) VALUES (?, ?, 'email', 'test',"
                " 'me@owner.test', ?, ?, ?, ?)",
                (public_id, sending_shop.id, state, T0 + day, T0 - days_ago * day, T0),
            )

    await services(app).db.write(write)
    await run_maintenance(services(app))
    kept = [row["public_id"] for row in await messages(app)]
    assert kept == ["msg_old_queued", "msg_recent_sent"]  # still to send, or not old enough


async def test_an_address_the_mail_server_cannot_take_fails_at_once_saying_why(tmp_path):
    # A mail server without SMTPUTF8, as many relays are: an address with non-ASCII
    # characters can never go through it, so it is not tried again.
    server = MailServer(smtputf8=False).start()
    try:
        async with app_sending_to(tmp_path, server.url) as app:
            store = await queue_test_email(app)
            await services(app).db.write(
                lambda conn: enqueue(conn, store.id, "test", "josé@example.com", T0)
            )
            await deliver(app)
            rows = {row["recipient"]: row for row in await messages(app)}
        failed = rows["josé@example.com"]
        assert (failed["state"], failed["attempts"]) == ("failed", 1)
        assert failed["last_error"] == (
            "The mail server cannot deliver to an address with non-ASCII characters (no SMTPUTF8)."
        )
        assert rows["owner@mail.test"]["state"] == "sent"
    finally:
        server.stop()
