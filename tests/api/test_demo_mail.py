"""``keepcart demo`` catches its own emails: the app it serves sends to the demo's SMTP server,
which keeps every email in a Maildir, and the Messages page shows them as sent. The demo
store sends every kind of email, once set up, and keeps what the merchant changes."""

from __future__ import annotations

import dataclasses
import mailbox

import pytest

from server.app import create_app
from server.demo import (
    catcher_maildir,
    for_the_demo,
    mail_catcher,
    prepare_demo,
    send_every_email,
    with_mail_catcher,
)
from server.messages import queries
from server.messages.model import SWITCHABLE
from server.messages.outbox import enqueue
from server.services import services
from server.settings import Settings

pytestmark = pytest.mark.anyio

KEY = "demo-test-key-of-at-least-32-bytes"


@pytest.fixture
def demo_settings(tmp_path):
    return Settings(db=tmp_path / "demo.db", demo_port=8123, secret_keys=(KEY,))


async def test_the_demos_app_sends_to_the_catcher_which_keeps_every_email(demo_settings):
    store = await prepare_demo(demo_settings)
    async with mail_catcher(catcher_maildir(demo_settings)) as catcher:
        settings = with_mail_catcher(demo_settings, catcher)
        smtp = settings.smtp
        assert smtp is not None and (smtp.host, smtp.port, smtp.tls) == (
            "127.0.0.1", catcher.port, "never"
        )  # fmt: skip
        app = create_app(settings, deliver_messages=False)
        async with app.router.lifespan_context(app):
            db, now = services(app).db, services(app).clock.now_ms()
            await db.write(lambda conn: enqueue(conn, store.id, "test", "you@example.com", now))
            assert await services(app).sender.run_once() == 1
            [row] = await db.fetch_all("SELECT state, last_error FROM messages")
    assert (row["state"], row["last_error"]) == ("sent", None)
    [kept] = mailbox.Maildir(catcher.maildir).values()
    assert kept["Subject"] == "Test email from Fernhill Goods"
    assert kept["To"] == "you@example.com"
    assert catcher.maildir == demo_settings.db.with_name("demo-mail")


async def test_the_demo_store_sends_every_email_and_keeps_the_merchants_changes(demo_settings):
    store = await prepare_demo(demo_settings)
    app = create_app(demo_settings, deliver_messages=False)
    async with app.router.lifespan_context(app):
        db = services(app).db
        sent = await queries.email_settings(db, store.id)
        emails = {kind.key for kind in SWITCHABLE if kind.channel == "email"}
        assert emails <= sent.enabled and "review_request" in emails
        assert (sent.review_request_days, sent.review_reminder_days) == (0, 1)
        quieter = dataclasses.replace(sent, enabled=frozenset({"order_confirmation"}))
        await db.write(lambda conn: queries.save_email_settings(conn, store.id, quieter, 0))
        await db.write(lambda conn: send_every_email(conn, store.id, 0))  # as on a restart
        again = await queries.email_settings(db, store.id)
    assert again.enabled == frozenset({"order_confirmation"})


def test_the_demo_sends_webhooks_to_this_machine(demo_settings):
    # A person trying the demo runs a receiver on localhost; a real server refuses it.
    assert demo_settings.webhooks_allow_private is False
    assert for_the_demo(demo_settings).webhooks_allow_private is True
