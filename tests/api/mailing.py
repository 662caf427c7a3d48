"""The outbox in the API tier: settings that send through the test's SMTP server, a store
with a sender, and the sender driven one round at a time."""

from __future__ import annotations

import dataclasses
import re

from server.messages import queries
from server.messages.model import EmailSettings
from server.services import services
from server.settings import Settings

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
