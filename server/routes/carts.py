"""``/v1/carts``: the shopper's cart, kept on the server and named by a signed token."""

from __future__ import annotations

import functools
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.carts import queries
from server.carts.service import Cart, cart_view, check_stock, parse_quantity
from server.catalog.queries import find_by_sku
from server.checkout.addresses import COUNTRIES
from server.checkout.queries import load_settings, shipping_methods_for
from server.checkout.quoting import load_discount, quote_cart
from server.errors import BadRequest, Conflict, Forbidden, NotFound, ValidationFailed
from server.money import format_amount
from server.offers.queries import find_coupon
from server.offers.service import read_coupon_token
from server.pricing.discounts import DiscountRefused, gift_refusal
from server.recovery.claim_queries import mark_notices_shown, pending_notices
from server.security import InvalidToken, Purpose
from server.services import services
from server.stores.service import Store
from server.web import enforce_rate_limit, json_response, read_json_body, store_cors

MAX_BODY = 8 * 1024
SHOPPER_COUNTRY = re.compile(r"[A-Z]{2}")


async def create_cart(request: Request) -> Response:
    _read_shopper_country(request)
    body = await read_json_body(request, max_bytes=MAX_BODY)
    key = body.get("store") if isinstance(body, dict) else None
    store = await services(request).stores.by_key(key) if isinstance(key, str) else None
    if store is None:
        raise NotFound("No store has that public key.", field="store", code="unknown_store")
    check_origin(request, store)
    enforce_rate_limit(request, services(request).api_limiter, store.id)
    public_id = await services(request).db.write(
        lambda conn: queries.insert_cart(conn, store.id, services(request).clock.now_ms())
    )
    token = services(request).signer.sign(Purpose.CART, public_id)
    return await _cart_response(request, store, token, public_id, status=201)


async def get_cart(request: Request) -> Response:
    """The cart; a cart a recovery link built says once what changed since it was left."""
    store, token, cart = await open_cart(request)
    db = services(request).db
    notices = await pending_notices(db, cart.id)
    if notices and not await db.write(lambda conn: mark_notices_shown(conn, cart.id)):
        notices = []  # another request showed them a moment ago
    view = await cart_view_json(request, store, token, cart)
    if notices:
        view["notices"] = notices
    return json_response(view, headers=store_cors(request, store))


async def add_item(request: Request) -> Response:
    store, token, cart = await open_cart(request)
    body = await _body(request)
    sku = body.get("sku")
    if not isinstance(sku, str) or not sku:
        raise ValidationFailed("Say which product to add (its SKU).", field="sku")
    quantity = parse_quantity(body.get("quantity", 1))
    await _change_line(request, store, cart, sku, lambda current: current + quantity)
    return await _cart_response(request, store, token, cart.public_id)


async def set_item(request: Request) -> Response:
    store, token, cart = await open_cart(request)
    quantity = parse_quantity((await _body(request)).get("quantity"), allow_zero=True)
    await _change_line(request, store, cart, request.path_params["sku"], lambda _: quantity)
    return await _cart_response(request, store, token, cart.public_id)


async def remove_item(request: Request) -> Response:
    store, token, cart = await open_cart(request)
    await _change_line(request, store, cart, request.path_params["sku"], lambda _: 0)
    return await _cart_response(request, store, token, cart.public_id)


async def apply_discount(request: Request) -> Response:
    """Apply a typed ``code``, or a claimed offer's signed ``coupon`` token."""
    store, token, cart = await open_cart(request)
    body = await _body(request)
    if "coupon" in body:
        code = await _coupon_code(request, store, body)
    else:
        code = body.get("code")
        if not isinstance(code, str) or not code.strip():
            raise ValidationFailed("Enter a discount code.", field="code")
        code = code.strip().upper()[:64]
    trial = Cart(cart.id, cart.public_id, cart.store_id, cart.status, code, cart.lines)
    money = functools.partial(format_amount, currency=store.currency)
    now = services(request).clock.now_ms()
    applied, refused = await load_discount(services(request).db, store, trial, None, now, money)
    if refused is not None:
        raise refused
    assert applied is not None
    await services(request).db.write(
        lambda conn: _replace_code(conn, cart.id, code, now, applied.id)
    )
    return await _cart_response(request, store, token, cart.public_id)


