"""``GET /reviews/{token}`` and ``POST /reviews/{token}``: a buyer reviewing one line of a
shipped order, on Keepcart's own origin, like the receipt page that links to it.

The token is the order line signed under its own salt (``Purpose.REVIEW``, expiring: see
``server.reviews.links``). A forged, altered, expired or other-purpose token gets a 404 page;
a line reviewed already, a 409 page showing the review (a second submit of the same review,
a double click, gets the thank-you page again, and still one review); a line whose order has
not shipped (or was refunded), a 409 page saying so. A form with mistakes comes back with
them, 422.

The URL is the secret: the page is never cached or indexed, sends no Referer, and loads
nothing from anywhere else (a strict CSP; its form posts only to itself).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from server.errors import RateLimited
from server.forms import FormInvalid
from server.orders.receipt import LocalFormats
from server.reviews import queries
from server.reviews.links import LineKey, line_from
from server.reviews.model import (
    HIDE_REASONS,
    MAX_BODY,
    MAX_NAME,
    MAX_TITLE,
    REASON_LABELS,
    Review,
    ReviewInput,
    ReviewLine,
)
from server.reviews.publishing import AlreadyReviewed, NotReviewable, publish_review
from server.reviews.service import default_display_name, may_review, read_review
from server.routes.private_page import TOO_MANY, PrivatePages, told_to_wait
from server.services import services
from server.stores.service import Store
from server.web import enforce_rate_limit

HERE = Path(__file__).parent.parent / "reviews"
# Its form posts only to itself.
pages = PrivatePages.at(
    HERE / "templates",
    "default-src 'none'; style-src 'self'; img-src data:; base-uri 'none'; form-action 'self';"
    " frame-ancestors 'none'",
)
MAX_FORM_BYTES = 64 * 1024  # a 5,000-character review in any script, with room to spare
FIELDS = ("rating", "title", "body", "name")


async def review_form(request: Request) -> Response:
    found = await _line_for_request(request)
    if found is None:
        return pages.render(request, "review_missing.html", {}, 404)
    store, line = found
    if line.review is not None:
        return _render_done(request, store, line, "review_done.html", 409)
    if not may_review(line.order_status, line.payment_method):
        return pages.render(request, "review_not_yet.html", _context(store, line), 409)
    values = {
        "rating": "",
        "title": "",
        "body": "",
        "name": default_display_name(line.shipping_name),
    }
    return _render_form(request, store, line, values)


async def submit_review(request: Request) -> Response:
    found = await _line_for_request(request)
    if found is None:
        return pages.render(request, "review_missing.html", {}, 404)
    store, line = found
    state = services(request)
    values = await _posted(request)
    try:
        enforce_rate_limit(request, state.api_limiter, ("review", store.id))
    except RateLimited as exc:  # the form again, what was typed kept
        errors = {"send": f"{TOO_MANY} then publish your review again."}
        return told_to_wait(_render_form(request, store, line, values, errors, 429), exc)
    try:
        review = read_review(values)
    except FormInvalid as exc:
        if line.review is not None:  # reviewed meanwhile (another tab): say so, not the errors
            return _render_done(request, store, line, "review_done.html", 409)
        return _render_form(request, store, line, values, exc.errors)
    now = state.clock.now_ms()
    key = LineKey(line.store_id, line.order_public_id, line.product_id)
    try:
        published = await state.db.write(lambda conn: publish_review(conn, key, review, now))
    except AlreadyReviewed as exc:
        written = exc.review
        done = _with_review(line, written)
        if review == ReviewInput(written.rating or 0, written.title, written.body, written.name):
            # The same form sent twice (a double click): one review, and the same answer.
            return _render_done(request, store, done, "review_thanks.html", 200)
        return _render_done(request, store, done, "review_done.html", 409)
    except NotReviewable:
        return pages.render(request, "review_not_yet.html", _context(store, line), 409)
    return _render_done(request, store, _with_review(line, published), "review_thanks.html", 200)


async def _line_for_request(request: Request) -> tuple[Store, ReviewLine] | None:
    state = services(request)
    key = line_from(state.signer, request.path_params["token"], state.clock.now_ms())
    line = None if key is None else await queries.find_line(state.db, key)
    store = None if line is None else await state.stores.by_id(line.store_id)
    if line is None or store is None:
        return None
    return store, line


async def _posted(request: Request) -> dict[str, str]:
    # The route's max_body_size refuses a larger body (413) before any of it is parsed.
    async with request.form(max_files=0, max_fields=20) as form:
        return {name: str(form.get(name, "")) for name in FIELDS}


def _with_review(line: ReviewLine, review: Review) -> ReviewLine:
    return dataclasses.replace(line, review=review)


def _context(store: Store, line: ReviewLine) -> dict[str, Any]:
    return {"store": store, "line": line, "formats": LocalFormats(store.locale, store.timezone)}


def _render_form(
    request: Request,
    store: Store,
    line: ReviewLine,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int | None = None,
) -> Response:
    context = _context(store, line) | {
        "values": values,
        "errors": errors or {},
        "limits": {"title": MAX_TITLE, "body": MAX_BODY, "name": MAX_NAME},
        "reasons": HIDE_REASONS,
    }
    return pages.render(request, "review_form.html", context, status or (422 if errors else 200))


def _render_done(
    request: Request, store: Store, line: ReviewLine, template: str, status: int
) -> Response:
    context = _context(store, line) | {"review": line.review, "reasons": REASON_LABELS}
    return pages.render(request, template, context, status)


routes = [
    Mount("/reviews/static", StaticFiles(directory=HERE / "static"), name="review-static"),
    Route("/reviews/{token}", review_form, methods=["GET"]),
    Route("/reviews/{token}", submit_review, methods=["POST"], max_body_size=MAX_FORM_BYTES),
]
