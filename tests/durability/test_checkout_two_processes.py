"""Two `keepcart serve` processes on one database (a rolling restart, or two servers behind a
proxy), and shoppers whose checkout is sent several times at once with one Idempotency-Key,
spread over both: one order per key, and every payment authorized is either that order's or
voided. Nobody is charged twice."""

from __future__ import annotations

import asyncio
import itertools
import re
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from server.accounts import create_store
from server.clock import now_ms
from server.db import Database
from server.demo_seed import seed_demo_store
from server.payments.test_card import SLOW
from server.stores.service import validate_new_store
from tests.api.shopping import ADDRESS
from tests.process import ServerProcess

ORIGIN = "http://shop.test"
SHOPPERS = 12  # one cart and one Idempotency-Key each
COPIES = 8  # requests per key sent at once, alternately to each server
PATIENCE_S = 60  # how long a shopper keeps retrying "in progress" before the test gives up

_GATEWAY = re.compile(r"keepcart\.payments\.test_card: (authorized|voided) (test_[0-9a-f]+)")


async def prepare(db_path: Path) -> str:
    db = Database(db_path)
    await db.open()
    try:
        store = await create_store(db, validate_new_store("Shop", [ORIGIN], "EUR"), now=now_ms())
        await db.write(lambda conn: seed_demo_store(conn, store.id, ORIGIN, now_ms()))
    finally:
        await db.close()
    return store.public_key


async def new_cart(client: httpx.AsyncClient, store_key: str) -> str:
    token = (await client.post("/v1/carts", json={"store": store_key})).json()["token"]
    added = await client.post(f"/v1/carts/{token}/items", json={"sku": "FH-MUG-01", "quantity": 1})
    assert added.status_code == 200, added.text
    return token


async def place_until_answered(
    client: httpx.AsyncClient, token: str, key: str, card: str
) -> tuple[str, int]:
    """Send this shopper's order with its key until it is answered with the order, retrying
    while another copy is being placed (409 in_progress), as the widget does; the order's id
    and how many times it was told to wait."""
    body = {
        "cart": token, "email": "aoife@example.com", "address": ADDRESS, "shipping_method": 1,
        "payment": {"method": "test_card",
                    "card": {"number": card, "expiry": "12/34", "cvc": "123"}},
    }  # fmt: skip
    deadline = time.monotonic() + PATIENCE_S
    for waits in itertools.count():
        response = await client.post("/v1/checkout", json=body, headers={"Idempotency-Key": key})
        if response.status_code == 201:
            return response.json()["order"]["id"], waits
        assert response.json()["error"]["code"] == "in_progress", response.text
        assert time.monotonic() < deadline, "the order was still in progress after a minute"
        await asyncio.sleep(0.05)
    raise AssertionError("unreachable")


async def shop_on_both(
    servers: list[ServerProcess], store_key: str
) -> tuple[dict[str, set[str]], list[int]]:
    """Every shopper's copies at once, alternately on each server: the order ids answered, by
    key, and how many times each server answered "in progress"."""
    headers = {"Origin": ORIGIN}
    limits = httpx.Limits(max_connections=SHOPPERS * COPIES)
    clients = [
        httpx.AsyncClient(base_url=s.url, headers=headers, timeout=30, limits=limits)
        for s in servers
    ]
    try:
        tokens = [await new_cart(clients[n % 2], store_key) for n in range(SHOPPERS)]
        keys = [f"shopper-{n:02d}-key" for n in range(SHOPPERS)]
        # Half pay with the card whose authorization takes a second: every copy of theirs
        # arrives while it runs. The others' race for the order's write instead.
        cards = [SLOW if n % 2 else "4242424242424242" for n in range(SHOPPERS)]
        copies = [
            place_until_answered(clients[copy % 2], token, key, card)
            for token, key, card in zip(tokens, keys, cards, strict=True)
            for copy in range(COPIES)
        ]
        answers = await asyncio.gather(*copies)
    finally:
        for client in clients:
            await client.aclose()
    by_key: dict[str, set[str]] = {key: set() for key in keys}
    waits = [0, 0]
    for index, (order_id, waited) in enumerate(answers):
        by_key[keys[index // COPIES]].add(order_id)
        waits[index % 2] += waited
    return by_key, waits


def gateway_ledger(logs: list[Path]) -> tuple[set[str], set[str]]:
    """(authorized, voided) payment references, as the card gateway logged them."""
    seen: dict[str, set[str]] = {"authorized": set(), "voided": set()}
    for log in logs:
        for what, reference in _GATEWAY.findall(log.read_text()):
            seen[what].add(reference)
    return seen["authorized"], seen["voided"]


@pytest.mark.slow
def test_retries_over_two_processes_make_one_order_per_key_and_charge_once(tmp_path):
    db = tmp_path / "keepcart.db"
    store_key = asyncio.run(prepare(db))
    logs = [tmp_path / "server-a.log", tmp_path / "server-b.log"]
    env = {"KEEPCART_API_RATE_LIMIT": "1000000"}
    servers = [ServerProcess(db, env=env, log=log) for log in logs]
    try:
        for server in servers:
            server.start()
        answered, waits = asyncio.run(shop_on_both(servers, store_key))
    finally:
        for server in servers:
            server.stop()

    # Copies did overlap, in both processes: each was told to wait while another placed it.
    assert all(waits), waits
    assert all(len(order_ids) == 1 for order_ids in answered.values()), answered
    with sqlite3.connect(db) as conn:
        orders = conn.execute("SELECT public_id, cart_id, payment_reference FROM orders").fetchall()
        keys = conn.execute("SELECT key, state FROM idempotency_keys").fetchall()
    assert sorted(public_id for public_id, _, _ in orders) == sorted(
        order_id for order_ids in answered.values() for order_id in order_ids
    ), "exactly one order per key, the one every copy was answered with"
    assert len({cart_id for _, cart_id, _ in orders}) == SHOPPERS
    assert sorted(keys) == sorted((key, "completed") for key in answered)

    authorized, voided = gateway_ledger(logs)
    assert len(authorized) >= SHOPPERS and voided <= authorized
    charged = authorized - voided
    assert len(charged) == len(orders), (
        f"{len(charged) - len(orders)} payments authorized without an order or a void"
    )
    assert charged == {reference for _, _, reference in orders}
