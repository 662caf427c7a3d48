"""A due message survives SIGKILL: a real ``keepcart serve`` queues an order's confirmation,
its mail server is down, the server is killed; once restarted (and the mail server up) the
email arrives, once. Its log, at debug level, names neither the shopper nor the mail
server's password."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import httpx
import pytest

from server.accounts import create_store
from server.clock import now_ms
from server.db import Database
from server.demo_seed import seed_demo_store
from server.messages import queries
from server.messages.model import EmailSettings
from server.stores.service import validate_new_store
from tests.api.shopping import ADDRESS
from tests.mail import MailServer
from tests.process import ServerProcess, free_port

pytestmark = pytest.mark.slow

ORIGIN = "http://shop.test"
SHOPPER = "zebulon.mailbox@private.test"
LOGIN = ("keepcart", "mail-password-7Qz")


def prepare(db_path) -> str:
    async def run() -> str:
        db = Database(db_path)
        await db.open()
        try:
            store = await create_store(db, validate_new_store("Shop", [ORIGIN], "EUR"), now=0)
            await db.write(lambda conn: seed_demo_store(conn, store.id, ORIGIN, now_ms()))
            sender = EmailSettings(sender_email="orders@shop.test")
            await db.write(lambda conn: queries.save_email_settings(conn, store.id, sender, 0))
            return store.public_key
        finally:
            await db.close()

    return asyncio.run(run())


def place_order(url: str, key: str) -> str:
    with httpx.Client(base_url=url, timeout=10, headers={"Origin": ORIGIN}) as client:
        token = client.post("/v1/carts", json={"store": key}).json()["token"]
        client.post(f"/v1/carts/{token}/items", json={"sku": "FH-MUG-01", "quantity": 1})
        placed = client.post(
            "/v1/checkout",
            headers={"Idempotency-Key": "kill9-order-1"},
            json={
                "cart": token, "email": SHOPPER, "address": ADDRESS, "shipping_method": 1,
                "payment": {"method": "test_card", "card": {
                    "number": "4242424242424242", "expiry": "12/34", "cvc": "123"}},
            },
        )  # fmt: skip
    assert placed.status_code == 201, placed.text
    return placed.json()["order"]["id"]


def message_row(db_path) -> tuple[str, str, int]:
    with sqlite3.connect(db_path) as conn:
        row = conn.execute("SELECT public_id, state, attempts FROM messages").fetchone()
    return tuple(row) if row else ("", "", 0)


def wait_for(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s: {what}")
        time.sleep(0.05)


def test_a_due_message_survives_sigkill_and_is_sent_after_restart(tmp_path):
    db, log = tmp_path / "keepcart.db", tmp_path / "keepcart.log"
    key = prepare(db)
    mail = MailServer(port=free_port(), login=LOGIN)  # not started: the mail server is down
    env = {"KEEPCART_SMTP_URL": mail.url, "KEEPCART_LOG_LEVEL": "debug"}
    server = ServerProcess(db, env=env, log=log)
    server.start()
    try:
        place_order(server.url, key)
        # Its first attempt found no mail server: due again in a few seconds.
        wait_for(lambda: message_row(db)[1:] == ("queued", 1), "a first, refused attempt")
    finally:
        server.kill()

    mail.start()
    try:
        server.start()
        try:
            wait_for(lambda: len(mail.received) >= 1, "the email after the restart")
            wait_for(lambda: message_row(db)[1] == "sent", "the message recorded as sent")
        finally:
            server.stop()
    finally:
        mail.stop()

    public_id, _, attempts = message_row(db)
    [email] = mail.received
    assert email.rcpt_tos == [SHOPPER] and email.message_id.startswith(f"<{public_id}@")
    assert attempts == 2
    written = log.read_text()
    assert "attempt 1 failed (SMTPConnectError)" in written
    assert SHOPPER not in written and LOGIN[1] not in written
