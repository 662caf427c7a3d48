"""Generated hostile requests at every ``/v1`` endpoint, taken from the router.

Whatever the body, headers, query string or path: never a 5xx, never a traceback in the log,
and a refused request (4xx) leaves every table exactly as it was. Endpoints are read from
``app.routes``, so one added later is covered without anyone remembering to list it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.routing import Route

from server.clock import now_ms
from tests.api.hostile import HOSTILE, World, problems_in, world
from tests.conftest import SHOP_ORIGIN

__all__ = ["world"]  # the module-scoped fixture this test uses


def path_values(world: World) -> dict[str, list[str]]:
    """Real values for each path parameter name; FRESH_CART stands for a new cart."""
    return {
        "key": [world.store.public_key],
        "token": [FRESH_CART],
        "sku": ["FH-MUG-01", "FH-THR-01"],
        "campaign": [world.campaign],
        "name": ["offers.js", "checkout.js"],
        "review": ["rev_hostile"],
    }


# Stands for a new cart with items, made just before the request: a checkout closes its cart,
# and the examples after it should still reach the rules behind an open one.
FRESH_CART = "fresh-cart-placeholder"


async def _fresh_cart(client: httpx.AsyncClient, key: str) -> str:
    headers = {"Origin": SHOP_ORIGIN}
    token = (await client.post("/v1/carts", json={"store": key}, headers=headers)).json()["token"]
    await client.post(f"/v1/carts/{token}/items", json={"sku": "FH-MUG-01", "quantity": 1},
                      headers=headers)  # fmt: skip
    return token


def v1_routes(app: Starlette) -> list[tuple[str, str]]:
    """(method, path template) for every /v1 route the router has."""
    found = [
        (method, route.path)
        for route in app.routes
        if isinstance(route, Route) and route.path.startswith("/v1/")
        for method in sorted(route.methods or ())
        if method != "HEAD"
    ]
    assert len(found) >= 15, found  # the walk found the API, not an empty list
    return found


# ---- what a hostile client sends -----------------------------------------------------------

_ascii = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
_scalars = (
    st.none() | st.booleans() | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=60)
)  # fmt: skip
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=16,
)  # fmt: skip
_known_keys = st.sampled_from([
    "store", "cart", "sku", "quantity", "code", "email", "phone", "address", "payment",
    "shipping_method", "events", "visitor", "session", "signal", "consent", "method", "card",
    "country", "number", "expiry", "cvc", "type", "name", "props", "url", "occurred_at",
])  # fmt: skip


def valid_bodies(values: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """A body each endpoint accepts, by path template: the starting point of mutations, so
    generated requests get past the first check and reach the rules behind it."""
    key, token = values["key"][0], FRESH_CART
    address = {"name": "Aoife Byrne", "line1": "12 Harbour Road", "city": "Dublin",
               "postal_code": "D02 X285", "country": "IE"}  # fmt: skip
    event = {"type": "pageview", "name": "pageview", "occurred_at": now_ms(), "props": {},
             "url": SHOP_ORIGIN + "/", "visitor_id": "v_1", "session_id": "s_1"}  # fmt: skip
    return {
        "/v1/carts": {"store": key},
        "/v1/carts/{token}/items": {"sku": "FH-MUG-01", "quantity": 1},
        "/v1/carts/{token}/items/{sku}": {"quantity": 2},
        "/v1/carts/{token}/discount": {"code": "WELCOME10"},
        "/v1/carts/{token}/quote": {"address": {"country": "IE"}, "shipping_method": 1},
        "/v1/checkout": {
            "cart": token, "email": "aoife@example.com", "phone": "+353 1 234 5678",
            "address": address, "shipping_method": 1,
            "payment": {"method": "test_card",
                        "card": {"number": "4242424242424242", "expiry": "12/34", "cvc": "123"}},
        },
        "/v1/events": {"store": key, "events": [event, event]},
        "/v1/reviews/{review}/helpful": {"store": key, "visitor": "v_1"},
        "/v1/offers/{campaign}/exposures": {"visitor": "v_1", "session": "s_1",
                                             "signal": "exit_top"},
        "/v1/offers/{campaign}/claim": {"visitor": "v_1", "session": "s_1", "cart": token,
                                         "store": key, "email": "a@b.test", "consent": True},
    }  # fmt: skip


def _leaf_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        children = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    else:
        return [prefix]
    return [prefix, *(p for k, v in children for p in _leaf_paths(v, (*prefix, k)))]


def _set(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _set(copy[head], rest, new)
    return copy


@st.composite
def bodies(draw: st.DrawFn, template: str, world_values: dict[str, list[str]]) -> bytes:
    kind = draw(st.sampled_from(["mutated", "mutated", "mutated", "json", "bytes", "deep"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "deep":
        # Past any recursion limit (Hypothesis raises Python's while it runs), within the
        # endpoints' body size limits (4 KiB for offers, 16 KiB elsewhere).
        return draw(st.sampled_from([b"[" * 17, b"[" * 3900, b"[" * 15000, b'{"a":' * 700]))
    if kind == "json":
        return _encode(draw(_json))
    body: Any = valid_bodies(world_values).get(template, {})
    real = st.sampled_from([v for vs in world_values.values() for v in vs])
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2, 3]))):
        path = draw(st.sampled_from(_leaf_paths(body)))
        body = _set(body, path, draw(_json | real | st.text(min_size=500, max_size=5000)))
    return _encode(body)


def _encode(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


def _headers() -> st.SearchStrategy[dict[str, str]]:
    """Mostly what the widget sends, so requests get past the first checks; now and then
    anything at all."""
    content_type = st.sampled_from(["application/json", "text/plain;charset=UTF-8"]) | (
        st.sampled_from(["application/xml", "application/x-www-form-urlencoded",
                         "multipart/form-data; boundary=x", ""]) | _ascii
    )  # fmt: skip
    origin = st.sampled_from([SHOP_ORIGIN] * 4 + ["https://evil.test", "null"]) | _ascii
    idempotency_key = st.one_of(*[st.uuids().map(str)] * 4, _ascii)
    usual = st.fixed_dictionaries(
        {"Content-Type": content_type, "Origin": origin, "Idempotency-Key": idempotency_key}
    )
    extra = st.fixed_dictionaries(
        {}, optional={"If-None-Match": _ascii, "X-Forwarded-For": _ascii, "Cookie": _ascii}
    )
    return st.builds(lambda a, b: a | b, usual, extra)


@st.composite
def requests(draw: st.DrawFn, world: World) -> tuple[str, str, bytes, dict[str, str], dict]:
    method, template = draw(st.sampled_from(v1_routes(world.app)))
    path = template
    for name, real in path_values(world).items():
        placeholder = "{" + name + "}"
        if placeholder in path:
            hostile = _ascii.filter(lambda s: "/" not in s and s)
            value = draw(st.one_of(*[st.sampled_from(real)] * 3, hostile))
            path = path.replace(placeholder, value)
    body = draw(bodies(template, path_values(world))) if method != "GET" else b""
    real_query = st.fixed_dictionaries({"store": st.just(world.store.public_key),
                                        "visitor": st.just("v_1")})  # fmt: skip
    query = draw(real_query | st.dictionaries(st.sampled_from(["visitor", "store", "q"]), _ascii,
                                              max_size=3))  # fmt: skip
    return method, path, body, draw(_headers()), query


# ---- the property --------------------------------------------------------------------------


@given(data=st.data())
@HOSTILE
def test_no_hostile_request_to_v1_is_a_5xx_a_traceback_or_a_half_write(world, data, caplog):
    method, path, body, headers, query = data.draw(requests(world))
    if FRESH_CART in path or FRESH_CART.encode() in body:
        token = world.run(_fresh_cart(world.client, world.store.public_key))
        path, body = (
            path.replace(FRESH_CART, token),
            body.replace(FRESH_CART.encode(), token.encode()),
        )
    before = world.fingerprint()
    with caplog.at_level(logging.WARNING):
        response = world.run(
            world.client.request(method, path, content=body, headers=headers, params=query)
        )
    assert response.status_code < 500, (method, path, body[:200], response.text[:300])
    assert problems_in(caplog.records) == []
    if response.status_code >= 400:
        assert response.json()["error"]["code"], response.text
        assert world.fingerprint() == before, (method, path, response.text[:300])
    caplog.clear()
