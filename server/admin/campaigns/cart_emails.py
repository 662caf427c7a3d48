""" "Email me my cart" requests: who asked, with the exact wording they agreed to, for the
merchant to follow up. Keepcart sends no email itself; this page (and its CSV) is how the
merchant sees each request, and deletes it once handled or when the shopper asks."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite
from starlette.requests import Request
from starlette.responses import Response

from server.admin.campaigns.editing import offers_url, render_offers
from server.admin.forms import post_action
from server.admin.pages import Merchant, csv_download, login_required, store_for_request
from server.catalog.csv_io import csv_text
from server.db import Database
from server.forms import format_local_display
from server.money import format_major_units
from server.stores.service import Store

CSV_COLUMNS = ("requested_at", "email", "consent_wording", "campaign", "cart_status", "items",
               "subtotal", "currency")  # fmt: skip


@dataclass(frozen=True)
class CartLine:
    name: str
    quantity: int
    price: int  # one unit, in minor units, at today's price


@dataclass(frozen=True)
class CartEmailRequest:
    id: int
    created_at: int
    email: str
    wording: str
    campaign: str  # the campaign's name, or "" if it was deleted
    cart_status: str  # "open", "ordered", or "" if the cart is gone
    lines: tuple[CartLine, ...]

    @property
    def subtotal(self) -> int:
        return sum(line.price * line.quantity for line in self.lines)


async def list_requests(db: Database, store_id: int) -> list[CartEmailRequest]:
    """The store's requests, newest first, each with its cart as it is now."""
    rows = await db.fetch_all(
        "SELECT e.id, e.created_at, e.email, e.wording, e.cart_id,"
        " coalesce(c.name, '') AS campaign, coalesce(k.status, '') AS cart_status"
        " FROM email_consents e LEFT JOIN campaigns c ON c.id = e.campaign_id"
        " LEFT JOIN carts k ON k.id = e.cart_id WHERE e.store_id = ?"
        " ORDER BY e.created_at DESC, e.id DESC",
        (store_id,),
    )
    items = await db.fetch_all(
        "SELECT i.cart_id, p.name, p.variant, i.quantity, p.price FROM cart_items i"
        " JOIN products p ON p.id = i.product_id WHERE i.cart_id IN"
        " (SELECT cart_id FROM email_consents WHERE store_id = ?) ORDER BY i.added_at, p.name",
        (store_id,),
    )
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


async def delete_request(conn: aiosqlite.Connection, store_id: int, request_id: int) -> bool:
    cursor = await conn.execute(
        "DELETE FROM email_consents WHERE store_id = ? AND id = ?", (store_id, request_id)
    )
    return cursor.rowcount == 1


# ---- pages --------------------------------------------------------------------------------


@login_required
async def requests_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    requests = await list_requests(request.app.state.db, store.id)
    context = {
        "requests": requests,
        "when": lambda ms: format_local_display(ms, store.timezone),
        "money": lambda amount: format_major_units(amount, store.currency),
    }
    return render_offers(request, merchant, store, "cart_emails.html", context)


@login_required
async def requests_csv(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    requests = await list_requests(request.app.state.db, store.id)
    rows = (request_cells(r, store) for r in requests)
    return csv_download(f"store-{store.id}-cart-email-requests.csv", csv_text(CSV_COLUMNS, rows))


def request_cells(r: CartEmailRequest, store: Store) -> list[str]:
    items = "; ".join(f"{line.quantity} × {line.name}" for line in r.lines)
    return [format_local_display(r.created_at, store.timezone), r.email, r.wording, r.campaign,
            r.cart_status, items, format_major_units(r.subtotal, store.currency),
            store.currency]  # fmt: skip


delete_request_action = post_action(
    lambda conn, store, params: delete_request(conn, store.id, params["request_id"]),
    "There is no such request.",
    lambda store, params: offers_url(store, "/cart-emails?saved=request_deleted"),
)
