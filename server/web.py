"""Small HTTP helpers shared by the API routes: JSON bodies, CORS and conditional GETs."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from typing import Any, Protocol

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response

from server.errors import BadRequest, PayloadTooLarge, RateLimited
from server.ratelimit import RateLimiter


class IdConvertor(Convertor[int]):
    """``{name:id}`` in a route path: a row id as the database can hold it, spelled one way.

    Starlette's ``int`` matches ``01`` and ids of any length; a path that spells an id
    another way (a leading zero) or beyond SQLite's 64-bit integers matches no route: 404.
    """

    regex = "[1-9][0-9]{0,17}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(int(value))


# Starlette keeps one registry of convertors; route modules read it as they build their routes.
register_url_convertor("id", IdConvertor())

# One encoder for every call: json.dumps with arguments builds a new encoder each time.
_encode_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def json_bytes(value: Any) -> bytes:
    return _encode_json(value).encode()


# What could end an inline <script> element (or confuse an HTML or JS parser) around JSON,
# each written as the JSON escape that means the same character.
_INLINE_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def inline_json_bytes(value: Any) -> bytes:
    """JSON safe to paste inside ``<script type="application/ld+json">`` on any page: the
    same value, with no raw ``<``, ``>`` or ``&`` (shopper-written text cannot close the
    script element)."""
    return _encode_json(value).translate(_INLINE_SAFE).encode()


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json_bytes(value), status, headers, media_type="application/json")


def cors_headers(origin: str | None) -> dict[str, str]:
    """CORS headers for an allowed origin (callers decide whether it is allowed)."""
    if not origin:
        return {"Vary": "Origin"}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


class _HasOrigins(Protocol):
    def allows_origin(self, origin: str | None) -> bool: ...


def store_cors(request: Request, store: _HasOrigins) -> dict[str, str]:
    """CORS headers when the request comes from one of the store's allowed origins."""
    origin = request.headers.get("origin")
    return cors_headers(origin if store.allows_origin(origin) else None)


def enforce_rate_limit(request: Request, limiter: RateLimiter, scope: object) -> None:
    """Count this request against ``scope`` and the client's address; 429 when over."""
    client = request.client.host if request.client else "unknown"
    wait = limiter.hit((scope, client))  # timed by the limiter's clock, the app's
    if wait:
        raise RateLimited("Too many requests; retry later.", retry_after=limiter.retry_after(wait))


def etag_for(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def not_modified(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match", "")
    return etag in {tag.strip().removeprefix("W/") for tag in header.split(",")}


async def read_json_body(request: Request, *, max_bytes: int) -> Any:
    """The request body parsed as JSON, refusing bodies over ``max_bytes`` before reading on."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(f"The body is larger than {max_bytes} bytes.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"The body is larger than {max_bytes} bytes.")
        chunks.append(chunk)
    body = b"".join(chunks)
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"The body is not valid JSON: {exc}.", code="malformed_json") from None
    except ValueError:  # Python's own limit on turning digits into an int (sys.int_info)
        raise BadRequest(
            f"The body has a whole number of more than {_MAX_INT_DIGITS:,} digits.",
            code="malformed_json",
        ) from None
    except RecursionError:
        value = _TOO_DEEP
    if value is _TOO_DEEP or (_openers(body) > MAX_JSON_DEPTH and _too_deep(value)):
        raise BadRequest(
            f"The body nests arrays and objects more than {MAX_JSON_DEPTH} levels deep.",
            code="invalid_json",
        )
    if _SURROGATE_ESCAPE.search(body) and not _storable(value):
        raise BadRequest(
            "The body has a lone UTF-16 surrogate (\\ud800–\\udfff), which is not text.",
            code="malformed_json",
        )
    return value


_MAX_INT_DIGITS = sys.get_int_max_str_digits()

# The deepest body the API reads nests 4 levels (a batch, its events, an event, its props).
# Anything much deeper is hostile: json.loads itself gives up past ~1,000 levels, and every
# later walk over the value would recurse as deep.
MAX_JSON_DEPTH = 16
_TOO_DEEP = object()


def _openers(body: bytes) -> int:
    """How deep ``body`` could nest at most: one level per ``[`` or ``{`` in it."""
    return body.count(b"[") + body.count(b"{")


def _too_deep(value: Any) -> bool:
    """Whether decoded JSON nests deeper than MAX_JSON_DEPTH (a loop, not recursion)."""
    level: list[tuple[Any, int]] = [(value, 1)]
    while level:
        item, depth = level.pop()
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            return True
        children = item.values() if isinstance(item, dict) else item
        level.extend((child, depth + 1) for child in children)
    return False


# JSON may spell a surrogate as an escape; a lone one decodes to a str that has no UTF-8 form,
# which SQLite (and every later step) refuses. Bodies without such an escape skip the walk.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _storable(value: Any) -> bool:
    """Whether every string in the decoded JSON ``value`` has a UTF-8 form."""
    if isinstance(value, str):
        try:
            value.encode()
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable(item) for item in value)
    return True
