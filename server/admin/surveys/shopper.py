"""A shopper's survey answers, for the store's owners only (not in ``STAFF_PAGES``): found by
the email they used or their visitor id, downloaded as CSV, or deleted
(``server.surveys.privacy``).

Every step is a POST, so a shopper's email never sits in a URL (history, a proxy's log).
Deleting asks for a ticked confirmation, and is one write; the page then says how many
responses went.
"""

from __future__ import annotations

import re

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.admin.forms import check_post
from server.admin.pages import Merchant, login_required, store_for_request
from server.admin.surveys.editing import render_surveys, surveys_url
from server.admin.surveys.export import answer_text
from server.catalog.csv_io import csv_chunks
from server.emails import normalize_email
from server.errors import ValidationFailed
from server.events.visitors import parse_visitor
from server.forms import format_local_display
from server.orders.service import local_time
from server.services import services
from server.stores.service import Store
from server.surveys import privacy
from server.surveys.privacy import ShopperKey, ShopperResponse

CSV_COLUMNS = ("survey", "response", "shown_at", "status", "page", "order_number", "question",
               "answer")  # fmt: skip


def read_key(form: FormData) -> tuple[ShopperKey, dict[str, str], dict[str, str]]:
    """The shopper named by the form, the form's values, and its errors."""
    values = {name: str(form.get(name, "")).strip() for name in ("email", "visitor")}
    errors: dict[str, str] = {}
    email = visitor = ""
    try:
        email = normalize_email(values["email"]) if values["email"] else ""
    except ValidationFailed as exc:
        errors["email"] = exc.message
    try:
        visitor = parse_visitor(values["visitor"], "visitor") if values["visitor"] else ""
    except ValidationFailed:
        errors["visitor"] = "A visitor id is 1 to 64 letters, digits, '_', '.', ':' or '-'."
    if not errors and not (email or visitor):
        errors["email"] = "Enter the shopper's email, or their visitor id."
    return ShopperKey(email=email, visitor_id=visitor), values, errors


def _render(
    request: Request,
    merchant: Merchant,
    store: Store,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    found: list[ShopperResponse] | None = None,
) -> Response:
    context = {
        "values": values,
        "found": None if found is None else [_describe(r, store) for r in found],
        "limit": privacy.MAX_RESPONSES,
        "erased": _count(request.query_params.get("erased", "")),
    }
    return render_surveys(request, merchant, store, "shopper.html", context, errors)


def _describe(response: ShopperResponse, store: Store) -> dict[str, object]:
    return {
        "survey": response.survey_name,
        "id": response.public_id,
        "status": response.status,
        "shown_at": format_local_display(response.shown_at, store.timezone),
        "page": response.page,
        "order_number": response.order_number,
        "answers": answers_in_words(response),
    }


def answers_in_words(response: ShopperResponse) -> list[tuple[str, str]]:
    """(the question as asked now, or its key if it was removed; the answer) per question."""
    asked = {q.key: q for q in response.questions}
    keys = list(dict.fromkeys(row[0] for row in response.answers))
    return [
        (asked[key].prompt if key in asked else key,
         answer_text(asked.get(key), [a for a in response.answers if a[0] == key]))
        for key in keys
    ]  # fmt: skip


def _count(raw: str) -> int | None:
    """The count the delete's redirect carries; anything else (a crafted link) is dropped."""
    return int(raw) if re.fullmatch(r"[0-9]{1,6}", raw) else None


@login_required
async def shopper_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    return _render(request, merchant, store, {"email": "", "visitor": ""})


@login_required
async def find_shopper(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    key, values, errors = read_key(await check_post(request, merchant))
    if errors:
        return _render(request, merchant, store, values, errors)
    found = await privacy.shopper_responses(services(request).db, store.id, key)
    return _render(request, merchant, store, values, found=found)


@login_required
async def shopper_csv(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    key, values, errors = read_key(await check_post(request, merchant))
    if errors:
        return _render(request, merchant, store, values, errors)
    found = await privacy.shopper_responses(services(request).db, store.id, key)
    rows = [
        [r.survey_name, r.public_id,
         local_time(r.shown_at, store.timezone).isoformat(timespec="seconds"), r.status, r.page,
         "" if r.order_number is None else str(r.order_number), prompt, text]
        for r in found
        for prompt, text in answers_in_words(r)
    ]  # fmt: skip
    body = b"".join(csv_chunks(CSV_COLUMNS, rows))
    headers = {
        "Content-Disposition": f'attachment; filename="store-{store.id}-shopper-answers.csv"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


@login_required
async def erase_shopper(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    form = await check_post(request, merchant)
    key, values, errors = read_key(form)
    if not errors and form.get("confirm") != "true":
        errors["confirm"] = "Tick the box to confirm: deleted answers cannot be brought back."
    if errors:
        found = None
        if "confirm" in errors and len(errors) == 1:
            found = await privacy.shopper_responses(services(request).db, store.id, key)
        return _render(request, merchant, store, values, errors, found)
    erased = await services(request).db.write(
        lambda conn: privacy.erase_shopper_responses(conn, store.id, key)
    )
    return RedirectResponse(surveys_url(store, f"/shopper?erased={erased}"), 303)
