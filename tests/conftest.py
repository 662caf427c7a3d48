"""Fixtures shared by every tier: settings on a temporary database, the app, a seeded store."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from server.accounts import add_member, create_store, create_user
from server.app import create_app
from server.clock import now_ms
from server.db import Database
from server.demo_seed import seed_demo_store
from server.services import services
from server.settings import Settings
from server.stores.service import Store, validate_new_store

# Shared helpers assert too (assert_clean, new_cart, ...): pytest rewrites their asserts as it
# does a test module's, so a failing helper says what it compared. Registered before any of
# them is imported.
pytest.register_assert_rewrite("tests.api", "tests.browser", "tests.unit", "tests.process")

SHOP_ORIGIN = "http://shop.test"
MERCHANT_EMAIL = "owner@shop.test"
MERCHANT_PASSWORD = "correct horse battery"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything under tests/browser as `browser` and run it last, whatever the paths.

    Playwright's sync API keeps an event loop running in the main thread once a browser
    test has started, and the other tiers call `asyncio.run()`, which refuses to nest.
    """
    browser_tests = Path(__file__).parent / "browser"
    for item in items:
        if item.path.is_relative_to(browser_tests):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with every migration applied and its statistics, made once per worker: each
    test's database starts as a copy, as a new database opened by Keepcart would be (opening
    finds nothing to apply). Applying the migrations took ~100 ms of every test that opens
    the app; the migration tests apply them on their own files."""
    path = tmp_path_factory.mktemp("template") / "keepcart.db"

    async def migrate() -> None:
        database = Database(path)
        await database.open()
        await database.close()

    with ThreadPoolExecutor(1) as pool:  # Playwright may own this thread's event loop
        pool.submit(asyncio.run, migrate()).result()
    return path


@pytest.fixture
def settings(tmp_path: Path, migrated_database: Path) -> Settings:
    db = tmp_path / "keepcart.db"
    shutil.copyfile(migrated_database, db)
    db.chmod(0o600)  # as Keepcart creates it
    return Settings(db=db, secret_keys=("test-secret-key-of-at-least-32-bytes",))


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    # The outbox's sender stays stopped: a test delivers with services(app).sender.run_once().
    app = create_app(settings, deliver_messages=False)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://keepcart.test") as client:
        yield client


@pytest.fixture
async def store(app: Starlette) -> Store:
    new = validate_new_store("Test Shop", [SHOP_ORIGIN], "EUR", "en-IE", "Europe/Dublin")
    return await create_store(services(app).db, new, now=now_ms())


@pytest.fixture
async def shop(app: Starlette, store: Store) -> Store:
    """The store with the demo catalog, shipping zones, VAT rates and discount codes."""
    await services(app).db.write(
        lambda conn: seed_demo_store(conn, store.id, SHOP_ORIGIN, now_ms())
    )
    return store


@pytest.fixture
async def merchant(app: Starlette, store: Store) -> str:
    """The merchant login, owner of the `store` fixture's store."""
    await create_user(services(app).db, MERCHANT_EMAIL, MERCHANT_PASSWORD, now=now_ms())
    await add_member(services(app).db, store.id, MERCHANT_EMAIL, "owner", now=now_ms())
    return MERCHANT_EMAIL
