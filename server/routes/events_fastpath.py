"""A raw-ASGI fast path for the valid ``POST /v1/events`` request, ahead of Starlette.

Ingest is the hottest endpoint, and Starlette's per-request layers (routing, ``Request``,
``Headers``, ``Response``, the error and exception middlewares) cost about as much as the
ingest work itself. This middleware does what ``events.ingest_events`` does, in the same
order, with the same rules (``service.parse_batch``), the same store directory, rate limiter
and event sink, straight on the ASGI scope.

It sits outside all of Starlette, even its outermost error middleware, so it has a guard of
its own: an unexpected exception gets the app's own 500 answer (``on_error``), then goes on
to the server, as it would from that middleware. A ``KeepcartError`` from the write (the
database busy or gone: a 503) gets the app's own answer for it (``on_refused``) and stops
there, as it would in Starlette's exception middleware.

It only ever answers 202. Whenever a request would not be accepted (another content type, a
body that is too large or not JSON, an invalid batch, an unknown store, a foreign origin, a
rate limit) it hands the request, with a ``receive`` that replays the body it already read,
to the normal Starlette route, which renders the error exactly as before. Its checks have
no side effects until the last one, the rate limiter, which takes no token when it refuses.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Awaitable, Callable, Iterable

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.errors import KeepcartError
from server.events.queries import EventRow, event_rows
from server.events.service import MAX_BATCH_BYTES, Event, parse_batch
from server.routes.events import ACCEPTED_TYPES, accepted_json
from server.services import services
from server.web import json_bytes

PATH = "/v1/events"
_ACCEPTED_TYPES = tuple(t.encode() for t in ACCEPTED_TYPES)
_VARY = (b"vary", b"Origin")
_CONTENT_TYPE = (b"content-type", b"application/json")

ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


class EventsFastPath:
    def __init__(self, app: ASGIApp, on_error: ErrorHandler, on_refused: ErrorHandler) -> None:
        self.app = app
        self.on_error = on_error
        self.on_refused = on_refused

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
        try:
            rows = None if body is None else await _accept(scope, body, origin)
            if rows is not None:
                await services(scope["app"]).event_sink.add(rows)
        except KeepcartError as exc:
            response = await self.on_refused(Request(scope), exc)
            return await response(scope, receive, send)
        except Exception as exc:
            response = await self.on_error(Request(scope), exc)
            await response(scope, receive, send)
            raise
        if rows is None:
            return await self.app(scope, _replay(messages, receive), send)
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
    state = services(scope["app"])
    now = state.clock.now_ms()
    try:
        batch = parse_batch(_decode_json(body), now)
    except Exception:  # bad JSON, an invalid batch: the route raises the same error again
        return None
    if _read_differently(batch.events):
        return None
    store = await state.stores.by_key(batch.store_key)
    if store is None:
        return None
    # Starlette decodes header values as latin-1; so does the route.
    if origin is not None and not store.allows_origin(origin.decode("latin-1")):
        return None
    client = scope.get("client")
    host = client[0] if client else "unknown"
    if state.events_limiter.hit((store.id, host)):
        return None
    return event_rows(store.id, batch.events, now)


def _decode_json(body: bytes) -> object:
    """``json.loads(body)`` for the bodies the widget sends; raises on many others.

    orjson is stricter than json.loads: it refuses NaN, Infinity, lone surrogates and a BOM,
    which json.loads accepts; such a body goes to the route, which reads it with json.loads.
    Where both accept a body they decode it to the same value, with one exception: an integer
    beyond 64 bits becomes a float. ``_read_differently`` catches the one place that matters.
    """
    return orjson.loads(body)


def _read_differently(events: tuple[Event, ...]) -> bool:
    """Whether json.loads may have read a props value differently from orjson.

    orjson reads an integer beyond 64 bits as a float, json.loads as an int. Anywhere but in
    props the batch would then be refused (and the route answers); a props value is kept, so
    look for it there: a float that large is written with an exponent ("1.8e+19"). Any other
    "e+" in props is harmless: the route gives the same answer, a little later.
    """
    for event in events:  # noqa: SIM110 - a loop: any() with a generator costs 4 times more
        if "e+" in event.props:
            return True
    return False


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that gives the messages already read again, then reads on."""
    pending = deque(messages)

    async def replaying_receive() -> Message:
        return pending.popleft() if pending else await receive()

    return replaying_receive


async def _send_accepted(send: Send, count: int, origin: bytes | None) -> None:
    """Byte for byte the route's answer: json_response(accepted_json(n), 202, cors_headers)."""
    start, body = _accepted_messages(count, origin)
    await send(start)
    await send(body)


# Built once per batch size (1 to MAX_EVENTS_PER_BATCH) and allowed origin, then reused:
# servers read these messages and never change them.
@functools.lru_cache(maxsize=1024)
def _accepted_messages(count: int, origin: bytes | None) -> tuple[Message, Message]:
    body = json_bytes(accepted_json(count))
    headers = [(b"access-control-allow-origin", origin), _VARY] if origin else [_VARY]
    headers += [(b"content-length", b"%d" % len(body)), _CONTENT_TYPE]
    return (
        {"type": "http.response.start", "status": 202, "headers": headers},
        {"type": "http.response.body", "body": body},
    )