async def _replace_code(
    conn: Any, cart_id: int, code: str | None, now_ms: int, discount_id: int | None = None
) -> None:
    """Set the cart's code; a replaced or removed coupon's free gift leaves with it."""
    await queries.set_discount_code(conn, cart_id, code, now_ms)
    await queries.remove_gifts(conn, cart_id, now_ms, keep_discount_id=discount_id)


async def _coupon_code(request: Request, store: Store, body: dict[str, Any]) -> str:
    """The code behind a signed coupon token; another store's or visitor's is foreign."""
    claim = read_coupon_token(services(request).signer, body.get("coupon"))
    visitor = body.get("visitor")
    if claim.store_id != store.id or (visitor is not None and visitor != claim.visitor):
        raise DiscountRefused("That code belongs to another shopper.", "discount_foreign")
    coupon = await find_coupon(services(request).db, store.id, claim.coupon_id)
    if coupon is None or coupon.visitor_id != claim.visitor:
        raise BadRequest("That coupon isn't valid.", field="coupon", code="coupon_invalid")
    return coupon.code


async def remove_discount(request: Request) -> Response:
    store, token, cart = await open_cart(request)
    await services(request).db.write(
        lambda conn: _replace_code(conn, cart.id, None, services(request).clock.now_ms())
    )
    return await _cart_response(request, store, token, cart.public_id)


async def quote(request: Request) -> Response:
    """Shipping options and full totals for a destination: display only, never charged."""
    store, token, cart = await open_cart(request)
    body = await _body(request)
    db = services(request).db
    settings = await load_settings(db, store.id)
    address = body.get("address")
    if not isinstance(address, dict):
        address = {}
    country = str(address.get("country") or settings.country).upper()
    method_id = body.get("shipping_method")
    if method_id is not None and type(method_id) is not int:
        raise ValidationFailed(
            "shipping_method must be an id from the options.", field="shipping_method"
        )
    now = services(request).clock.now_ms()
    # No email here: anyone may ask for a quote, so it must not tell whether an address has
    # used a once-per-customer code. Checkout, where the shopper pays with it, may refuse.
    priced = await quote_cart(
        db, store, settings, cart, country=country, region=str(address.get("region", "")),
        method_id=method_id, now_ms=now, strict_method=False,
        money=functools.partial(format_amount, currency=store.currency),
    )  # fmt: skip
    view = await cart_view_json(request, store, token, cart)
    return json_response(
        {
            "cart": view,
            "shipping_options": priced.shipping_options(now),
            "shipping_method": priced.method.id if priced.method else None,
            "ships_to_country": bool(priced.methods),
            "totals": priced.quote.totals.as_json(),
            "discount_error": _refusal_json(priced.discount_error),
        },
        headers=store_cors(request, store),
    )


async def _change_line(
    request: Request, store: Store, cart: Cart, sku: str, new_quantity: Any
) -> None:
    async def change(conn: Any) -> None:
        product = await find_by_sku(conn, store.id, sku)
        if product is None or not product.active:
            raise NotFound("That product isn't sold here.", field="sku", code="unknown_sku")
        fresh = await queries.load_cart(conn, cart.public_id)
        assert fresh is not None
        current = next((ln.quantity for ln in fresh.lines if ln.product.id == product.id), 0)
        quantity = parse_quantity(new_quantity(current), allow_zero=True)
        if quantity > current:
            check_stock(product, quantity)
        await queries.set_line(
            conn, cart.id, product.id, quantity, services(request).clock.now_ms()
        )

    await services(request).db.write(change)


def _read_shopper_country(request: Request) -> None:
    """``?country=DE``: where the shopper said they live (in checkout, or remembered), so the
    cart speaks of free shipping there. Read first: bad input fails before anything is written.
    A well-formed code no store ships to is no error: it tells nothing about free shipping."""
    raw = request.query_params.get("country")
    if raw is not None and not SHOPPER_COUNTRY.fullmatch(raw):
        raise ValidationFailed("country must be a two-letter country code.", field="country")
    request.state.shopper_country = COUNTRIES.get(raw) if raw else None


