"""Browser tier: real uvicorn servers for Keepcart and the demo store on two free ports,
driven by Playwright in a real Chromium (Playwright's own, or the system's)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import BrowserContext, Page, Playwright
from starlette.applications import Starlette

from demo_store import create_demo_app
from server.app import create_app
from server.clock import now_ms
from server.db import Database
from server.offers.model import Campaign
from server.offers.queries import save_campaign
from server.settings import Settings
from server.stores.service import Store
from tests.browser.seeding import copy_seeded
from tests.process import free_port

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def system_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], playwright: Playwright
) -> dict[str, Any]:
    args = {**browser_type_launch_args, "args": CHROMIUM_FLAGS}
    if Path(playwright.chromium.executable_path).exists():
        return args
    executable = system_chromium()
    if executable is None:
        pytest.fail("No Chromium found: `make test` installs Debian's chromium when run as root.")
    return {**args, "executable_path": executable}


class LiveServer:
    """An ASGI app served by a real uvicorn in a background thread."""

    def __init__(self, app: Any, port: int):
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"server on {self.url} did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.ask_to_stop()
        self.wait_stopped()

    def ask_to_stop(self) -> None:
        # uvicorn notices at its next tick (every 0.1 s), then waits 0.1 s more for connections.
        self._server.should_exit = True

    def wait_stopped(self) -> None:
        self._thread.join(timeout=10)


@contextlib.contextmanager
def serving(*servers: LiveServer) -> Iterator[None]:
    """Start the servers in order; stop them together, as each takes ~0.2 s to stop."""
    started: list[LiveServer] = []
    try:
        for server in servers:
            started.append(server.__enter__())
        yield
    finally:
        for server in started:
            server.ask_to_stop()
        for server in started:
            server.wait_stopped()


@dataclass
class Stack:
    """Keepcart and the demo store, running, with the demo store's Keepcart store."""

    keepcart_url: str
    shop_url: str
    store: Store
    db_path: Path

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True) as conn:
            conn.row_factory = sqlite3.Row
            return conn.execute(sql, params).fetchall()

    def events(self, **where: str) -> list[sqlite3.Row]:
        clause = " AND ".join(f"{column} = ?" for column in where) or "1"
        return self.query(f"SELECT * FROM events WHERE {clause} ORDER BY id", tuple(where.values()))

    def only_campaigns(self, *campaigns: Campaign) -> list[str]:
        """End every campaign the store has (the demo seed's included), then save these as
        the store's running campaigns, in order; returns their public ids."""
        with ThreadPoolExecutor(1) as pool:  # Playwright owns this thread's event loop
            return pool.submit(asyncio.run, self._replace_campaigns(campaigns)).result()

    async def _replace_campaigns(self, campaigns: tuple[Campaign, ...]) -> list[str]:
        db = Database(self.db_path)
        await db.open()
        try:

            async def replace(conn: Any) -> list[str]:
                await conn.execute("UPDATE campaigns SET status = 'ended' WHERE store_id = ?",
                                   (self.store.id,))  # fmt: skip
                saved = []
                for campaign in campaigns:
                    live = dataclasses.replace(campaign, store_id=self.store.id, status="live")
                    saved.append((await save_campaign(conn, live, now_ms())).public_id)
                return saved

            return await db.write(replace)
        finally:
            await db.close()


def wait_for(
    condition: Callable[[], Any], timeout: float = 10, message: str = "", page: Page | None = None
) -> Any:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds.
    With ``page``, waits through Playwright, so its handlers (routes, events) run meanwhile:
    a plain sleep holds them back until the next Playwright call."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(message or "condition not met in time")
        if page is None:
            time.sleep(0.05)
        else:
            page.wait_for_timeout(50)


@contextlib.contextmanager
def live_stack(
    tmp_path: Path, prepare_app: Callable[[Starlette], None] | None = None, **shop_options: Any
) -> Iterator[Stack]:
    """Keepcart and the demo store on two free ports, seeded; ``prepare_app`` may change the
    Keepcart app before it serves (its clock, say), ``shop_options`` configure the shop."""
    keepcart_port, shop_port = free_port(), free_port()
    settings = Settings(
        db=tmp_path / "keepcart.db",
        port=keepcart_port,
        secret_keys=("browser-test-key-of-at-least-32-bytes",),
    )
    shop_url = f"http://127.0.0.1:{shop_port}"
    store = copy_seeded(settings.db, shop_url)
    app = create_app(settings)
    if prepare_app is not None:
        prepare_app(app)
    keepcart = LiveServer(app, keepcart_port)
    shop = LiveServer(create_demo_app(keepcart.url, store.public_key, **shop_options), shop_port)
    with serving(keepcart, shop):
        yield Stack(keepcart.url, shop_url, store, settings.db)


@pytest.fixture
def stack(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Stack]:
    """Keepcart and the demo store; ``@pytest.mark.shop(**options)`` configures the shop."""
    marker = request.node.get_closest_marker("shop")
    shop_options = marker.kwargs if marker else {}
    with live_stack(tmp_path, **shop_options) as stack:
        yield stack


@dataclass
class PageProblems:
    """Uncaught errors, console errors and CSP violations seen on a page."""

    errors: list[str]
    console_errors: list[str]
    csp_violations: list[str]


@pytest.fixture
def problems(page: Page) -> PageProblems:
    seen = PageProblems([], [], [])
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            seen.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.expose_function("__reportCspViolation", lambda text: seen.csp_violations.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__reportCspViolation(e.violatedDirective + ' ' + e.blockedURI));"
    )
    return seen


@pytest.fixture
def new_tab(context: BrowserContext) -> Iterator[Callable[[], Page]]:
    """Another tab of the same browser: a new session (sessionStorage is per tab), the same
    visitor (localStorage is shared)."""
    tabs: list[Page] = []

    def open_tab() -> Page:
        tabs.append(context.new_page())
        return tabs[-1]

    yield open_tab
    for tab in tabs:
        tab.close()
