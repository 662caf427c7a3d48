"""``/v1/stores/{key}/checkout`` (what the checkout form needs) and ``POST /v1/checkout``."""

from __future__ import annotations

import functools
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.carts.queries import load_cart
from server.carts.service import Cart
from server.checkout import orders
from server.checkout.addresses import COUNTRIES
from server.checkout.queries import load_settings, shipping_countries
from server.checkout.quoting import CartQuote, delivery_json, quote_cart
from server.checkout.service import CheckoutRequest, parse_checkout, parse_idempotency_key
from server.checkout.settings import CheckoutSettings
from server.errors import BadRequest, Conflict, NotFound, Unprocessable, ValidationFailed
from server.money import format_amount
from server.payments import Authorization
from server.payments.registry import PROVIDERS
from server.security import InvalidToken, Purpose
from server.stores.service import Store
from server.web import clock_ms, enforce_rate_limit, json_response, read_json_body, store_cors

MAX_BODY = 16 * 1024


async def checkout_setup(request: Request) -> Response:
    store = await request.app.state.stores.by_key(request.path_params["key"])
    if store is None:
        raise NotFound("No store has that public key.", code="unknown_store")
    db = request.app.state.db
    settings = await load_settings(db, store.id)
    ships_to = await shipping_countries(db, store.id)
    countries = [c for code, c in sorted(COUNTRIES.items(), key=lambda kv: kv[1].name)
                 if ships_to is None or code in ships_to]  # fmt: skip
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
    }
    return json_response(body, headers=store_cors(request, store))


async def place_order(request: Request) -> Response:
    key = parse_idempotency_key(request.headers.get("idempotency-key"))
    body = await read_json_body(request, max_bytes=MAX_BODY)
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.")
    db = request.app.state.db
    cart, store = await _cart_and_store(request, body.get("cart"))
    enforce_rate_limit(request, request.app.state.api_limiter, store.id)
    settings = await load_settings(db, store.id)
    now = clock_ms(request)
    checkout = parse_checkout(body, settings, now)
    in_flight: set[tuple[int, str]] = request.app.state.checkouts_in_flight
    if (store.id, key) in in_flight:
        raise Conflict("This order is still being placed; wait a moment.", code="in_progress")
    in_flight.add((store.id, key))
    try:
        response = await _place(request, store, settings, cart, checkout, key, now)
    finally:
        in_flight.discard((store.id, key))
    return json_response(response, 201, store_cors(request, store))


async def _place(
    request: Request, store: Store, settings: CheckoutSettings, cart: Cart,
    checkout: CheckoutRequest, key: str, now: int,
) -> dict[str, Any]:  # fmt: skip
    db = request.app.state.db
    replay = await orders.find_replay(db, store.id, key, checkout.fingerprint)
    if replay is not None:
        return replay.response
    _check_orderable(cart)
    orders.check_stock(cart)
    priced = await _price(db, store, settings, cart, checkout, now)
    authorization = await checkout.provider.authorize(
        checkout.payment_details, priced.quote.totals.total, store.currency
    )

    async def write(conn: Any) -> dict[str, Any]:
        again = await orders.find_replay(conn, store.id, key, checkout.fingerprint)
        if again is not None:
            return again.response
        fresh = await orders.reload(conn, cart)
        _check_orderable(fresh)
        orders.check_stock(fresh)
        repriced = await _price(conn, store, settings, fresh, checkout, now)
        if repriced.quote.totals.total != priced.quote.totals.total:
            raise Conflict(
                "Prices changed while you were paying; review the new total.",
                code="price_changed",
            )
        order_id, public_id, number = await orders.insert_order(
            conn, store_id=store.id, currency=store.currency, cart=fresh, request=checkout,
            priced=repriced, authorization=authorization, now_ms=now,
        )  # fmt: skip
        response = _order_json(public_id, number, fresh, checkout, repriced, authorization,
                               settings, now)  # fmt: skip
        await orders.remember_response(conn, store.id, key, checkout.fingerprint, order_id,
                                       response, now)  # fmt: skip
        return response

    try:
        return await db.write(write)
    except BaseException:
        await checkout.provider.void(authorization)
        raise


async def _price(
    conn: Any, store: Store, settings: CheckoutSettings, cart: Cart, checkout: CheckoutRequest,
    now: int,
) -> CartQuote:  # fmt: skip
    priced = await quote_cart(
        conn, store, settings, cart, country=checkout.address.country,
        region=checkout.address.region, method_id=checkout.shipping_method,
        email=checkout.email, now_ms=now,
        money=functools.partial(format_amount, currency=store.currency),
    )  # fmt: skip
    if not priced.methods:
        country = COUNTRIES[checkout.address.country].name
        raise ValidationFailed(f"Sorry, we don't ship to {country}.", field="address.country")
    if priced.discount_error is not None:
        raise priced.discount_error
    return priced


def _check_orderable(cart: Cart) -> None:
    if cart.status != "open":
        raise Conflict("That cart has already been ordered.", code="cart_closed")
    if not cart.lines:
        raise Unprocessable("Your cart is empty.", field="cart", code="empty_cart")


async def _cart_and_store(request: Request, token: object) -> tuple[Cart, Store]:
    if not isinstance(token, str) or not token:
        raise ValidationFailed("Say which cart to check out.", field="cart")
    try:
        public_id = request.app.state.signer.unsign(Purpose.CART, token)
    except InvalidToken:
        raise BadRequest(
            "That cart token isn't valid.", field="cart", code="invalid_cart"
        ) from None
    cart = await load_cart(request.app.state.db, str(public_id))
    store = cart and await request.app.state.stores.by_id(cart.store_id)
    if cart is None or store is None:
        raise NotFound("That cart no longer exists.", field="cart", code="cart_not_found")
    return cart, store


def _order_json(
    public_id: str, number: int, cart: Cart, checkout: CheckoutRequest, priced: CartQuote,
    authorization: Authorization, settings: CheckoutSettings, now: int,
) -> dict[str, Any]:  # fmt: skip
    assert priced.method is not None
    return {
        "order": {
            "id": public_id,
            "number": str(number),
            "status": authorization.status,
            "email": checkout.email,
            "items": [
                {
                    "sku": line.product.sku,
                    "name": line.product.name,
                    "variant": line.product.variant,
                    "image_url": line.product.image_url,
                    "quantity": line.quantity,
                    "unit_price": line.product.price,
                    "subtotal": line.subtotal,
                }
                for line in cart.lines
            ],
            "totals": priced.quote.totals.as_json(),
            "discount_code": priced.discount.code if priced.discount else None,
            "shipping_method": priced.method.name,
            "shipping_address": checkout.address.as_json(),
            "delivery": delivery_json(now, priced.timezone, priced.method),
            "payment": {
                "method": authorization.method,
                "brand": authorization.card_brand,
                "last4": authorization.card_last4,
                "instructions": settings.instructions_for(authorization.method),
            },
        }
    }


routes = [
    Route("/v1/stores/{key}/checkout", checkout_setup, methods=["GET"]),
    Route("/v1/checkout", place_order, methods=["POST"]),
]