async def open_cart(request: Request) -> tuple[Store, str, Cart]:
    _read_shopper_country(request)
    token = request.path_params["token"]
    try:
        public_id = services(request).signer.unsign(Purpose.CART, token)
    except InvalidToken:
        raise BadRequest("That cart token isn't valid.", code="invalid_cart") from None
    cart = await queries.load_cart(services(request).db, str(public_id))
    store = cart and await services(request).stores.by_id(cart.store_id)
    if cart is None or store is None:
        raise NotFound("That cart no longer exists.", code="cart_not_found")
    check_origin(request, store)
    enforce_rate_limit(request, services(request).api_limiter, store.id)
    if cart.status != "open":
        raise Conflict("That cart has already been ordered.", code="cart_closed")
    if any(line.gift_of is not None for line in cart.lines):
        cart = await _settle_gifts(request, store, cart)
    return store, token, cart


def check_origin(request: Request, store: Store) -> None:
    """A store's cart is used from the store's own pages: a page of another origin (another
    store's shop, or any site) is refused. Browsers always send Origin cross-origin; a
    server-side caller may omit it (as the events endpoint allows)."""
    origin = request.headers.get("origin")
    if origin is not None and not store.allows_origin(origin):
        raise Forbidden(
            "This cart belongs to a shop on another site.", code="origin_not_allowed",
            field="origin",
        )  # fmt: skip


async def _settle_gifts(request: Request, store: Store, cart: Cart) -> Cart:
    """Take out free gifts whose coupon no longer applies (expired, used, gone), so the cart
    never shows or charges them; the cart's ``discount_error`` then says so."""
    now = services(request).clock.now_ms()
    money = functools.partial(format_amount, currency=store.currency)

    async def settle(conn: Any) -> Cart:
        fresh = await queries.load_cart(conn, cart.public_id)
        assert fresh is not None
        discount, _ = await load_discount(conn, store, fresh, None, now, money)
        if fresh.stale_gifts(discount) and fresh.status == "open":
            await queries.remove_gifts(conn, fresh.id, now, discount and discount.id)
            request.state.gift_removed = True
            fresh = await queries.load_cart(conn, cart.public_id)
            assert fresh is not None
        return fresh

    return await services(request).db.write(settle)


async def _body(request: Request) -> dict[str, Any]:
    body = await read_json_body(request, max_bytes=MAX_BODY)
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.")
    return body


async def cart_view_json(request: Request, store: Store, token: str, cart: Cart) -> dict[str, Any]:
    """The cart as ``GET /v1/carts/{token}`` shows it (offers' claims answer with it too)."""
    db = services(request).db
    settings = await load_settings(db, store.id)
    # The shopper's country once known; until then the store's own (its main shipping zone).
    shopper = getattr(request.state, "shopper_country", None)
    country = shopper.code if shopper else settings.country
    methods = await shipping_methods_for(db, store.id, country)
    money = functools.partial(format_amount, currency=store.currency)
    discount, refused = await load_discount(
        db, store, cart, None, services(request).clock.now_ms(), money
    )
    refused = refused or gift_refusal(len(cart.stale_gifts(discount)))
    destination = shopper.name if shopper else None
    view = cart_view(token, cart, store.currency, discount, methods, destination)
    view["discount_error"] = _refusal_json(refused)
    if getattr(request.state, "gift_removed", False):
        view["discount_error"] = {
            "code": "gift_removed",
            "message": (refused.message + " " if refused else "")
            + "Its free gift is no longer free, so we took it out of your cart.",
        }
    return view


async def _cart_response(
    request: Request, store: Store, token: str, public_id: str, status: int = 200
) -> Response:
    cart = await queries.load_cart(services(request).db, public_id)
    assert cart is not None
    view = await cart_view_json(request, store, token, cart)
    return json_response({"token": token, "cart": view} if status == 201 else view, status,
                         store_cors(request, store))  # fmt: skip


def _refusal_json(refused: Exception | None) -> dict[str, str] | None:
    if refused is None:
        return None
    return {"code": getattr(refused, "code", ""), "message": getattr(refused, "message", "")}


routes = [
    Route("/v1/carts", create_cart, methods=["POST"]),
    Route("/v1/carts/{token}", get_cart, methods=["GET"]),
    Route("/v1/carts/{token}/items", add_item, methods=["POST"]),
    Route("/v1/carts/{token}/items/{sku}", set_item, methods=["PUT"]),
    Route("/v1/carts/{token}/items/{sku}", remove_item, methods=["DELETE"]),
    Route("/v1/carts/{token}/discount", apply_discount, methods=["PUT"]),
    Route("/v1/carts/{token}/discount", remove_discount, methods=["DELETE"]),
    Route("/v1/carts/{token}/quote", quote, methods=["POST"]),
]
