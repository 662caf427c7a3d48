"""``keepcart demo``: Keepcart and its demo store on two origins, in one command.

Creates or migrates the demo database, makes sure the demo store and a merchant login exist,
then serves Keepcart and the demo store side by side until Ctrl-C stops both.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator

import uvicorn

from server.accounts import add_member, create_store, create_user
from server.app import create_app
from server.clock import now_ms
from server.db import Database
from server.demo_seed import seed_demo_reviews, seed_demo_store
from server.demo_surveys import seed_demo_surveys
from server.settings import Settings
from server.stores.queries import list_stores
from server.stores.service import Store, validate_new_store

DEMO_EMAIL = "merchant@demo.keepcart.test"
DEMO_PASSWORD = "keepcart-demo"
DEMO_STORE_NAME = "Fernhill Goods"


async def prepare_demo(settings: Settings) -> Store:
    """The demo store (created on first run, its catalog refreshed on every run), the demo
    login, with its password reset, as the store's owner, and (once) its reviewed orders and
    its surveys with their answers."""
    demo_origins = (
        f"http://127.0.0.1:{settings.demo_port}",
        f"http://localhost:{settings.demo_port}",
    )
    db = Database(settings.db)
    await db.open()
    try:
        for store in await list_stores(db):
            if demo_origins[0] in store.origins:
                break
        else:
            new = validate_new_store(
                DEMO_STORE_NAME, list(demo_origins), "EUR", "en-IE", "Europe/Dublin"
            )
            store = await create_store(db, new, now=now_ms())
        shop_url = demo_origins[0]
        await db.write(lambda conn: seed_demo_store(conn, store.id, shop_url, now_ms()))
        await create_user(db, DEMO_EMAIL, DEMO_PASSWORD, now=now_ms())
        await add_member(db, store.id, DEMO_EMAIL, "owner", replace_role=True, now=now_ms())
        merchant_id = await db.fetch_value("SELECT id FROM users WHERE email = ?", (DEMO_EMAIL,))
        await db.write(lambda conn: seed_demo_reviews(conn, store.id, merchant_id, now_ms()))
        # After the reviews: the confirmation surveys' answers are on their orders.
        await db.write(lambda conn: seed_demo_surveys(conn, store.id, now_ms()))
    finally:
        await db.close()
    return store


class _Server(uvicorn.Server):
    # Two servers share one process: the demo installs one signal handler for both.
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def run_demo(settings: Settings) -> None:
    from demo_store import create_demo_app

    store = await prepare_demo(settings)
    keepcart_url = settings.base_url
    servers = [
        _Server(uvicorn.Config(create_app(settings), host=settings.host, port=settings.port,
                               log_level="warning", access_log=False, log_config=None)),
        _Server(uvicorn.Config(create_demo_app(keepcart_url, store.public_key), host=settings.host,
                               port=settings.demo_port, log_level="warning", log_config=None)),
    ]  # fmt: skip
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: [setattr(s, "should_exit", True) for s in servers])
    print(
        f"\nKeepcart is running.\n"
        f"  Demo store:  http://{settings.host}:{settings.demo_port}/\n"
        f"  Admin:       {keepcart_url}/admin/\n"
        f"  Login:       {DEMO_EMAIL} / {DEMO_PASSWORD}\n"
        f"  Database:    {settings.db}\n"
        f"Press Ctrl-C to stop.\n",
        flush=True,
    )
    await asyncio.gather(*(server.serve() for server in servers))
