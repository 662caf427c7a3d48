""" "Email me my cart" requests: who asked, with the exact wording they agreed to, for the
merchant to follow up. Keepcart sends no email itself; this page (and its CSV) is how the
merchant sees each request, and deletes it once handled or when the shopper asks."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from server.admin.campaigns.editing import offers_url, render_offers
from server.admin.forms import post_action
from server.admin.pages import Merchant, csv_download, login_required, store_for_request
from server.catalog.csv_io import csv_text
from server.forms import format_local_display
from server.money import format_major_units
from server.offers.queries import CartEmailRequest, delete_request, list_requests
from server.orders.service import local_time
from server.services import services
from server.stores.service import Store

CSV_COLUMNS = ("requested_at", "email", "consent_wording", "campaign", "cart_status", "items",
               "subtotal", "currency")  # fmt: skip


# ---- pages --------------------------------------------------------------------------------


@login_required
async def requests_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    requests = await list_requests(services(request).db, store.id)
    context = {
        "requests": requests,
        "when": lambda ms: format_local_display(ms, store.timezone),
        "money": lambda amount: format_major_units(amount, store.currency),
    }
    return render_offers(request, merchant, store, "cart_emails.html", context)


@login_required
async def requests_csv(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    requests = await list_requests(services(request).db, store.id)
    rows = (request_cells(r, store) for r in requests)
    return csv_download(f"store-{store.id}-cart-email-requests.csv", csv_text(CSV_COLUMNS, rows))


def request_cells(r: CartEmailRequest, store: Store) -> list[str]:
    items = "; ".join(f"{line.quantity} × {line.name}" for line in r.lines)
    # An export's moment is ISO 8601 with its offset, as the orders export writes it: a
    # spreadsheet reads and sorts it (pages show format_local_display's words).
    requested_at = local_time(r.created_at, store.timezone).isoformat(timespec="seconds")
    return [requested_at, r.email, r.wording, r.campaign,
            r.cart_status, items, format_major_units(r.subtotal, store.currency),
            store.currency]  # fmt: skip


delete_request_action = post_action(
    lambda conn, store, params: delete_request(conn, store.id, params["request_id"]),
    "There is no such request.",
    lambda store, params: offers_url(store, "/cart-emails?saved=request_deleted"),
)
