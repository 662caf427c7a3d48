"""Admin pages for reviews: the store's reviews (filtered by status, rating, SKU and source,
paginated), one review's page (hide for a reason from the fixed list, show again, reply in
public, its moderation log), and the store-wide moderation log.

Moderation is day-to-day work, so staff may do it too (``STAFF_PAGES``); removing a review
at its writer's request (erasing it for good) is for the store's owners only, as undoing an
import is (``import_page``). Every change is written with who made it, in one transaction
with its log entry (``server.reviews.moderating``); a refused form comes back with its
errors, 422.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import aiosqlite
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.admin.forms import check_post, field_errors, form_text
from server.admin.pages import Merchant, found, login_required, render, store_for_request
from server.errors import Forbidden
from server.forms import FormInvalid, FormReader, format_local_display, parse_text
from server.reviews import import_queries, moderating, queries
from server.reviews.model import (
    ACTIONS,
    HIDE_HINT,
    HIDE_REASONS,
    IMPORTED,
    MAX_REMOVAL_NOTE,
    MAX_REPLY,
    ORDER,
    PUBLISHED,
    REASON_LABELS,
    REMOVED,
    RETIRED_REASONS,
    SOURCES,
    STATUSES,
    Review,
)
from server.reviews.queries import ReviewFilter
from server.reviews.service import parse_hide_reason, parse_reply
from server.services import services
from server.stores.service import Store

PAGE_SIZE = 25
LOG_PAGE_SIZE = 50
SOURCE_LABELS = {ORDER: "Verified buyer", IMPORTED: "Imported"}
STATUS_LABELS = {
    PUBLISHED: "Published",
    "hidden": "Hidden",
    REMOVED: "Removed at the writer's request",
}
NOTICES = {
    "hidden": "The review is hidden, and the decision is in its log.",
    "shown": "The review is shown again.",
    "replied": "Your reply is published under the review.",
    "reply_removed": "The reply is removed.",
    "removed": "The review is removed at its writer's request: its words and name are erased.",
    "imported": "Reviews imported.",
    "import_removed": "The import is removed, and the moderation log says so.",
}


def base_url(store: Store) -> str:
    return f"/admin/stores/{store.id}/reviews"


# ---- the list -----------------------------------------------------------------------------


@login_required
async def review_list(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    db = services(request).db
    wanted = filter_from(request)
    matching = await queries.count_reviews(db, store.id, wanted)
    pages = max(1, -(-matching // PAGE_SIZE))
    page = page_from(request.query_params.get("page"), pages)
    reviews = await queries.list_reviews(
        db, store.id, wanted, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    here = base_url(store) + list_query(wanted, page)
    context = {
        "merchant": merchant,
        "store": store,
        "reviews": reviews,
        "wanted": wanted,
        "matching": matching,
        "page": page,
        "pages": pages,
        "previous_url": list_query(wanted, page - 1) if page > 1 else None,
        "next_url": list_query(wanted, page + 1) if page < pages else None,
        "return_to": here,
        "notice": notice_from(request),
        "imported": count_param(request, "imported"),
        "skipped": count_param(request, "skipped"),
        "withheld": count_param(request, "withheld"),
        "removed": count_param(request, "removed"),
        "imports": await import_queries.list_imports(db, store.id),
        **shared(store),
    }
    return render(request, "reviews/list.html", context, session=merchant.session)


def count_param(request: Request, name: str) -> int | None:
    """A count the import's redirect carries; anything else (a crafted link's text) is
    dropped, so nobody can put their words into the merchant's notice."""
    value = request.query_params.get(name, "")
    return int(value) if re.fullmatch(r"[0-9]{1,6}", value) else None


def filter_from(request: Request) -> ReviewFilter:
    """The list's filter from its query string; a value the list does not offer is ignored."""
    params = request.query_params
    status, source = params.get("status"), params.get("source")
    rating = params.get("rating", "")
    sku = params.get("sku", "").strip()[:64]
    return ReviewFilter(
        status=status if status in STATUSES else None,
        rating=int(rating) if rating in {"1", "2", "3", "4", "5"} else None,
        sku=sku,
        source=source if source in SOURCES else None,
    )


def page_from(raw: str | None, pages: int) -> int:
    number = int(raw) if raw and raw.isascii() and raw.isdecimal() and len(raw) < 7 else 1
    return min(max(number, 1), pages)


def list_query(wanted: ReviewFilter, page: int = 1) -> str:
    params = {
        "status": wanted.status or "",
        "rating": wanted.rating or "",
        "sku": wanted.sku,
        "source": wanted.source or "",
        "page": page if page > 1 else "",
    }
    kept = {key: value for key, value in params.items() if value}
    return "?" + urlencode(kept) if kept else ""


def notice_from(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("saved", ""))


def shared(store: Store) -> dict[str, Any]:
    return {
        "reviews_base": base_url(store),
        "reasons": HIDE_REASONS,  # the reasons offered
        "reason_labels": REASON_LABELS,  # any reason a review may carry, retired ones too
        "retired_reasons": RETIRED_REASONS,
        "hide_hint": HIDE_HINT,
        "actions": ACTIONS,
        "source_labels": SOURCE_LABELS,
        "status_labels": STATUS_LABELS,
        "max_reply": MAX_REPLY,
        "max_note": MAX_REMOVAL_NOTE,
        "when": lambda epoch_ms: format_local_display(epoch_ms, store.timezone),
    }


# ---- one review ---------------------------------------------------------------------------


