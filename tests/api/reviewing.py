"""Helpers for the reviews tests: an order line to review, its review link, and reading what
the reviews tables hold."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from datetime import date
from urllib.parse import urlsplit

import httpx

from server.orders.receipt_link import status_url
from server.reviews import queries
from server.reviews.importing import ImportedReview, import_reviews
from server.reviews.links import LineKey, review_path
from server.reviews.model import ReviewInput
from server.reviews.moderating import hide_review
from server.reviews.publishing import publish_review
from server.services import services
from tests.api.ordering import insert_order


async def fulfilled_line(app, store, number: int = 1001, *, status: str = "fulfilled") -> LineKey:
    """An order (``status``) with one line, a mug: the line a review link is for."""
    # Paid by bank transfer: a test-card order is a rehearsal, never a verified purchase.
    order_id = await insert_order(app, store, number, status=status, payment_method="bank_transfer")
    db = services(app).db
    public_id = await db.fetch_value("SELECT public_id FROM orders WHERE id = ?", (order_id,))
    product_id = await db.fetch_value(
        "SELECT product_id FROM order_items WHERE order_id = ?", (order_id,)
    )
    return LineKey(store.id, public_id, product_id)


def link_path(app, line: LineKey, now_ms: int | None = None) -> str:
    state = services(app)
    return review_path(state.signer, line, state.clock.now_ms() if now_ms is None else now_ms)


def path_of(url: str) -> str:
    return urlsplit(url).path


async def publish(app, line: LineKey, rating: int = 5, **fields: str):
    review = ReviewInput(
        rating, fields.get("title", "Good"), fields.get("body", "Fine."), fields.get("name", "A B.")
    )
    now = services(app).clock.now_ms()
    return await services(app).db.write(lambda conn: publish_review(conn, line, review, now))


async def rows(app, table: str) -> list[dict]:
    found = await services(app).db.fetch_all(f'SELECT * FROM "{table}" ORDER BY rowid')
    return [dict(row) for row in found]


async def log_actions(app) -> list[tuple[str, str | None]]:
    found = await services(app).db.fetch_all(
        "SELECT action, reason FROM review_moderation ORDER BY id"
    )
    return [(row["action"], row["reason"]) for row in found]


async def find(app, store, public_id: str):
    return await queries.find_review(services(app).db, store.id, public_id)


def receipt_path(app, public_id: str) -> str:
    return path_of(status_url(services(app).signer, services(app).settings.base_url, public_id))


def visible_text(html: str) -> str:
    """The page's text as a person reads it: tags dropped, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


async def member_id(app) -> int:
    """The first login's id (the ``merchant`` fixture's): who moderates in these tests."""
    user = await services(app).db.fetch_value("SELECT id FROM users ORDER BY id LIMIT 1")
    assert user is not None, "use the merchant fixture: moderation is a member's"
    return user


async def import_rows(app, store, *rows: tuple[str, int, str], day: str = "2024-03-15") -> None:
    """Imported reviews (sku, rating, title), as the merchant's CSV import writes them."""
    user = await member_id(app)
    batch = [
        ImportedReview(n, sku, ReviewInput(rating, title, f"{title}, imported.", "Pat"),
                       date.fromisoformat(day))
        for n, (sku, rating, title) in enumerate(rows, start=2)
    ]  # fmt: skip
    await services(app).db.write(
        lambda conn: import_reviews(
            conn, store.id, store.timezone, batch, user, 0, signer=services(app).signer
        )
    )


async def hide(app, store, public_id: str, reason: str = "abusive") -> None:
    user = await member_id(app)
    await services(app).db.write(
        lambda conn: hide_review(conn, store.id, public_id, reason, user, 0)
    )


@asynccontextmanager
async def client_at(app, address: str):
    """A client whose requests come from ``address``, as the server sees it (a helpful vote
    counts once per address)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://keepcart.test") as client:
        yield client
