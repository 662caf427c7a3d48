"""The browser tier's reviews: the demo's reviewed orders seeded into a running stack, an
order moved along as the merchant would, and the reviews mount on the demo store."""

from __future__ import annotations

import asyncio
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import Any

from playwright.sync_api import Locator, Page

from server.clock import now_ms
from server.db import Database
from server.demo_seed import seed_demo_reviews
from server.reviews.importing import ImportedReview, import_reviews
from server.reviews.model import ReviewInput
from tests.browser.conftest import Stack

BROWSER_KEYS = ("browser-test-key-of-at-least-32-bytes",)  # the stack's (tests/browser/conftest.py)

# What the demo store reserves for the mounts (demo_store/static/shop.css).
REVIEWS_HEIGHT = 280
STARS_HEIGHT = 20


def _write(stack: Stack, write: Any) -> Any:
    """``write(conn, merchant id)`` in one transaction of the stack's database, from a thread
    of its own (Playwright's sync API owns this thread's event loop)."""

    async def run() -> Any:
        db = Database(stack.db_path)
        await db.open()
        try:
            merchant = await db.fetch_value("SELECT id FROM users ORDER BY id LIMIT 1")
            return await db.write(lambda conn: write(conn, merchant))
        finally:
            await db.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def seed_reviews(stack: Stack) -> None:
    """The demo's reviews: verified from its own fulfilled orders, a reply, one hidden, three
    imported (``server.demo_seed.seed_demo_reviews``)."""
    _write(stack, lambda conn, merchant: seed_demo_reviews(conn, stack.store.id, merchant,
                                                           now_ms()))  # fmt: skip


def import_mug_reviews(stack: Stack, count: int, name: str = "Pat") -> None:
    """``count`` more reviews of the mug, imported (titled "Imported 1" …), one a day from
    1 January 2024, under ``name``."""
    from datetime import date, timedelta

    rows = [
        ImportedReview(n + 2, "FH-MUG-01", ReviewInput(1 + n % 5, f"Imported {n + 1}", "", name),
                       date(2024, 1, 1) + timedelta(days=n % 366))
        for n in range(count)
    ]  # fmt: skip
    _write(stack, lambda conn, merchant: import_reviews(conn, stack.store.id, "Europe/Dublin",
                                                        rows, merchant, now_ms()))  # fmt: skip


def use_up_todays_votes(stack: Stack, address: str = "127.0.0.1") -> None:
    """The address has marked as many reviews helpful today as it may: that many imported
    reviews of the mug, each with a vote from it (kept as the server keeps it)."""
    from server.reviews.voting import VOTES_PER_ADDRESS_PER_DAY
    from server.security import Purpose, Signer

    import_mug_reviews(stack, VOTES_PER_ADDRESS_PER_DAY, name="Voted")
    signer = Signer(BROWSER_KEYS)
    hashed = signer.keyed_hash(Purpose.HELPFUL_VOTER, f"{stack.store.id} {address}")
    with closing(sqlite3.connect(stack.db_path, timeout=10)) as conn, conn:
        conn.execute(
            "INSERT INTO review_votes (review_id, visitor_id, address, created_at)"
            " SELECT id, 'v_' || id, ?, ? FROM reviews WHERE display_name = 'Voted'",
            (hashed, now_ms()),
        )


def fulfil(stack: Stack, number: int) -> None:
    """The merchant marks order ``number`` fulfilled (paid already)."""
    with closing(sqlite3.connect(stack.db_path, timeout=10)) as conn, conn:
        conn.execute(
            "UPDATE orders SET status = 'fulfilled' WHERE store_id = ? AND number = ?",
            (stack.store.id, number),
        )


def reviews_mount(page: Page) -> Locator:
    """The product page's reviews, once the widget has filled them in."""
    mount = page.locator("[data-keepcart-reviews]")
    mount.get_by_text("How reviews work here").wait_for()
    return mount


# The size of each mount as the page first lays it out, before Keepcart has loaded (what the
# merchant's CSS reserves).
WATCH_MOUNT_SIZES = """
window.__mountSizes = () =>
  [...document.querySelectorAll("[data-keepcart-reviews], [data-keepcart-stars]")].map(
    (el) => [el.getBoundingClientRect().width, el.getBoundingClientRect().height]);
document.addEventListener("DOMContentLoaded", () => {
  window.__reserved = window.__mountSizes();
});
"""
MOUNT_SIZES = "window.__mountSizes()"
