"""Faults of the database file, not of the request: a client gets a 503 it can act on.

Another process holding SQLite's write lock (a backup, a ``sqlite3`` shell) past the busy
timeout is ``503 database_busy`` with ``Retry-After``, and the same request succeeds once the
lock is released. A database file deleted or replaced under the running server is ``503
database_unavailable`` on every write from then on, and the health check fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from server.db import Database, DatabaseUnusable
from server.services import services
from server.settings import Settings
from tests.api.admin_client import csrf_from, sign_in
from tests.api.shopping import (
    GATEWAY_LOG,
    HEADERS,
    gateway_ledger,
    new_cart,
    order_body,
    place,
    while_authorizing,
)
from tests.api.tracking import batch, post, stored_events

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Short, so that a write waiting for a held lock gives up quickly.
    return dataclasses.replace(settings, db_busy_timeout=50)


@contextlib.contextmanager
def write_lock_held(db: Path) -> Iterator[None]:
    """Another connection, as a backup or a sqlite3 shell would, holds the write lock."""
    with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")


def lock_taken_while_authorizing(monkeypatch: pytest.MonkeyPatch, db: Path) -> contextlib.ExitStack:
    """Another connection takes the write lock while the payment is being authorized; it holds
    it until the returned stack is closed."""
    lock = contextlib.ExitStack()

    async def take_the_lock() -> None:
        lock.enter_context(write_lock_held(db))

    while_authorizing(monkeypatch, take_the_lock)
    return lock


def problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def assert_one_line_logged(caplog: pytest.LogCaptureFixture, level: int, words: str) -> None:
    [record] = problems(caplog)
    assert record.levelno == level
    assert words in record.getMessage()
    assert record.exc_info is None and record.exc_text is None  # no traceback


def assert_busy(response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "database_busy"
    assert int(response.headers["retry-after"]) >= 1
    if "access-control-allow-origin" in response.headers:  # the widget on a shop reads it
        assert response.headers["access-control-expose-headers"] == "Retry-After"


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "database_unavailable"


# --- another process holds the write lock ------------------------------------------------


async def test_checkout_while_locked_is_a_503_and_the_same_request_succeeds_after(
    app, client, shop, settings, caplog
):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    body = order_body(token)
    with write_lock_held(settings.db):
        refused = await place(client, body, key="retry-me")
    assert_busy(refused)
    assert refused.headers["access-control-allow-origin"] == HEADERS["Origin"]
    assert_one_line_logged(caplog, logging.WARNING, "locked by another process")
    assert await services(app).db.fetch_value("SELECT count(*) FROM orders") == 0

    placed = await place(client, body, key="retry-me")
    assert placed.status_code == 201, placed.text
    assert await services(app).db.fetch_value("SELECT count(*) FROM orders") == 1


async def test_cart_creation_while_locked_is_a_503(client, store, settings, caplog):
    with write_lock_held(settings.db):
        refused = await client.post("/v1/carts", json={"store": store.public_key}, headers=HEADERS)
    assert_busy(refused)
    assert_one_line_logged(caplog, logging.WARNING, "locked by another process")
    created = await client.post("/v1/carts", json={"store": store.public_key}, headers=HEADERS)
    assert created.status_code == 201


@pytest.mark.parametrize(
    "props",
    [
        {"i": 1},  # answered by the fast path
        # "e+" in props sends a valid batch on to the Starlette route (fastpath docstring)
        {"note": "1e+5"},
    ],
    ids=["fast-path", "route"],
)
async def test_event_ingest_while_locked_is_a_503(app, client, store, settings, caplog, props):
    body = batch(store.public_key, 2, props=props)
    with write_lock_held(settings.db):
        refused = await post(client, body)
    assert_busy(refused)
    assert refused.headers["access-control-allow-origin"] == HEADERS["Origin"]
    assert_one_line_logged(caplog, logging.WARNING, "locked by another process")
    assert await stored_events(app) == []

    assert (await post(client, body)).status_code == 202
    assert len(await stored_events(app)) == 2


async def test_an_admin_form_while_locked_is_a_503_page(client, merchant, settings, caplog):
    await sign_in(client)
    page = await client.get("/admin/stores")
    form = {"csrf_token": csrf_from(page.text), "name": "Shop", "origins": "https://s.test",
            "currency": "EUR", "locale": "en-US", "timezone": "UTC"}  # fmt: skip
    with write_lock_held(settings.db):
        refused = await client.post("/admin/stores", data=form)
    assert refused.status_code == 503
    assert refused.headers["content-type"].startswith("text/html")
    assert "busy" in refused.text
    assert int(refused.headers["retry-after"]) >= 1
    assert_one_line_logged(caplog, logging.WARNING, "locked by another process")
    assert (await client.post("/admin/stores", data=form)).status_code == 303


# --- the database file is deleted or replaced ---------------------------------------------


async def test_a_deleted_database_refuses_writes_and_fails_the_health_check(
    client, store, settings, caplog
):
    assert (await client.get("/healthz")).status_code == 200
    os.remove(settings.db)

    for _ in range(2):  # and stays refused
        refused = await client.post("/v1/carts", json={"store": store.public_key}, headers=HEADERS)
        assert_unavailable(refused)
        assert "retry-after" not in refused.headers  # only a restart helps
    health = await client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["ok"] is False
    assert health.json()["error"]["code"] == "database_unavailable"
    assert_one_line_logged(caplog, logging.ERROR, f"{settings.db} was deleted or replaced")


async def test_a_replaced_database_refuses_checkout_and_events(client, shop, settings, caplog):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    copy = settings.db.with_name("copy.db")
    with (
        contextlib.closing(sqlite3.connect(settings.db)) as source,
        contextlib.closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
    os.replace(copy, settings.db)  # a restored backup, moved over the live file

    assert_unavailable(await place(client, order_body(token)))
    assert_unavailable(await post(client, batch(shop.public_key)))
    assert (await client.get("/healthz")).status_code == 503
    assert_one_line_logged(caplog, logging.ERROR, "deleted or replaced")


async def test_the_health_check_notices_a_deleted_database_without_a_write(
    client, settings, caplog
):
    os.remove(settings.db)
    assert (await client.get("/healthz")).status_code == 503
    assert_one_line_logged(caplog, logging.ERROR, "deleted or replaced")


# --- a file SQLite cannot open --------------------------------------------------------------


def connection_threads() -> int:
    return sum("_connection_worker_thread" in t.name for t in threading.enumerate())


def eventually(condition: Callable[[], bool], timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


async def test_opening_a_file_that_is_not_a_database_names_it_and_leaves_no_thread(tmp_path):
    path = tmp_path / "keepcart.db"
    path.write_bytes(os.urandom(8192))
    before = connection_threads()
    with pytest.raises(DatabaseUnusable, match=f"{path}: file is not a database"):
        await Database(path).open()
    # A connection thread left running would keep the process from ever exiting; a closed
    # connection's thread ends by itself a moment after close() returns.
    assert eventually(lambda: connection_threads() <= before)


# --- faults while a payment is being authorized ------------------------------------------


async def test_a_database_lost_while_paying_voids_the_payment(
    app, client, shop, settings, caplog, monkeypatch
):
    """The order's transaction commits to a file that is no longer the database: the order
    is lost with it, so the shopper must not be charged."""
    caplog.set_level(logging.INFO, logger=GATEWAY_LOG)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)

    async def move_the_database_away() -> None:
        os.replace(settings.db, settings.db.with_name("moved-away.db"))

    while_authorizing(monkeypatch, move_the_database_away)
    response = await place(client, order_body(token))
    assert_unavailable(response)
    authorized, voided = gateway_ledger(caplog)
    assert len(authorized) == 1 and voided == authorized


async def test_a_key_a_lock_kept_from_being_released_is_freed_once_the_lock_goes(
    app, client, shop, settings, caplog, monkeypatch
):
    """The order's write and the key's release both meet a held lock: the payment is voided,
    and the key is released as soon as the lock goes, not two minutes later."""
    caplog.set_level(logging.INFO, logger=GATEWAY_LOG)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    lock = lock_taken_while_authorizing(monkeypatch, settings.db)
    with lock:
        refused = await place(client, order_body(token), key="lock-while-paying")
    assert_busy(refused)
    authorized, voided = gateway_ledger(caplog)
    assert len(authorized) == 1 and voided == authorized

    for _ in range(100):  # the key is released in the background, within seconds
        again = await place(client, order_body(token), key="lock-while-paying")
        if again.json().get("error", {}).get("code") != "in_progress":
            break
        await asyncio.sleep(0.05)
    assert again.status_code == 201, again.text


async def test_stopping_with_a_key_still_to_release_says_so(
    settings, client, shop, app, caplog, monkeypatch
):
    from server.checkout import placing

    monkeypatch.setattr(placing, "SHUTDOWN_GRACE_SECONDS", 0.2)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    lock = lock_taken_while_authorizing(monkeypatch, settings.db)
    with lock:
        assert_busy(await place(client, order_body(token), key="stopping-while-locked"))
        await placing.finish_pending_releases()  # what the lifespan runs as the server stops
    assert "stopping with 1 Idempotency-Key(s) not released" in caplog.text
