"""``/v1/offers/{cmp}/…``: a visitor's arm, their exposure, and claiming the offer.

Bodies may be ``text/plain`` JSON, so the widget needs no CORS preflight. A campaign that is
unknown, not running, or another store's (by the optional ``store`` key, or by an Origin the
store doesn't allow) is a 404 ``campaign_not_found``; so is a remedy-only campaign (trigger
``survey_answer``) to the arm and exposures: only a survey answer shows it
(server.surveys.remedies records that exposure), and a claim needs an exposure, so knowing its
id (every remedy reply names it) gets a new visitor id no code.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.carts.queries import load_cart
from server.catalog.queries import find_by_sku
from server.checkout.queries import find_discount
from server.errors import NotFound, ValidationFailed
from server.events.visitors import parse_visitor
from server.offers import claiming, queries, service
from server.offers.model import Campaign, Offer
from server.routes.carts import cart_view_json
from server.services import services
from server.stores.service import Store
from server.web import enforce_rate_limit, json_response, read_json_body, store_cors

MAX_BODY = 4 * 1024


async def get_arm(request: Request) -> Response:
    """The visitor's arm and its variant; with ``arm`` (debug mode: a merchant previewing an
    arm on their shop), that arm instead. Reading an arm records nothing."""
    store, campaign = await _running_campaign(request, request.query_params.get("store"))
    _refuse_remedy_only(campaign)
    visitor = parse_visitor(request.query_params.get("visitor"))
    chosen = request.query_params.get("arm")
    if chosen is None:
        arm = await claiming.visitor_arm(services(request).db, campaign, visitor)
    else:
        arm = service.parse_arm(campaign, chosen)
    variant = service.variant_of(campaign, arm)
    body = {
        "campaign": campaign.public_id,
        "arm": arm,
        "variant": variant
        and service.variant_json(
            variant, store.currency, await _gift_name(request, store, variant.offer)
        ),
    }
    return json_response(body, headers=store_cors(request, store))


async def record_exposure(request: Request) -> Response:
    body = await _body(request)
    store, campaign = await _running_campaign(
        request, body.get("store"), services(request).api_limiter
    )
    _refuse_remedy_only(campaign)
    visitor = parse_visitor(body.get("visitor"))
    session = service.parse_session(body.get("session"))
    signal = service.parse_signal(body.get("signal"))
    arm = service.arm_for(campaign, visitor)  # computed here; any arm the client sends is ignored
    campaign_id = campaign.id
    assert campaign_id is not None
    if signal == service.DEBUG_SIGNAL:  # a merchant testing, never a shopper: nothing counts
        return json_response({"arm": arm, "counted": False}, headers=store_cors(request, store))
    now = services(request).clock.now_ms()
    recorded = await services(request).db.write(
        lambda conn: queries.record_exposure(
            conn, campaign_id=campaign_id, visitor_id=visitor, arm=arm, signal=signal,
            session_id=session, now_ms=now,
        )
    )  # fmt: skip
    return json_response({"arm": recorded}, headers=store_cors(request, store))


async def claim(request: Request) -> Response:
    """The claim: its coupon, the cart it went on, and ``email_saved``, which the widget reads
    as "the shop will email you this cart": true for every address while the store sends cart
    emails, so it never tells whether an address unsubscribed, was erased or had its day's
    emails (the store then sends none, silently)."""
    body = await _body(request)
    store, campaign = await _running_campaign(
        request, body.get("store"), services(request).claim_limiter
    )
    state = services(request)
    answer = await claiming.claim_offer(
        state.db, state.signer, store=store, campaign=campaign, body=body,
        now_ms=services(request).clock.now_ms(),
    )  # fmt: skip
    claimed = answer.claimed
    cart = await load_cart(state.db, claimed.cart_public_id)
    assert cart is not None
    view = await cart_view_json(request, store, answer.cart_token, cart)
    coupon = None
    if (issued := claimed.coupon) is not None:
        in_cart = service.coupon_in_cart(issued.code, issued.min_subtotal, view, store.currency)
        coupon = await _coupon_json(request, store, issued, answer.visitor) | in_cart
    response = {
        "coupon": coupon,
        "cart_token": answer.cart_token,
        "cart": view,
        "email_saved": claimed.email_saved,
    }
    return json_response(response, 201, store_cors(request, store))


async def _coupon_json(
    request: Request, store: Store, coupon: queries.Coupon, visitor: str
) -> dict[str, Any]:
    """The coupon as issued: its label comes from its own row, not the offer as edited since."""
    proof = service.CouponClaim(store.id, coupon.id, visitor)
    discount = await find_discount(services(request).db, store.id, coupon.code)
    return {
        "code": coupon.code,
        "token": service.coupon_token(services(request).signer, proof),
        "kind": coupon.kind,
        "value": coupon.value,
        "label": service.offer_label(
            Offer(kind=coupon.kind, value=coupon.value),
            store.currency,
            discount.gift_name if discount else "",
        ),
        "min_subtotal": coupon.min_subtotal,
        "expires_at": coupon.expires_at,
    }


async def _running_campaign(
    request: Request, store_key: object, limiter: Any = None
) -> tuple[Store, Campaign]:
    """The running campaign in the path. With a ``limiter``, the store's rate limit is
    enforced before the campaign is read: from the cached store key when the body sends it,
    else after the one indexed look-up that names the campaign's store."""
    public_id = request.path_params["campaign"]
    db = services(request).db
    stores = services(request).stores
    if isinstance(store_key, str):
        store = await stores.by_key(store_key)
    else:
        store_id = await queries.store_of_campaign(db, public_id)
        store = None if store_id is None else await stores.by_id(store_id)
    if store is not None and limiter is not None:
        enforce_rate_limit(request, limiter, store.id)
    campaign = None if store is None else await queries.load_campaign(db, store.id, public_id)
    origin = request.headers.get("origin")
    if (
        store is None
        or campaign is None
        or not campaign.is_running(services(request).clock.now_ms())
        or (store_key is not None and store_key != store.public_key)
        or (origin is not None and not store.allows_origin(origin))
    ):
        raise NotFound("That offer isn't running.", code="campaign_not_found")
    return store, campaign


def _refuse_remedy_only(campaign: Campaign) -> None:
    """A campaign shown only as a survey answer's remedy is never shown on its own."""
    if campaign.trigger.kind == "survey_answer":
        raise NotFound("That offer isn't running.", code="campaign_not_found")


async def _gift_name(request: Request, store: Store, offer: Offer) -> str:
    if offer.kind != "free_gift":
        return ""
    product = await find_by_sku(services(request).db, store.id, offer.gift_sku)
    return product.name if product else ""


async def _body(request: Request) -> dict[str, Any]:
    body = await read_json_body(request, max_bytes=MAX_BODY)
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.")
    return body


routes = [
    Route("/v1/offers/{campaign}/arm", get_arm, methods=["GET"]),
    Route("/v1/offers/{campaign}/exposures", record_exposure, methods=["POST"]),
    Route("/v1/offers/{campaign}/claim", claim, methods=["POST"]),
]
