"""A line's review link shown in the admin, on a page of its own, for the merchant to send to
the buyer: the order page offers to show it rather than showing it, since showing it is
recorded (``server.reviews.revealing``) and comes with a warning that the link is the
buyer's. Any member who can open the order may show it; the record says who did.

The customer's receipt link (``show_receipt_link``) carries every line's review link once the
order has shipped, so the order page offers to show it the same way, recorded for the whole
order."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin.forms import check_post, form_text
from server.admin.pages import Merchant, login_required, render, store_for_request
from server.errors import NotFound
from server.forms import format_local_display
from server.orders.receipt_link import status_url
from server.reviews.links import LineKey, review_url
from server.reviews.model import ReviewLine
from server.reviews.revealing import reveal_link, reveal_receipt
from server.services import services
from server.stores.service import Store


@login_required
async def show_review_link(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    values = form_text(await check_post(request, merchant), ("order", "product"))
    number, product_id = _whole(values["order"]), _whole(values["product"])
    state = services(request)
    now = state.clock.now_ms()
    line = await state.db.write(
        lambda conn: reveal_link(conn, store.id, number, product_id, merchant.user_id, now)
    )
    key = LineKey(store.id, line.order_public_id, line.product_id)
    link = review_url(state.signer, state.settings.base_url, key, now)
    return _render(request, merchant, store, line.order_number, link, now, line=line)


@login_required
async def show_receipt_link(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    number = _whole(form_text(await check_post(request, merchant), ("order",))["order"])
    state = services(request)
    now = state.clock.now_ms()
    public_id = await state.db.write(
        lambda conn: reveal_receipt(conn, store.id, number, merchant.user_id, now)
    )
    link = status_url(state.signer, state.settings.base_url, public_id)
    return _render(request, merchant, store, number, link, now)


def _render(
    request: Request,
    merchant: Merchant,
    store: Store,
    order_number: int,
    link: str,
    now: int,
    line: ReviewLine | None = None,
) -> Response:
    """The link's page: never kept by a browser or a proxy (it is the buyer's)."""
    context = {
        "merchant": merchant,
        "store": store,
        "line": line,
        "order_number": order_number,
        "link": link,
        "shown_at": format_local_display(now, store.timezone),
        "order_url": f"/admin/stores/{store.id}/orders/{order_number}",
    }
    response = render(request, "reviews/link.html", context, session=merchant.session)
    response.headers["Cache-Control"] = "no-store"
    return response


def _whole(raw: str) -> int:
    if not (raw.isascii() and raw.isdecimal() and len(raw) < 19):
        raise NotFound("This order has no item that can be reviewed there.")
    return int(raw)


BASE = "/stores/{store_id:id}/reviews/links"
routes = [
    Route(BASE, show_review_link, methods=["POST"]),
    Route(BASE + "/receipt", show_receipt_link, methods=["POST"]),
]
