"""An acknowledged order survives SIGKILL, with its stock taken; no stock without an order."""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import threading

import httpx
import pytest

from server.accounts import create_store
from server.clock import now_ms
from server.db import Database
from server.demo_seed import seed_demo_store
from server.stores.service import validate_new_store
from tests.api.shopping import ADDRESS
from tests.process import ServerProcess, kill_under_load

ORIGIN = "http://shop.test"
INITIAL_STOCK = 100_000


async def prepare(db_path) -> str:
    db = Database(db_path)
    await db.open()
    try:
        store = await create_store(db, validate_new_store("Shop", [ORIGIN], "EUR"), now=now_ms())
        await db.write(lambda conn: seed_demo_store(conn, store.id, ORIGIN, now_ms()))
        await db.write(
            lambda conn: conn.execute(
                "UPDATE products SET track_stock = 1, stock = ? WHERE sku = 'FH-MUG-01'",
                (INITIAL_STOCK,),
            )
        )
    finally:
        await db.close()
    return store.public_key


def shop_until_stopped(url: str, key: str, worker: int, acked: list[str], stop: threading.Event):
    headers = {"Origin": ORIGIN}
    with httpx.Client(base_url=url, timeout=5, headers=headers) as client:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                token = client.post("/v1/carts", json={"store": key}).json()["token"]
                client.post(f"/v1/carts/{token}/items", json={"sku": "FH-MUG-01", "quantity": 2})
                response = client.post(
                    "/v1/checkout",
                    headers={"Idempotency-Key": f"w{worker}-order-{n:06d}"},
                    json={
                        "cart": token, "email": f"w{worker}@example.com", "address": ADDRESS,
                        "shipping_method": 1,
                        "payment": {"method": "test_card", "card": {
                            "number": "4242424242424242", "expiry": "12/34", "cvc": "123"}},
                    },
                )  # fmt: skip
            except (httpx.TransportError, KeyError, ValueError):
                return  # the server is gone
            if response.status_code == 201:
                acked.append(response.json()["order"]["id"])


@pytest.mark.slow
def test_acknowledged_orders_survive_sigkill(tmp_path):
    db = tmp_path / "keepcart.db"
    key = asyncio.run(prepare(db))
    server = ServerProcess(db, env={"KEEPCART_API_RATE_LIMIT": "1000000"})
    server.start()
    acked = kill_under_load(
        server, functools.partial(shop_until_stopped, server.url, key),
        workers=6, enough=60, timeout=30,
    )  # fmt: skip
    assert len(acked) >= 20, "too few orders were acknowledged before the kill"

    server.start()
    try:
        with sqlite3.connect(db) as conn:
            stored = {row[0] for row in conn.execute("SELECT public_id FROM orders")}
            sold = conn.execute("SELECT coalesce(sum(quantity), 0) FROM order_items").fetchone()[0]
            stock = conn.execute("SELECT stock FROM products WHERE sku = 'FH-MUG-01'").fetchone()[0]
    finally:
        server.stop()
    assert not set(acked) - stored, "an acknowledged order was lost"
    assert stock == INITIAL_STOCK - sold, "stock and orders disagree"
