"""``/v1/stores/{key}/checkout`` (what the checkout form needs) and ``POST /v1/checkout``."""

from __future__ import annotations

import functools

import aiosqlite
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.carts.queries import load_cart
from server.carts.service import Cart
from server.checkout import placing
from server.checkout.addresses import COUNTRIES
from server.checkout.queries import load_settings, shipping_countries
from server.checkout.service import parse_idempotency_key
from server.errors import BadRequest, NotFound, ValidationFailed
from server.orders.receipt_link import status_url
from server.payments.registry import PROVIDERS
from server.recovery.capture import sms_wording
from server.recovery.queries import load_settings as recovery_settings
from server.recovery.stop_queries import stop_for_order
from server.recovery.webhook_data import attribute_order
from server.routes.carts import check_origin
from server.security import InvalidToken, Purpose
from server.services import services
from server.stores.service import Store
from server.web import enforce_rate_limit, json_response, read_json_body, store_cors

MAX_BODY = 16 * 1024


async def checkout_setup(request: Request) -> Response:
    store = await services(request).stores.by_key(request.path_params["key"])
    if store is None:
        raise NotFound("No store has that public key.", code="unknown_store")
    db = services(request).db
    settings = await load_settings(db, store.id)
    ships_to = await shipping_countries(db, store.id)
    countries = [c for code, c in sorted(COUNTRIES.items(), key=lambda kv: kv[1].name)
                 if ships_to is None or code in ships_to]  # fmt: skip
    recovery = await recovery_settings(db, store.id)
    sms = await sms_wording(db, store.id, recovery, services(request).settings.sms is not None)
    body = {
        "currency": store.currency,
        "locale": store.locale,
        "prices_include_tax": settings.prices_include_tax,
        "phone": settings.phone,
        "default_country": settings.country,
        "countries": [country.as_json() for country in countries],
        "payment_methods": [
            {
                "id": method,
                "label": PROVIDERS[method].label,
                "test_mode": PROVIDERS[method].test_mode,
                "instructions": settings.instructions_for(method),
            }
            for method in settings.payment_methods
            if method in PROVIDERS
        ],
        # What the email field says about reminders (null: the store sends none).
        # With ``sms``, the words of the box for a reminder by SMS, shown with the phone.
        "recovery": recovery.widget_block(sms is not None),
    }
    return json_response(body, headers=store_cors(request, store))


async def place_order(request: Request) -> Response:
    key = parse_idempotency_key(request.headers.get("idempotency-key"))
    body = await read_json_body(request, max_bytes=MAX_BODY)
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.")
    db = services(request).db
    cart, store = await _cart_and_store(request, body.get("cart"))
    check_origin(request, store)
    enforce_rate_limit(request, services(request).api_limiter, store.id)
    receipt = functools.partial(
        status_url, services(request).signer, services(request).settings.base_url
    )
    response = await placing.place_order(
        db, store, cart, body, key, services(request).clock.now_ms(), receipt, _recovery_hook
    )
    return json_response(response, 201, store_cors(request, store))


async def _recovery_hook(
    conn: aiosqlite.Connection, store_id: int, order_id: int, cart_id: int, email: str, now: int
) -> None:
    """In the order's write: the abandoned checkout it recovers (checkout.recovered), then
    the reminders it stops."""
    await attribute_order(conn, store_id, order_id, now)
    await stop_for_order(conn, store_id, cart_id, email, now)


async def _cart_and_store(request: Request, token: object) -> tuple[Cart, Store]:
    if not isinstance(token, str) or not token:
        raise ValidationFailed("Say which cart to check out.", field="cart")
    try:
        public_id = services(request).signer.unsign(Purpose.CART, token)
    except InvalidToken:
        raise BadRequest(
            "That cart token isn't valid.", field="cart", code="invalid_cart"
        ) from None
    cart = await load_cart(services(request).db, str(public_id))
    store = cart and await services(request).stores.by_id(cart.store_id)
    if cart is None or store is None:
        raise NotFound("That cart no longer exists.", field="cart", code="cart_not_found")
    return cart, store


routes = [
    Route("/v1/stores/{key}/checkout", checkout_setup, methods=["GET"]),
    Route("/v1/checkout", place_order, methods=["POST"]),
]
