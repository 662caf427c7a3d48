"""The Webhooks pages (owners only: an endpoint's secret is a secret, and where a store's
events go is the owner's choice): the list, which shows whether the server allows private
network destinations (the operator's KEEPCART_WEBHOOKS_ALLOW_PRIVATE: any login may create
a store, so no owner may turn it on), the form that adds or edits an endpoint, and the page
that shows a new secret once.

The URL is checked against the SSRF guard when the form is saved (before the write, as the
guard may look the name up): the merchant sees at once why a destination is refused.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.admin.forms import check_post, field_errors, form_text
from server.admin.pages import Merchant, login_required, render, store_for_request
from server.forms import FormInvalid, FormReader, parse_line
from server.services import services
from server.stores.service import Store
from server.webhooks import guard, queries
from server.webhooks.model import (
    EVENT_TYPES,
    Endpoint,
    EndpointInput,
    new_secret,
    parse_event_types,
)

FIELDS = ("url", "description")
NOTICES = {"deleted": "Endpoint deleted: nothing more is sent to it."}


def base_url(store: Store) -> str:
    return f"/admin/stores/{store.id}/webhooks"


# ---- the list -----------------------------------------------------------------------------


@login_required
async def endpoint_list(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    endpoints = await queries.list_endpoints(services(request).db, store.id)
    context = {
        "merchant": merchant,
        "store": store,
        "endpoints": endpoints,
        "disabled_by_keepcart": [e for e in endpoints if not e.enabled and e.disabled_reason],
        "event_types": EVENT_TYPES,
        "allows_private": services(request).settings.webhooks_allow_private,
        "notice": NOTICES.get(request.query_params.get("saved", "")),
    }
    return render(request, "webhooks/list.html", context, session=merchant.session)


# ---- adding and editing an endpoint -------------------------------------------------------


async def read_endpoint(values: dict[str, str], allow_private: bool) -> EndpointInput:
    """Every field's error at once; the URL checked against the guard as it resolves now."""
    form = FormReader(values)
    description = form.read(
        "description", lambda text: parse_line("the description", 0, 200, text), ""
    )
    events = form.read("events", parse_event_types, ())
    url = ""
    try:
        url = await guard.check_url(values.get("url", ""), allow_private)
    except guard.Refused as exc:
        form.fail("url", str(exc))
    form.done()
    return EndpointInput(url, description, events)


def endpoint_values(endpoint: Endpoint | None) -> dict[str, str]:
    if endpoint is None:
        return {"url": "", "description": "", "events": " ".join(EVENT_TYPES)}
    return {"url": endpoint.url, "description": endpoint.description,
            "events": " ".join(endpoint.event_types)}  # fmt: skip


def render_form(
    request: Request, merchant: Merchant, store: Store, endpoint: Endpoint | None,
    values: dict[str, str], errors: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    context = {
        "merchant": merchant,
        "store": store,
        "endpoint": endpoint,
        "values": values,
        "chosen": values.get("events", "").split(),
        "event_types": list(EVENT_TYPES.items()),
        "errors": errors or {},
    }
    return render(request, "webhooks/form.html", context, session=merchant.session,
                  status=422 if errors else 200)  # fmt: skip


@login_required
async def new_endpoint_form(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    return render_form(request, merchant, store, None, endpoint_values(None))


@login_required
async def add_endpoint(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    values = form_text(await check_post(request, merchant), FIELDS, lists=("events",))
    try:
        new = await read_endpoint(values, _allows_private(request))
    except FormInvalid as exc:
        return render_form(request, merchant, store, None, values, field_errors(exc))
    secret, now = new_secret(), services(request).clock.now_ms()
    public_id = await services(request).db.write(
        lambda conn: queries.insert_endpoint(conn, store.id, new, secret, now)
    )
    endpoint = await queries.find_endpoint(services(request).db, store.id, public_id)
    assert endpoint is not None
    return render_secret(request, merchant, store, endpoint, secret, rotated=False)


def render_secret(
    request: Request, merchant: Merchant, store: Store, endpoint: Endpoint, secret: str,
    *, rotated: bool,
) -> Response:  # fmt: skip
    """The secret, shown this once: answered to the POST that made it, never kept by the
    browser's cache (no redirect: a URL would carry it into history)."""
    context = {"merchant": merchant, "store": store, "endpoint": endpoint, "secret": secret,
               "rotated": rotated}  # fmt: skip
    response = render(request, "webhooks/secret.html", context, session=merchant.session)
    response.headers["Cache-Control"] = "no-store"
    return response


def _allows_private(request: Request) -> bool:
    return services(request).settings.webhooks_allow_private


async def save_edit(
    request: Request, merchant: Merchant, store: Store, endpoint: Endpoint
) -> Response:
    values = form_text(await check_post(request, merchant), FIELDS, lists=("events",))
    try:
        new = await read_endpoint(values, _allows_private(request))
    except FormInvalid as exc:
        return render_form(request, merchant, store, endpoint, values, field_errors(exc))
    now = services(request).clock.now_ms()
    await services(request).db.write(
        lambda conn: queries.update_endpoint(conn, endpoint.id, new, now)
    )
    return RedirectResponse(f"{base_url(store)}/{endpoint.public_id}?saved=edited", 303)


BASE = "/stores/{store_id:id}/webhooks"
routes = [
    Route(BASE, endpoint_list, methods=["GET"]),
    Route(BASE + "/new", new_endpoint_form, methods=["GET"]),
    Route(BASE + "/new", add_endpoint, methods=["POST"]),
]
