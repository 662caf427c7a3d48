"""A raw-ASGI fast path for the valid ``POST /v1/events`` request, ahead of Starlette.

Ingest is the hottest endpoint, and Starlette's per-request layers (routing, ``Request``,
``Headers``, ``Response``, the exception middleware) cost about as much as the ingest work
itself. This middleware does what ``routes.ingest_events`` does, in the same order, with the
same rules (``service.parse_batch``), the same store directory, rate limiter and event sink,
straight on the ASGI scope.

It only ever answers 202. Whenever a request would not be accepted (another content type, a
body that is too large or not JSON, an invalid batch, an unknown store, a foreign origin, a
rate limit) it hands the request, with a ``receive`` that replays the body it already read,
to the normal Starlette route, which renders the error exactly as before. Its checks have
no side effects until the last one, the rate limiter, which takes no token when it refuses.
"""

from __future__ import annotations

import functools
import json
import json.scanner
import time
from collections import deque
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.clock import now_ms
from server.events.queries import EventRow, event_rows
from server.events.routes import ACCEPTED_TYPES, accepted_json
from server.events.service import MAX_BATCH_BYTES, parse_batch
from server.web import json_bytes

PATH = "/v1/events"
_ACCEPTED_TYPES = tuple(t.encode() for t in ACCEPTED_TYPES)
_VARY = (b"vary", b"Origin")
# The C scanner under json.loads: one JSON value starting at an index, and where it ended.
_scan_json = json.scanner.make_scanner(json.JSONDecoder())
_CONTENT_TYPE = (b"content-type", b"application/json")


class EventsFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        content_type, content_length, origin = _ingest_headers(scope["headers"])
        if not _acceptable_type(content_type) or not _acceptable_length(content_length):
            return await self.app(scope, receive, send)  # 415 or 413, body unread
        first = await receive()
        if first["type"] == "http.request" and not first.get("more_body", False):
            body, messages = first.get("body", b""), [first]  # a small body comes in one piece
        else:
            body, messages = await _read_body(first, receive)
        rows = None if body is None else await _accept(scope, body, origin)
        if rows is None:
            return await self.app(scope, _replay(messages, receive), send)
        await scope["app"].state.event_sink.add(rows)
        await _send_accepted(send, len(rows), origin)


def _ingest_headers(
    headers: Iterable[tuple[bytes, bytes]],
) -> tuple[bytes, bytes | None, bytes | None]:
    """Content-Type, Content-Length and Origin; the first of each, as Starlette reads them."""
    content_type = content_length = origin = None
    for name, value in headers:
        if name == b"content-type":
            content_type = value if content_type is None else content_type
        elif name == b"content-length":
            content_length = value if content_length is None else content_length
        elif name == b"origin":
            origin = value if origin is None else origin
    return content_type or b"", content_length, origin


def _acceptable_type(content_type: bytes) -> bool:
    return content_type.split(b";", 1)[0].strip().lower() in _ACCEPTED_TYPES


def _acceptable_length(declared: bytes | None) -> bool:
    return declared is None or (declared.isdigit() and int(declared) <= MAX_BATCH_BYTES)


async def _read_body(first: Message, receive: Receive) -> tuple[bytes | None, list[Message]]:
    """The whole body (None when it is too large or the client left) and the messages read."""
    messages = [first]
    message = first
    size = 0
    while True:
        if message["type"] != "http.request":
            return None, messages
        size += len(message.get("body", b""))
        if size > MAX_BATCH_BYTES:
            return None, messages
        if not message.get("more_body", False):
            break
        message = await receive()
        messages.append(message)
    return b"".join(m.get("body", b"") for m in messages), messages


async def _accept(scope: Scope, body: bytes, origin: bytes | None) -> list[EventRow] | None:
    """The rows to store, or None when the route would answer anything but 202."""
    state = scope["app"].state
    now = now_ms()
    try:
        batch = parse_batch(_decode_json(body), now)
    except Exception:  # bad JSON, an invalid batch: the route raises the same error again
        return None
    store = await state.stores.by_key(batch.store_key)
    if store is None:
        return None
    # Starlette decodes header values as latin-1; so does the route.
    if origin is not None and not store.allows_origin(origin.decode("latin-1")):
        return None
    client = scope.get("client")
    host = client[0] if client else "unknown"
    if state.events_limiter.hit((store.id, host), time.monotonic()):
        return None
    return event_rows(store.id, batch.events, now)


def _decode_json(body: bytes) -> object:
    """``json.loads(body)`` for the bodies the widget sends; raises on any other body.

    Decoded as UTF-8 up front: json.loads(bytes) first sniffs for UTF-16/32 and a BOM, which
    the widget never sends. And the scanner is called directly, skipping json.loads's
    whitespace handling: a body with whitespace around its JSON raises here, and the route
    reads it. Whatever this accepts, json.loads decodes to the same value.
    """
    text = body.decode()
    value, end = _scan_json(text, 0)  # StopIteration when there is no value at index 0
    if end != len(text):
        raise ValueError("not one bare JSON value")
    return value


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that gives the messages already read again, then reads on."""
    pending = deque(messages)

    async def replaying_receive() -> Message:
        return pending.popleft() if pending else await receive()

    return replaying_receive


async def _send_accepted(send: Send, count: int, origin: bytes | None) -> None:
    """Byte for byte the route's answer: json_response(accepted_json(n), 202, cors_headers)."""
    body = _accepted_body(count)
    headers = [(b"access-control-allow-origin", origin), _VARY] if origin else [_VARY]
    headers += [(b"content-length", b"%d" % len(body)), _CONTENT_TYPE]
    await send({"type": "http.response.start", "status": 202, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@functools.cache  # one entry per batch size, 1 to MAX_EVENTS_PER_BATCH
def _accepted_body(count: int) -> bytes:
    return json_bytes(accepted_json(count))
