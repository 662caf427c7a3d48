"""One webhook endpoint in the admin (owners only): its state and events, editing it, rotating
its secret (the old one signs along for a day), a test event, enabling it again after
Keepcart disabled it, deleting it, and its delivery log with a resend for each delivery."""

from __future__ import annotations

import math
from typing import Any

import aiosqlite
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.admin.forms import check_post
from server.admin.pages import Merchant, found, login_required, render, store_for_request
from server.admin.webhooks.forms import (
    BASE,
    base_url,
    endpoint_values,
    render_form,
    render_secret,
    save_edit,
)
from server.errors import NotFound
from server.forms import format_local_display
from server.messages.model import STATE_LABELS
from server.services import services
from server.stores.service import Store
from server.webhooks import guard, queries
from server.webhooks.emitting import emit_test
from server.webhooks.model import ROTATION_OVERLAP_MS, Endpoint, new_secret

NOTICES = {
    "edited": "Endpoint saved.",
    "test": "Test event queued: it is sent within a few seconds.",
    "enabled": "Endpoint enabled: new events go to it again.",
    "disabled": "Endpoint disabled: no event goes to it until you enable it.",
    "resent": "Queued again: it is sent within a few seconds, with the same webhook-id.",
}
ONE = BASE + "/{endpoint}"
# One test event per endpoint in this time: clicking "Send test event" again and again would
# otherwise queue a delivery each, a backlog a slow endpoint works through one at a time.
TEST_GAP_MS = 10_000


async def endpoint_for_request(request: Request, store: Store) -> Endpoint:
    return found(
        await queries.find_endpoint(
            services(request).db, store.id, request.path_params["endpoint"]
        ),
        "There is no such endpoint.",
    )


def endpoint_url(store: Store, endpoint: Endpoint) -> str:
    return f"{base_url(store)}/{endpoint.public_id}"


@login_required
async def endpoint_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    endpoint = await endpoint_for_request(request, store)
    return await render_endpoint(request, merchant, store, endpoint)


async def render_endpoint(
    request: Request, merchant: Merchant, store: Store, endpoint: Endpoint,
    error: str | None = None, status: int = 422,
) -> Response:  # fmt: skip
    db, now = services(request).db, services(request).clock.now_ms()
    context: dict[str, Any] = {
        "merchant": merchant,
        "store": store,
        "endpoint": endpoint,
        "base": endpoint_url(store, endpoint),
        "log": await queries.delivery_log(db, endpoint.id),
        "states": STATE_LABELS,
        "overlap_ends": await queries.overlap_ends(db, endpoint.id, now),
        "when": lambda epoch_ms: format_local_display(epoch_ms, store.timezone),
        "errors": {"enable": error} if error else {},
        "notice": None if error else NOTICES.get(request.query_params.get("saved", "")),
    }
    return render(request, "webhooks/endpoint.html", context, session=merchant.session,
                  status=status if error else 200)  # fmt: skip


@login_required
async def edit_form(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    endpoint = await endpoint_for_request(request, store)
    return render_form(request, merchant, store, endpoint, endpoint_values(endpoint))


@login_required
async def edit(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    return await save_edit(request, merchant, store, await endpoint_for_request(request, store))


@login_required
async def rotate(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    endpoint = await endpoint_for_request(request, store)
    await check_post(request, merchant)
    secret, now = new_secret(), services(request).clock.now_ms()
    await services(request).db.write(lambda conn: queries.rotate_secret(
        conn, endpoint.id, secret, now + ROTATION_OVERLAP_MS, now))  # fmt: skip
    return render_secret(request, merchant, store, endpoint, secret, rotated=True)


@login_required
async def send_test(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    endpoint = await endpoint_for_request(request, store)
    await check_post(request, merchant)
    if not endpoint.enabled:
        return await render_endpoint(request, merchant, store, endpoint,
                                     "Enable the endpoint to send it a test event.")  # fmt: skip
    now = services(request).clock.now_ms()

    async def queue(conn: aiosqlite.Connection) -> int:
        """0 once queued; else the seconds until the next test event may be."""
        last = await queries.last_test_at(conn, endpoint, now - TEST_GAP_MS + 1)
        if last is not None:
            return math.ceil((last + TEST_GAP_MS - now) / 1000)
        await emit_test(conn, endpoint, now)
        return 0

    wait = await services(request).db.write(queue)
    if wait:
        unit = "second" if wait == 1 else "seconds"
        return await render_endpoint(request, merchant, store, endpoint,
                                     f"A test event was just sent to this endpoint: send"
                                     f" another in {wait} {unit}.", status=429)  # fmt: skip
    return RedirectResponse(endpoint_url(store, endpoint) + "?saved=test", 303)


@login_required
async def enable(request: Request, merchant: Merchant) -> Response:
    """On again, once its URL passes the guard as it resolves now."""
    store = await store_for_request(request)
    endpoint = await endpoint_for_request(request, store)
    await check_post(request, merchant)
    try:
        await guard.check_url(endpoint.url, services(request).settings.webhooks_allow_private)
    except guard.Refused as exc:
        return await render_endpoint(request, merchant, store, endpoint, str(exc))
    await _set_enabled(request, endpoint, True)
    return RedirectResponse(endpoint_url(store, endpoint) + "?saved=enabled", 303)


@login_required
async def disable(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    endpoint = await endpoint_for_request(request, store)
    await check_post(request, merchant)
    await _set_enabled(request, endpoint, False)
    return RedirectResponse(endpoint_url(store, endpoint) + "?saved=disabled", 303)


async def _set_enabled(request: Request, endpoint: Endpoint, enabled: bool) -> None:
    now = services(request).clock.now_ms()
    await services(request).db.write(
        lambda conn: queries.set_enabled(conn, endpoint.id, enabled, None, now)
    )


@login_required
async def delete(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    endpoint = await endpoint_for_request(request, store)
    await check_post(request, merchant)
    await services(request).db.write(lambda conn: queries.delete_endpoint(conn, endpoint.id))
    return RedirectResponse(base_url(store) + "?saved=deleted", 303)


@login_required
async def resend(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    endpoint = await endpoint_for_request(request, store)
    await check_post(request, merchant)
    message, now = request.path_params["message"], services(request).clock.now_ms()

    async def write(conn: aiosqlite.Connection) -> None:
        if not await queries.resend(conn, store.id, endpoint.public_id, message, now):
            raise NotFound("There is no such delivery to send again (it may be on its way).")

    await services(request).db.write(write)
    return RedirectResponse(endpoint_url(store, endpoint) + "?saved=resent", 303)


routes = [
    Route(ONE, endpoint_page, methods=["GET"]),
    Route(ONE + "/edit", edit_form, methods=["GET"]),
    Route(ONE + "/edit", edit, methods=["POST"]),
    Route(ONE + "/rotate", rotate, methods=["POST"]),
    Route(ONE + "/test", send_test, methods=["POST"]),
    Route(ONE + "/enable", enable, methods=["POST"]),
    Route(ONE + "/disable", disable, methods=["POST"]),
    Route(ONE + "/delete", delete, methods=["POST"]),
    Route(ONE + "/deliveries/{message}/resend", resend, methods=["POST"]),
]
