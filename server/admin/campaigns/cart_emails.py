""" "Email me my cart" requests: who asked, with the exact wording they agreed to, for the
merchant to follow up. Keepcart sends no email itself; this page (and its CSV) is how the
merchant sees each request, and deletes it once handled or when the shopper asks.

The page shows PAGE_SIZE requests at a time (a store collects thousands); the CSV holds every
request, streamed from its own thread and connection (``server.db.export_reader``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.admin.campaigns.editing import offers_url, render_offers
from server.admin.forms import post_action
from server.admin.orders.pages import page_from
from server.admin.pages import Merchant, csv_download, login_required, store_for_request
from server.catalog.csv_io import csv_chunks
from server.db import Database
from server.db.export_reader import start_export
from server.forms import format_local_display
from server.money import format_major_units
from server.offers.queries import CartEmailRequest, CartLine, delete_request
from server.orders.service import local_time
from server.services import services
from server.stores.service import Store

PAGE_SIZE = 50
# Requests read at a time by the export, each batch with its carts' items in one more query.
BATCH_REQUESTS = 500
CSV_COLUMNS = ("requested_at", "email", "consent_wording", "campaign", "cart_status", "items",
               "subtotal", "currency")  # fmt: skip

# The store's requests, newest first, each with its campaign's name and its cart's status now.
_REQUESTS = (
    "SELECT e.id, e.created_at, e.email, e.wording, e.cart_id,"
    " coalesce(c.name, '') AS campaign, coalesce(k.status, '') AS cart_status"
    " FROM email_consents e LEFT JOIN campaigns c ON c.id = e.campaign_id"
    " LEFT JOIN carts k ON k.id = e.cart_id WHERE e.store_id = ?"
    " ORDER BY e.created_at DESC, e.id DESC"
)


# ---- pages --------------------------------------------------------------------------------


@login_required
async def requests_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    db = services(request).db
    total = int(
        await db.fetch_value("SELECT count(*) FROM email_consents WHERE store_id = ?", (store.id,))
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = page_from(request.query_params.get("page"), pages)
    offset = (page - 1) * PAGE_SIZE
    requests = await _requests_page(db, store.id, offset)
    context = {
        "requests": requests,
        "total": total,
        "first_shown": offset + 1,
        "page": page,
        "pages": pages,
        "previous_url": _page_url(page - 1) if page > 1 else None,
        "next_url": _page_url(page + 1) if page < pages else None,
        "when": lambda ms: format_local_display(ms, store.timezone),
        "money": lambda amount: format_major_units(amount, store.currency),
    }
    return render_offers(request, merchant, store, "cart_emails.html", context)


async def _requests_page(db: Database, store_id: int, offset: int) -> list[CartEmailRequest]:
    rows = await db.fetch_all(_REQUESTS + " LIMIT ? OFFSET ?", (store_id, PAGE_SIZE, offset))
    cart_ids = [row["cart_id"] for row in rows if row["cart_id"] is not None]
    items = await db.fetch_all(*_items_query(cart_ids))
    return _with_lines(rows, items)


def _page_url(page: int) -> str:
    return f"?page={page}" if page > 1 else ""


# ---- CSV ----------------------------------------------------------------------------------


@login_required
async def requests_csv(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)

    def chunks(conn: sqlite3.Connection) -> Iterator[bytes]:
        rows = (request_cells(r, store) for r in all_requests(conn, store.id))
        return csv_chunks(CSV_COLUMNS, rows)

    export = await start_export(services(request).db.path, chunks, "cart-email requests CSV")
    return csv_download(f"store-{store.id}-cart-email-requests.csv", export)


def all_requests(conn: sqlite3.Connection, store_id: int) -> Iterator[CartEmailRequest]:
    """Every request of the store, newest first, read in batches of BATCH_REQUESTS."""
    cursor = conn.execute(_REQUESTS, (store_id,))
    while batch := cursor.fetchmany(BATCH_REQUESTS):
        cart_ids = [row["cart_id"] for row in batch if row["cart_id"] is not None]
        yield from _with_lines(batch, conn.execute(*_items_query(cart_ids)).fetchall())


def request_cells(r: CartEmailRequest, store: Store) -> list[str]:
    items = "; ".join(f"{line.quantity} × {line.name}" for line in r.lines)
    # An export's moment is ISO 8601 with its offset, as the orders export writes it: a
    # spreadsheet reads and sorts it (pages show format_local_display's words).
    requested_at = local_time(r.created_at, store.timezone).isoformat(timespec="seconds")
    return [requested_at, r.email, r.wording, r.campaign,
            r.cart_status, items, format_major_units(r.subtotal, store.currency),
            store.currency]  # fmt: skip


# ---- the requests' carts ------------------------------------------------------------------


def _items_query(cart_ids: Sequence[int]) -> tuple[str, list[int]]:
    """The items of these carts, in the order they were added."""
    marks = ",".join("?" * len(cart_ids))
    sql = (
        "SELECT i.cart_id, p.name, p.variant, i.quantity, p.price FROM cart_items i"
        f" JOIN products p ON p.id = i.product_id WHERE i.cart_id IN ({marks})"
        " ORDER BY i.added_at, p.name"
    )
    return sql, list(cart_ids)


def _with_lines(rows: Iterable[Any], items: Iterable[Any]) -> list[CartEmailRequest]:
    """Each request row with its cart's lines as they are now."""
    lines: dict[int, list[CartLine]] = {}
    for item in items:
        name = f"{item['name']} ({item['variant']})" if item["variant"] else item["name"]
        lines.setdefault(item["cart_id"], []).append(
            CartLine(name, item["quantity"], item["price"])
        )
    return [
        CartEmailRequest(
            row["id"],
            row["created_at"],
            row["email"],
            row["wording"],
            row["campaign"],
            row["cart_status"],
            tuple(lines.get(row["cart_id"], ())),
        )
        for row in rows
    ]


delete_request_action = post_action(
    lambda conn, store, params: delete_request(conn, store.id, params["request_id"]),
    "There is no such request.",
    lambda store, params: offers_url(store, "/cart-emails?saved=request_deleted"),
)
