"""``GET /orders/{token}``: a shopper's receipt and order status, on Keepcart's own origin.

The checkout's answer links to it (``status_url``), so the receipt outlives the confirmation.
The token is the order's public id signed under its own salt (``Purpose.ORDER_STATUS``) and
never expires: a receipt link kept in an email or a bookmark must still open months later,
for a return or a warranty claim. It shows one order and changes nothing; dropping the key
that signed it (``KEEPCART_SECRET_KEYS``) voids it. A forged, altered, truncated or
other-purpose token gets the same 404 page as an order that does not exist.

The URL is the secret, so the page is never cached or indexed, sends no Referer, and loads
nothing from anywhere else (a strict CSP: its stylesheet and script are files beside it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from server.checkout.addresses import COUNTRIES
from server.checkout.queries import load_settings
from server.emails import mailto
from server.orders import queries
from server.orders.receipt import HISTORY_LABELS, LocalFormats, delivery_promise, shopper_status
from server.orders.receipt_link import public_id_from
from server.orders.service import Order, local_time, payment_label
from server.reviews.links import LineKey, review_path
from server.reviews.queries import lines_of_order
from server.reviews.service import may_review
from server.routes.private_page import PrivatePages
from server.routes.survey_page import survey_link
from server.services import services
from server.stores.service import Store

# The page's templates and files stay with the orders package they describe.
HERE = Path(__file__).parent.parent / "orders"
# No images: ``img-src data:`` is for the empty favicon, which spares a request for one.
pages = PrivatePages.at(
    HERE / "templates",
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src data:; base-uri 'none';"
    " form-action 'none'; frame-ancestors 'none'",
)


async def receipt_page(request: Request) -> Response:
    state = services(request)
    public_id = public_id_from(state.signer, request.path_params["token"])
    found = (
        None if public_id is None else await queries.find_order_by_public_id(state.db, public_id)
    )
    store = None if found is None else await state.stores.by_id(found[0])
    if found is None or store is None:
        return pages.render(request, "missing.html", {}, 404)
    return pages.render(request, "receipt.html", await _receipt(request, store, found[1]))


async def _receipt(request: Request, store: Store, order: Order) -> dict[str, Any]:
    db = services(request).db
    settings = await load_settings(db, store.id)
    formats = LocalFormats(store.locale, store.timezone)
    country = COUNTRIES.get(order.shipping_address.get("country", ""))
    awaiting = order.status == "awaiting_payment"
    today = local_time(services(request).clock.now_ms(), store.timezone).date()
    return {
        "store": store,
        "mailto": mailto,
        "order": order,
        "status": shopper_status(order.status, order.payment_method),
        "items": await queries.order_items(db, order.id),
        "history": [
            (HISTORY_LABELS[event.kind], event.created_at)
            for event in await queries.order_events(db, order.id)
            if event.kind in HISTORY_LABELS
        ],
        "address": order.shipping_address,
        "country": country.name if country else order.shipping_address.get("country", ""),
        "delivery": delivery_promise(order, today),
        "payment": payment_label(order.payment_method),
        "instructions": settings.instructions_for(order.payment_method) if awaiting else "",
        "formats": formats,
        "reviews": await _review_links(request, store, order),
        "survey_url": await survey_link(request, store, order),
    }


async def _review_links(request: Request, store: Store, order: Order) -> list[dict[str, Any]]:
    """Each line's review link (fresh, so it works for the link's whole life from today), or
    its review once written; nothing before the order has shipped."""
    if not may_review(order.status, order.payment_method):
        return []
    state = services(request)
    now = state.clock.now_ms()
    return [
        {
            "line": line,
            "url": None
            if line.review
            else review_path(
                state.signer, LineKey(store.id, order.public_id, line.product_id), now
            ),
        }
        for line in await lines_of_order(state.db, order.id)
    ]


routes = [
    Mount("/orders/static", StaticFiles(directory=HERE / "static"), name="receipt-static"),
    Route("/orders/{token}", receipt_page, methods=["GET"]),
]
