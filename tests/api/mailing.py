"""The outbox in the API tier: settings that send through the test's SMTP server, a store
with a sender, and the sender driven one round at a time."""

from __future__ import annotations

import contextlib
import dataclasses
import re

from server.accounts import create_store
from server.app import create_app
from server.messages import queries
from server.messages.model import EmailSettings
from server.messages.outbox import enqueue
from server.services import services
from server.settings import Settings
from server.stores.service import Store, validate_new_store

SENDER = "orders@shop.test"
SECRET = "test-secret-key-of-at-least-32-bytes"
T0 = 1_780_000_000_000  # a fixed moment: the retry schedule is read off the clock


def mail_settings(tmp_path, smtp_url: str) -> Settings:
    return Settings(db=tmp_path / "keepcart.db", secret_keys=(SECRET,), smtp_url=smtp_url)


async def set_email_settings(app, store, **changes) -> None:
    """The store's email settings, from the defaults with ``SENDER`` as its address."""
    settings = dataclasses.replace(EmailSettings(sender_email=SENDER), **changes)
    await services(app).db.write(
        lambda conn: queries.save_email_settings(conn, store.id, settings, 0)
    )


@contextlib.asynccontextmanager
async def app_sending_to(tmp_path, smtp_url: str):
    """An app of its own, mailing through ``smtp_url``; its sender driven by ``deliver``."""
    app = create_app(mail_settings(tmp_path, smtp_url), deliver_messages=False)
    async with app.router.lifespan_context(app):
        yield app


async def queue_test_email(app) -> Store:
    """A store with a contact email (its sender), and a test email of it queued."""
    new = validate_new_store("Mail Shop", ["https://mail.test"], "EUR")
    store = await create_store(services(app).db, new, now=T0)
    await set_email_settings(app, store)
    await services(app).db.write(
        lambda conn: enqueue(conn, store.id, "test", "owner@mail.test", T0)
    )
    return store


async def deliver(app) -> int:
    """One round of the outbox's sender; how many messages it claimed."""
    return await services(app).sender.run_once()


async def messages(app) -> list:
    rows = await services(app).db.fetch_all("SELECT * FROM messages ORDER BY id")
    return [dict(row) for row in rows]


def link_in(text: str) -> str:
    """The order's status link in an email's text."""
    match = re.search(r"https?://\S+/orders/[\w.-]+", text)
    assert match, text
    return match.group(0)


def same_link(first: str, second: str) -> bool:
    """Two signed links to the same order: their signed value is the same, their timestamp
    (the second they were signed in) may differ."""
    return first.rsplit(".", 2)[0] == second.rsplit(".", 2)[0]
