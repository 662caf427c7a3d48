"""``POST /v1/events``: batched widget events, answered once they are committed.

This route is the reference: it checks everything and renders every error.
``server.routes.events_fastpath`` answers the common, valid request the same way without
Starlette's request and response objects, and hands everything else to this route.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.errors import Forbidden, NotFound, UnsupportedMedia
from server.events.queries import event_rows
from server.events.service import MAX_BATCH_BYTES, parse_batch
from server.services import services
from server.web import cors_headers, enforce_rate_limit, json_response, read_json_body

ACCEPTED_TYPES = ("text/plain", "application/json")


async def ingest_events(request: Request) -> Response:
    state = services(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ACCEPTED_TYPES:
        raise UnsupportedMedia("Send events as text/plain or application/json.")
    body = await read_json_body(request, max_bytes=MAX_BATCH_BYTES)
    now = state.clock.now_ms()
    batch = parse_batch(body, now)

    store = await state.stores.by_key(batch.store_key)
    if store is None:
        raise NotFound("No store has that public key.", field="store", code="unknown_store")
    origin = request.headers.get("origin")
    # Browsers always send Origin on POST; server-side senders may omit it.
    if origin is not None and not store.allows_origin(origin):
        raise Forbidden(
            f"{origin} is not an allowed origin of this store.", code="origin_not_allowed"
        )
    enforce_rate_limit(request, state.events_limiter, store.id)

    await state.event_sink.add(event_rows(store.id, batch.events, now))
    return json_response(accepted_json(len(batch.events)), 202, cors_headers(origin))


def accepted_json(count: int) -> dict[str, int]:
    return {"accepted": count}


routes = [Route("/v1/events", ingest_events, methods=["POST"])]
