"""Importing reviews from another platform: a CSV file (``server.reviews.importing``), all
or nothing, refused with a report of every problem (row, column, message). Imported reviews
are labelled "Imported", never "Verified buyer". Each import is kept with its file's name,
and an owner can undo one (``remove``: its reviews only, logged)."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.admin.forms import check_post
from server.admin.pages import Merchant, login_required, render, store_for_request
from server.admin.reviews.pages import base_url
from server.admin.uploads import MAX_IMPORT_BODY, UploadRefused, import_outcome, uploaded_file
from server.catalog.csv_io import ImportRejected
from server.characters import check_characters
from server.errors import Forbidden, NotFound
from server.forms import parse_line
from server.reviews.importing import (
    COLUMNS,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    plan_import,
    read_review_rows,
    remove_import,
    write_import,
)
from server.reviews.service import local_date
from server.reviews.text_checks import check_not_a_title_label
from server.services import services
from server.stores.service import Store

MAX_FILE_NAME = 255
MAX_PLATFORM = 60


@login_required
async def import_page(request: Request, merchant: Merchant) -> Response:
    return _render(request, merchant, await store_for_request(request))


@login_required
async def import_upload(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    try:
        data = await uploaded_file(request, merchant)
    except UploadRefused as exc:
        return _render(request, merchant, store, {"file": exc.message})
    file_name, platform = await _named(request)
    try:
        platform = parse_platform(platform)
    except ValueError as exc:
        return _render(request, merchant, store, {"platform": str(exc)}, platform=platform)
    now = services(request).clock.now_ms()
    try:
        rows = read_review_rows(data, local_date(now, store.timezone))
        db = services(request).db
        plan = await plan_import(
            db, store.id, store.timezone, rows, file_name=file_name, platform=platform,
            signer=services(request).signer,
        )  # fmt: skip
        summary = await db.write(lambda conn: write_import(conn, plan, merchant.user_id, now))
    except ImportRejected as exc:
        return _render(request, merchant, store, {"file": exc.message}, exc, platform)
    query = f"source=imported&saved=imported&imported={summary.imported}&skipped={summary.skipped}"
    if summary.withheld:
        query += f"&withheld={summary.withheld}"
    return RedirectResponse(f"{base_url(store)}?{query}", 303)


async def _named(request: Request) -> tuple[str, str]:
    """(the uploaded file's name as the merchant's computer gave it, the platform typed), from
    the form ``uploaded_file`` read: Starlette keeps a request's parsed form."""
    form = await request.form()
    upload = form.get("file")
    name = upload.filename if isinstance(upload, UploadFile) else ""
    return " ".join((name or "").split())[:MAX_FILE_NAME], str(form.get("platform", ""))


def parse_platform(text: str) -> str:
    """Where the file's reviews were written ("Etsy"): shoppers read it in "How reviews work
    here", so it may no more read like the "Verified buyer" label than a review's title."""
    cleaned = " ".join(check_characters("where they come from", text).split())
    if not cleaned:
        raise ValueError("Enter where these reviews come from, like “Etsy” or “our old shop”.")
    platform = parse_line("where they come from", 1, MAX_PLATFORM, cleaned)
    return check_not_a_title_label(platform, "Where they come from")


@login_required
async def import_remove(request: Request, merchant: Merchant) -> Response:
    """Undo an import (owners only): its reviews go, and the log says so."""
    store = await store_for_request(request)
    if merchant.role != "owner":
        raise Forbidden("Only the store's owners can remove an import.")
    raw = str((await check_post(request, merchant)).get("import", ""))
    if not (raw.isascii() and raw.isdecimal() and len(raw) < 19):
        raise NotFound("There is no such import.")
    now = services(request).clock.now_ms()
    removed = await services(request).db.write(
        lambda conn: remove_import(conn, store.id, int(raw), merchant.user_id, now)
    )
    query = "saved=import_removed" + ("" if removed is None else f"&removed={removed}")
    return RedirectResponse(f"{base_url(store)}?{query}#imports", 303)


def _render(
    request: Request,
    merchant: Merchant,
    store: Store,
    errors: dict[str, str] | None = None,
    rejected: ImportRejected | None = None,
    platform: str = "",
) -> Response:
    outcome, status = import_outcome(errors, rejected)
    context = {
        "platform": platform,
        "max_platform": MAX_PLATFORM,
        "merchant": merchant,
        "store": store,
        "reviews_base": base_url(store),
        "columns": COLUMNS,
        "required": REQUIRED_COLUMNS,
        "max_rows": MAX_ROWS,
        **outcome,
    }
    return render(request, "reviews/import.html", context, session=merchant.session, status=status)


BASE = "/stores/{store_id:id}/reviews/import"
routes = [
    Route(BASE, import_page, methods=["GET"]),
    Route(BASE, import_upload, methods=["POST"], max_body_size=MAX_IMPORT_BODY),
    Route(BASE + "/remove", import_remove, methods=["POST"]),
]
