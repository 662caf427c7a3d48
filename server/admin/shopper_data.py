"""*Shopper data*, for a store's owners only (not in ``STAFF_PAGES``): everything the store
holds about one shopper, found by the email they used and/or their visitor id, downloaded as
one JSON document, or erased (``server.privacy``). What a merchant answering a shopper's
access or erasure request (GDPR, CCPA) needs.

Every step is a POST, so a shopper's email never sits in a URL (history, a proxy's log).
Erasing asks for a ticked confirmation that says what will happen, is one write, and is
recorded without the email; the page then says what went.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.admin.forms import check_post
from server.admin.pages import Merchant, login_required, render_store_form, store_for_request
from server.emails import normalize_email
from server.errors import ValidationFailed
from server.events.visitors import parse_visitor
from server.forms import format_local_display
from server.privacy import queries
from server.privacy.erasing import (
    NothingStored,
    clear_leftovers,
    erase_shopper,
    events_before_erasing,
)
from server.privacy.finding import export_document, find_shopper
from server.privacy.model import KINDS, Erasure, Found, ShopperKey, describe
from server.services import services
from server.stores.service import Store

FIELDS = ("email", "visitor")
# The store's erasures the page lists, newest first.
ERASURES_SHOWN = 20
CONFIRM = "Tick the box to confirm: erased data cannot be brought back."


def shopper_data_url(store: Store, suffix: str = "") -> str:
    return f"/admin/stores/{store.id}/shopper-data{suffix}"


def read_key(form: FormData) -> tuple[ShopperKey, dict[str, str], dict[str, str]]:
    """The shopper named by the form, the form's values, and its errors."""
    values = {name: str(form.get(name, "")).strip() for name in FIELDS}
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


async def _render(
    request: Request,
    merchant: Merchant,
    store: Store,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    found: Found | None = None,
) -> Response:
    db = services(request).db
    context = {
        "action": shopper_data_url(store),
        "values": values,
        "found": None if found is None else _describe_found(found, store),
        "erased": await _just_erased(request, store),
        "erasures": [
            _describe_erasure(erasure, store)
            for erasure in await queries.erasures(db, store.id, ERASURES_SHOWN)
        ],
    }
    return render_store_form(request, merchant, store, "shopper_data.html", context, errors, {})


def _describe_found(found: Found, store: Store) -> dict[str, Any]:
    kinds = [(kind, found.counts.get(kind.key, 0)) for kind in KINDS]
    return {
        "kinds": [(kind, count) for kind, count in kinds if count],
        "order_numbers": found.order_numbers,
        "visitor_ids": found.visitor_ids,
        "other_orders": found.other_orders,
        "is_empty": found.is_empty,
        "named": found.key.email or found.key.visitor_id,
        "nothing": _nothing_stored(found.key, store),
        "will_happen": describe(found.counts),
    }


def _nothing_stored(key: ShopperKey, store: Store) -> str:
    named = ("this email or visitor id" if key.email and key.visitor_id
             else "this email" if key.email else "this visitor id")  # fmt: skip
    return f"Nothing is stored for {named} in {store.name}."


def _describe_erasure(erasure: Erasure, store: Store) -> dict[str, Any]:
    return {
        "when": format_local_display(erasure.created_at, store.timezone),
        "by": erasure.by or "a login since removed",
        "what": describe(erasure.counts),
    }


async def _just_erased(request: Request, store: Store) -> dict[str, Any] | None:
    """The erasure the erase's redirect names (``?erased=<id>``): only this store's."""
    raw = request.query_params.get("erased", "")
    if not re.fullmatch(r"[1-9][0-9]{0,17}", raw):
        return None
    erasure = await queries.erasure(services(request).db, store.id, int(raw))
    return None if erasure is None else _describe_erasure(erasure, store)


@login_required
async def shopper_data_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    return await _render(request, merchant, store, dict.fromkeys(FIELDS, ""))


@login_required
async def find_shopper_data(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    key, values, errors = read_key(await check_post(request, merchant))
    if errors:
        return await _render(request, merchant, store, values, errors)
    found = await find_shopper(services(request).db, store, key)
    return await _render(request, merchant, store, values, found=found)


@login_required
async def export_shopper_data(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    key, values, errors = read_key(await check_post(request, merchant))
    if errors:
        return await _render(request, merchant, store, values, errors)
    state = services(request)
    found = await find_shopper(state.db, store, key)
    document = export_document(found, store, state.clock.now_ms())
    body = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    headers = {
        "Content-Disposition": f'attachment; filename="store-{store.id}-shopper-data.json"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(body.encode(), media_type="application/json", headers=headers)


@login_required
async def erase_shopper_data(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    form = await check_post(request, merchant)
    key, values, errors = read_key(form)
    state = services(request)
    if errors:
        return await _render(request, merchant, store, values, errors)
    if form.get("confirm") != "true":
        found = await find_shopper(state.db, store, key)
        refused = None if found.is_empty else {"confirm": CONFIRM}  # no box to tick: nothing
        return await _render(request, merchant, store, values, refused, found)
    # The events' ids are read first, outside the write: see server.privacy.queries.EventIds.
    events = await events_before_erasing(state.db, store.id, key)
    now = state.clock.now_ms()
    try:
        erasure = await state.db.write(
            lambda conn: erase_shopper(
                conn, store.id, key, events, merchant.user_id, now, signer=state.signer
            )
        )
    except NothingStored:
        found = await find_shopper(state.db, store, key)
        return await _render(request, merchant, store, values, found=found)
    await clear_leftovers(state.db, erasure)
    return RedirectResponse(shopper_data_url(store, f"?erased={erasure.id}"), 303)


BASE = "/stores/{store_id:id}/shopper-data"
routes = [
    Route(BASE, shopper_data_page, methods=["GET"]),
    Route(BASE, find_shopper_data, methods=["POST"]),
    Route(BASE + ".json", export_shopper_data, methods=["POST"]),
    Route(BASE + "/erase", erase_shopper_data, methods=["POST"]),
]
