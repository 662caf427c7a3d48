"""An acknowledged event is never lost, even when the server is killed with SIGKILL."""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import threading
import time

import httpx
import pytest

from tests.process import ServerProcess, keepcart, kill_under_load

ORIGIN = "http://shop.test"


def send_until_stopped(url: str, key: str, worker: int, acked: list[str], stop: threading.Event):
    with httpx.Client(timeout=5) as client:
        n = 0
        while not stop.is_set():
            names = [f"w{worker}-{n}-{i}" for i in range(5)]
            n += 1
            body = {
                "store": key,
                "events": [
                    {"type": "custom", "name": name, "occurred_at": int(time.time() * 1000),
                     "url": ORIGIN + "/", "session_id": f"s_{worker}"}
                    for name in names
                ],
            }  # fmt: skip
            try:
                response = client.post(
                    f"{url}/v1/events",
                    content=json.dumps(body),
                    headers={"Content-Type": "text/plain", "Origin": ORIGIN},
                )
            except httpx.TransportError:
                return  # the server is gone
            if response.status_code == 202:
                acked.extend(names)


@pytest.mark.slow
def test_acknowledged_events_survive_sigkill(tmp_path):
    db = tmp_path / "keepcart.db"
    created = keepcart("stores", "create", "--name", "Shop", "--origin", ORIGIN,
                       "--currency", "EUR", "--db", str(db))  # fmt: skip
    assert created.returncode == 0, created.stderr
    key = re.search(r'data-store="(pk_[^"]+)"', created.stdout)[1]

    server = ServerProcess(db, env={"KEEPCART_EVENTS_RATE_LIMIT": "1000000"})
    server.start()
    acked = kill_under_load(
        server, functools.partial(send_until_stopped, server.url, key),
        workers=8, enough=2000, timeout=20,
    )  # fmt: skip
    assert len(acked) >= 500, "too few events were acknowledged before the kill"

    server.start()  # restarts cleanly on the killed database
    try:
        with sqlite3.connect(db) as conn:
            stored = {name for (name,) in conn.execute("SELECT name FROM events")}
    finally:
        server.stop()
    lost = set(acked) - stored
    assert not lost, f"{len(lost)} acknowledged events were lost"
