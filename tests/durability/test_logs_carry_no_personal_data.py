"""Keepcart's log, at every level, carries no personal data, tokens or secrets.

A real ``keepcart serve`` at ``KEEPCART_LOG_LEVEL=debug`` serves a shopper's whole checkout
(its order.created webhook delivered to a URL with a token in its query) and a merchant's
sign-in, order search and order page, and the shopper's data found, downloaded and erased;
then its log is searched for every value that must never be in it. The demo's mail catcher
logs no recipient either.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import time
from email.message import EmailMessage

import aiosmtplib
import httpx
import pytest

from server.accounts import create_store, create_user
from server.clock import now_ms
from server.db import Database
from server.demo import mail_catcher
from server.demo_seed import seed_demo_store
from server.stores.service import validate_new_store
from server.webhooks.model import EndpointInput, new_secret
from server.webhooks.queries import insert_endpoint
from tests.process import ServerProcess
from tests.webhook_receiver import running_receiver

pytestmark = pytest.mark.slow

ORIGIN = "http://shop.test"
SECRET_KEY = "log-probe-secret-key-0123456789abcdef"
EMAIL, PASSWORD = "merchant@logs.test", "merchant password 42"
SHOPPER = {
    "email": "zebulon.quux@private.test",
    "phone": "+353 87 765 4321",
    "name": "Zebulon Quux",
    "line1": "77 Secretstreet",
    "city": "Kilquiggin",
    "postal_code": "A65 F4E2",
}


HOOK_TOKEN = "hooktoken-in-the-query-5c1e"  # a receiver's token, as Slack's or Zapier's URLs carry


def seed(db_path, hook_url: str) -> str:
    async def run() -> str:
        db = Database(db_path)
        await db.open()
        try:
            new = validate_new_store("Log Shop", [ORIGIN], "EUR", "en-IE", "Europe/Dublin")
            await create_user(db, EMAIL, PASSWORD, now=now_ms())
            store = await create_store(db, new, owner_email=EMAIL, now=now_ms())
            await db.write(lambda conn: seed_demo_store(conn, store.id, ORIGIN, now_ms()))
            hook = EndpointInput(hook_url, "", ("order.created",))
            await db.write(
                lambda conn: insert_endpoint(conn, store.id, hook, new_secret(), now_ms())
            )
            return store.public_key
        finally:
            await db.close()

    return asyncio.run(run())


def shop_and_check_out(http: httpx.Client, key: str) -> tuple[str, str]:
    headers = {"Origin": ORIGIN}
    token = http.post("/v1/carts", json={"store": key}, headers=headers).json()["token"]
    added = http.post(
        f"/v1/carts/{token}/items", json={"sku": "FH-MUG-01", "quantity": 1}, headers=headers
    )
    assert added.status_code == 200, added.text
    address = {k: SHOPPER[k] for k in ("name", "line1", "city", "postal_code")} | {"country": "IE"}
    quote = http.post(
        f"/v1/carts/{token}/quote?email={SHOPPER['email']}",
        json={"address": address, "email": SHOPPER["email"]},
        headers=headers,
    )
    assert quote.status_code == 200, quote.text
    idempotency_key = "log-probe-idempotency-key-1"
    order = http.post(
        "/v1/checkout",
        json={
            "cart": token,
            "email": SHOPPER["email"],
            "phone": SHOPPER["phone"],
            "address": address,
            "shipping_method": 1,
            "payment": {
                "method": "test_card",
                "card": {"number": "4242424242424242", "expiry": "12/34", "cvc": "123"},
            },
        },
        headers=headers | {"Idempotency-Key": idempotency_key},
    )
    assert order.status_code == 201, order.text
    return token, order.json()["order"]["number"]


def browse_the_admin(http: httpx.Client, number: str) -> list[str]:
    """Sign in, search orders by the shopper's email, open the order; the cookies and CSRF
    tokens the browser held."""
    page = http.get("/admin/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    signed_in = http.post(
        "/admin/login", data={"csrf_token": csrf, "email": EMAIL, "password": PASSWORD}
    )
    assert signed_in.status_code == 303
    store_page = http.get("/admin/", follow_redirects=True)
    base = str(store_page.url.path)
    search = http.get(f"{base}/orders", params={"q": SHOPPER["email"]})
    assert f"/orders/{number}" in search.text
    order_page = http.get(f"{base}/orders/{number}").text
    assert SHOPPER["line1"] in order_page
    signed_in_csrf = re.search(r'name="csrf_token" value="([^"]+)"', order_page).group(1)
    shopper = {"csrf_token": signed_in_csrf, "email": SHOPPER["email"]}
    assert f"#{number}" in http.post(f"{base}/shopper-data", data=shopper).text
    assert SHOPPER["line1"] in http.post(f"{base}/shopper-data.json", data=shopper).text
    erased = http.post(f"{base}/shopper-data/erase", data=shopper | {"confirm": "true"})
    assert erased.status_code == 303
    return [csrf, signed_in_csrf, *http.cookies.values()]


def wait_for_delivery(receiver) -> None:
    deadline = time.monotonic() + 15
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.05)
    assert receiver.received, "the order's webhook never arrived"


def test_a_debug_log_carries_no_personal_data_tokens_or_secrets(tmp_path):
    db_path, log_path = tmp_path / "k.db", tmp_path / "server.log"
    with running_receiver() as receiver:
        key = seed(db_path, f"{receiver.url}?token={HOOK_TOKEN}")
        server = ServerProcess(
            db_path,
            env={"KEEPCART_LOG_LEVEL": "debug", "KEEPCART_SECRET_KEYS": SECRET_KEY,
                 "KEEPCART_WEBHOOKS_ALLOW_PRIVATE": "1"},
            log=log_path,
        )  # fmt: skip
        server.start()
        try:
            with httpx.Client(base_url=server.url, timeout=10) as http:
                cart_token, number = shop_and_check_out(http, key)
                wait_for_delivery(receiver)
                held = browse_the_admin(http, number)
        finally:
            server.stop()
    assert receiver.received[0].path.endswith(f"?token={HOOK_TOKEN}")
    log = log_path.read_text()
    with sqlite3.connect(db_path) as conn:
        [password_hash] = conn.execute("SELECT password_hash FROM users").fetchone()
    never = [
        *SHOPPER.values(),
        SHOPPER["email"].split("@")[0],
        EMAIL,
        PASSWORD,
        password_hash,
        SECRET_KEY,
        cart_token,
        "log-probe-idempotency-key-1",
        HOOK_TOKEN,
        *held,
    ]
    leaked = [value for value in never if value in log]
    assert leaked == []
    assert "DEBUG keepcart: settings:" in log  # it did log, at debug
    assert "INFO uvicorn.error: Started server process" in log  # through Keepcart's handler
    assert "POST /v1/carts/{token}/items 200" in log
    assert "GET /admin/stores/{store_id}/orders 200" in log
    assert "POST /admin/stores/{store_id}/shopper-data/erase 303" in log
    assert "?" not in "".join(line for line in log.splitlines() if "keepcart.access" in line)


def test_the_demos_mail_catcher_logs_no_recipient(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)

    async def deliver() -> None:
        async with mail_catcher(tmp_path / "mail") as catcher:
            message = EmailMessage()
            message["From"], message["To"] = "shop@demo.test", SHOPPER["email"]
            message["Subject"] = "Your order"
            message.set_content("Thank you")
            await aiosmtplib.send(message, hostname="127.0.0.1", port=catcher.port)

    asyncio.run(deliver())
    assert list((tmp_path / "mail" / "new").iterdir())  # it was caught
    assert SHOPPER["email"] not in caplog.text
