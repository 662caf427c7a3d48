"""Trust badges in the browser tier: a stack whose store has the trust settings a test gives
it (and its clock, contact details, HTTPS), the badges' strips as a shopper's browser shows
them, the exposures stored, and a layout-shift observer for the page."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Route
from starlette.applications import Starlette

from server.clock import now_ms
from server.db import Database
from server.services import attach, services
from server.trust.model import TrustSettings
from server.trust.queries import save_trust_settings
from tests.browser.conftest import Stack, live_stack, wait_for
from tests.browser.shopping import wait_for_loader

# What the demo shop's store says about itself once its merchant has written it.
RETURNS = TrustSettings(
    returns_days=30,
    money_back=True,
    returns_policy="Send anything back unused within 30 days.\nWe refund the full price.",
    support_hours="Mon–Fri 9–17",
)
CONTACT = ("help@fernhill.test", "+353 1 555 0100")
# The shop and Keepcart as a merchant would serve them, Keepcart over HTTPS, the shop over
# HTTPS or (a mistake the secure badge must not hide) plain HTTP; see serve_as.
HTTPS_SHOP = "https://shop.keepcart.test"
HTTP_SHOP = "http://shop.keepcart.test"
HTTPS_KEEPCART = "https://api.keepcart.test"
# Stacks whose `trust_stack` block has ended (by identity: a Stack compares by its fields):
# serve_as's routes outlive them, and only then may a failed forward be a late request's.
_CLOSED: list[Stack] = []


def save_trust(db_path: Path, store_id: int, settings: TrustSettings) -> None:
    """The store's trust settings, saved as the admin saves them."""

    async def save() -> None:
        db = Database(db_path)
        await db.open()
        try:
            await db.write(lambda conn: save_trust_settings(conn, store_id, settings, now_ms()))
        finally:
            await db.close()

    with ThreadPoolExecutor(1) as pool:  # Playwright owns this thread's event loop
        pool.submit(asyncio.run, save()).result()


@contextlib.contextmanager
def trust_stack(
    tmp_path: Path,
    settings: TrustSettings | None = None,
    *,
    clock_ms: int | None = None,
    contact: tuple[str, str] | None = None,
    https: bool = False,
    **shop_options: Any,
) -> Iterator[Stack]:
    """Keepcart and the demo store, its store with exactly these trust ``settings`` (else the
    defaults: no policies written, social proof off, no holdout) and ``contact`` email and
    phone (else none), whatever the demo seed gives it; Keepcart's clock at ``clock_ms``; with
    ``https``, Keepcart saying it is served over HTTPS and the store allowing HTTPS_SHOP and
    HTTP_SHOP."""

    def prepare(app: Starlette) -> None:
        state = services(app)
        if clock_ms is not None:
            state.clock.set(clock_ms)
        if https:
            served = dataclasses.replace(state.settings, public_url=HTTPS_KEEPCART)
            attach(app, dataclasses.replace(state, settings=served))
        with closing(sqlite3.connect(state.settings.db)) as conn, conn:
            (store_id,) = conn.execute("SELECT id FROM stores").fetchone()
            conn.execute(
                "UPDATE stores SET contact_email = ?, contact_phone = ?", contact or ("", "")
            )
            if https:
                conn.executemany(
                    "INSERT INTO store_origins (store_id, origin) VALUES (?, ?)",
                    [(store_id, HTTPS_SHOP), (store_id, HTTP_SHOP)],
                )
        save_trust(state.settings.db, store_id, settings or TrustSettings())

    with live_stack(tmp_path, prepare, **shop_options) as stack:
        try:
            yield stack
        finally:
            _CLOSED.append(stack)


def serve_as(page: Page, stack: Stack, shop: str) -> None:
    """The page reaches the shop at ``shop`` and Keepcart at HTTPS_KEEPCART, as a merchant
    with certificates serves them: Playwright answers those URLs from the test's plain-HTTP
    servers, with each one's URL rewritten in pages, JSON answers (product images) and
    headers (the shop's CSP)."""
    swaps = [(stack.keepcart_url, HTTPS_KEEPCART), (stack.shop_url, shop)]

    def forward(route: Route, public: str, real: str) -> None:
        try:
            response = route.fetch(url=real + route.request.url[len(public) :])
        except PlaywrightError:
            if not any(closed is stack for closed in _CLOSED):
                raise  # the servers are up: a failure the test must see
            # The test's servers have closed (its stack ends before the page does): the page's
            # late request (stars' ratings, after the load) fails as a network error would.
            route.abort()
            return
        body = response.body()
        headers = dict(response.headers)
        for plain, served in swaps:
            headers = {name: value.replace(plain, served) for name, value in headers.items()}
            if re.search(r"html|json", headers.get("content-type", "")):
                body = body.replace(plain.encode(), served.encode())
        route.fulfill(status=response.status, headers=headers, body=body)

    page.route(f"{shop}/**", lambda route: forward(route, shop, stack.shop_url))
    keepcart = stack.keepcart_url
    page.route(f"{HTTPS_KEEPCART}/**", lambda route: forward(route, HTTPS_KEEPCART, keepcart))


def mount(page: Page, placement: str = "product") -> Locator:
    return page.locator(f'[data-keepcart-badges="{placement}"]')


def strip(page: Page, placement: str = "product") -> Locator:
    """The badges' list in a mount (Playwright's CSS goes into open shadow roots)."""
    return mount(page, placement).get_by_role("list", name="Good to know")


def exposures(stack: Stack) -> list[dict]:
    rows = stack.query("SELECT element, visitor_id, arm FROM trust_exposures ORDER BY rowid")
    return [dict(row) for row in rows]


def visitor_id(page: Page) -> str:
    return wait_for(lambda: page.evaluate("localStorage.getItem('keepcart:vid')"))


def ready(page: Page) -> None:
    """Until the loader's setup is done (every chunk it loads in the background is asked for)."""
    wait_for_loader(page)
    page.evaluate("new Promise((resolve) => keepcart('on', 'ready', () => resolve(true)))")