async def review_for_request(request: Request, store: Store) -> Review:
    public_id = request.path_params["review"]
    return found(
        await queries.find_review(services(request).db, store.id, public_id),
        "There is no such review.",
    )


@login_required
async def review_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    review = await review_for_request(request, store)
    values = {"reply": review.reply.body if review.reply else "", "reason": "", "note": ""}
    return await render_review(request, merchant, store, review, values)


async def render_review(
    request: Request,
    merchant: Merchant,
    store: Store,
    review: Review,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    db = services(request).db
    log = await queries.moderation_log(db, store.id, review_id=review.id, limit=200)
    order_number = None
    if review.order_id is not None:
        order_number = await db.fetch_value(
            "SELECT number FROM orders WHERE id = ?", (review.order_id,)
        )
    context = {
        "merchant": merchant,
        "store": store,
        "review": review,
        "log": log,
        "order_number": order_number,
        "values": values,
        "errors": errors or {},
        "notice": None if errors else notice_from(request),
        "return_to": base_url(store) + "/" + review.public_id,
        **shared(store),
    }
    status = 422 if errors else 200
    return render(request, "reviews/review.html", context, session=merchant.session, status=status)


Change = Callable[[aiosqlite.Connection, int, str, Any, int, int], Awaitable[None]]


def moderation(
    change: Change,
    saved: str,
    read: Callable[[FormReader, Request], Any] = lambda form, request: None,
    *,
    owners_only: bool = False,
) -> Callable[[Request], Awaitable[Response]]:
    """A moderation button or form: CSRF, the form read (``read``, with the request, or back
    with its errors, 422), ``change`` in one write with who made it, then back to the page it
    was made on. ``owners_only``: staff get 403 (the membership check gave the login's role)."""

    async def action(request: Request, merchant: Merchant) -> Response:
        store = await store_for_request(request)
        if owners_only and merchant.role != "owner":
            raise Forbidden("Only the store's owners can do this.")
        review = await review_for_request(request, store)
        fields = ("reason", "reply", "note", "return_to")
        values = form_text(await check_post(request, merchant), fields)
        form = FormReader(values)
        data = read(form, request)
        try:
            form.done()
        except FormInvalid as exc:
            return await render_review(request, merchant, store, review, values, field_errors(exc))
        now = services(request).clock.now_ms()
        await services(request).db.write(
            lambda conn: change(conn, store.id, review.public_id, data, merchant.user_id, now)
        )
        return RedirectResponse(back_to(store, review, values["return_to"], saved), 303)

    return login_required(action)


def back_to(store: Store, review: Review, return_to: str, saved: str) -> str:
    """The page the change was made on (a list of reviews, or the review's page), with the
    notice, at the review; only ever a page of this store's reviews."""
    base = base_url(store)
    path, _, query = return_to.partition("?")
    if not (path == base or path == f"{base}/{review.public_id}") or "#" in return_to:
        path, query = f"{base}/{review.public_id}", ""
    params = [part for part in query.split("&") if part and not part.startswith("saved=")]
    return f"{path}?{'&'.join([*params, f'saved={saved}'])}#review-{review.public_id}"


hide = moderation(
    moderating.hide_review,
    "hidden",
    lambda form, _: form.read("reason", parse_hide_reason, ""),
)
unhide = moderation(
    lambda conn, store_id, public_id, _, user_id, now: moderating.unhide_review(
        conn, store_id, public_id, user_id, now
    ),
    "shown",
)
reply = moderation(
    moderating.save_reply, "replied", lambda form, _: form.read("reply", parse_reply, "")
)
remove_reply = moderation(
    lambda conn, store_id, public_id, _, user_id, now: moderating.remove_reply(
        conn, store_id, public_id, user_id, now
    ),
    "reply_removed",
)


def parse_removal_note(text: str) -> str:
    return parse_text("how and when the writer asked", 1, MAX_REMOVAL_NOTE, text)


remove_on_request = moderation(
    moderating.remove_on_request,
    "removed",
    lambda form, request: moderating.RemovalRequest(form.read("note", parse_removal_note, "")),
    owners_only=True,
)


# ---- the store-wide moderation log --------------------------------------------------------


@login_required
async def moderation_log(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    db = services(request).db
    total = await queries.count_log(db, store.id)
    pages = max(1, -(-total // LOG_PAGE_SIZE))
    page = page_from(request.query_params.get("page"), pages)
    log = await queries.moderation_log(
        db, store.id, limit=LOG_PAGE_SIZE, offset=(page - 1) * LOG_PAGE_SIZE
    )
    context = {
        "merchant": merchant,
        "store": store,
        "log": log,
        "total": total,
        "page": page,
        "pages": pages,
        **shared(store),
    }
    return render(request, "reviews/log.html", context, session=merchant.session)


BASE = "/stores/{store_id:id}/reviews"
ONE = BASE + "/{review}"
routes = [
    Route(BASE, review_list, methods=["GET"]),
    Route(BASE + "/log", moderation_log, methods=["GET"]),
    Route(ONE, review_page, methods=["GET"]),
    Route(ONE + "/hide", hide, methods=["POST"]),
    Route(ONE + "/unhide", unhide, methods=["POST"]),
    Route(ONE + "/reply", reply, methods=["POST"]),
    Route(ONE + "/reply/remove", remove_reply, methods=["POST"]),
    Route(ONE + "/remove-on-request", remove_on_request, methods=["POST"]),
]
