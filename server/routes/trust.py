"""``/v1/trust/…`` and a product's social proof: the badges' exposures (for the holdout
measurement) and what social proof may say about a product, from real orders and stock.

Bodies may be ``text/plain`` JSON (no CORS preflight). An unknown store, or an Origin the
store doesn't allow, is a 404 ``unknown_store``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.catalog.queries import find_by_sku
from server.errors import NotFound, ValidationFailed
from server.events.visitors import parse_visitor
from server.services import services
from server.stores.service import Store
from server.trust import queries
from server.trust.holdout import SHOWN, arm_for
from server.trust.model import ELEMENTS
from server.trust.service import product_proof
from server.web import enforce_rate_limit, json_response, read_json_body, store_cors

MAX_BODY = 1024
PROOF_MAX_AGE = 60  # seconds a browser may reuse a product's social proof


async def record_exposure(request: Request) -> Response:
    """A visitor reached a page with ``element``; the server computes the arm (shown or
    holdout) from the store's share and keeps the first exposure. Answers the arm, and
    ``counted: false`` without writing anything while no share of visitors is held out, or
    when the page decided under an older share: ``since``, the config's ``*_since`` the page
    had, is before the element's measurement restarted (a config a browser kept up to its
    max-age after the merchant changed the share showed or hid by the old one)."""
    body = await read_json_body(request, max_bytes=MAX_BODY)
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.")
    store = await _store(request, body.get("store"))
    # Counted with the events (one per page view), not against the cart and checkout's limit.
    enforce_rate_limit(request, services(request).events_limiter, store.id)
    element = body.get("element")
    if element not in ELEMENTS:
        raise ValidationFailed("Say which element: badges or proof.", field="element")
    visitor = parse_visitor(body.get("visitor"))
    since = _since(body.get("since"))
    db, now = services(request).db, services(request).clock.now_ms()
    settings = await queries.load_trust_settings(db, store.id)
    share = settings.holdout_of(element)
    measuring = share > 0 and (element == "badges" or settings.social_proof)
    if not measuring or since < settings.since(element):
        # Nothing is being measured (a row now could never count: a new share restarts), or
        # the page showed or hid by a share that is no longer the one measured.
        return json_response({"arm": SHOWN, "counted": False}, headers=store_cors(request, store))
    arm = arm_for(element, visitor, share)
    recorded = await db.write(
        lambda conn: queries.record_exposure(conn, store.id, element, visitor, arm, now)
    )
    return json_response({"arm": recorded}, headers=store_cors(request, store))


async def get_proof(request: Request) -> Response:
    """``{"bought", "hours", "left", "said"}`` for a product: ``bought`` (people who bought
    any of its variants) only at or above the store's threshold, ``left`` only for the SKU's
    real low stock; both null with social proof off. ``said`` words what holds, for the badges
    (``[{"kind", "words"}]``)."""
    store = await services(request).stores.by_key(request.path_params["key"])
    if store is None:
        raise NotFound("No store has that public key.", code="unknown_store")
    sku = request.path_params["sku"]
    db = services(request).db
    if await find_by_sku(db, store.id, sku) is None:
        raise NotFound("No product has that SKU.", field="sku", code="unknown_product")
    proof = await product_proof(db, store, sku, services(request).clock.now_ms())
    body: dict[str, Any] = {"bought": None, "hours": None, "left": None, "said": []}
    if proof is not None:
        body = {
            "bought": proof.bought,
            "hours": proof.hours,
            "left": proof.left,
            "said": proof.said(),
        }
    headers = store_cors(request, store) | {"Cache-Control": f"public, max-age={PROOF_MAX_AGE}"}
    return json_response(body, headers=headers)


def _since(value: object) -> int:
    """The config's ``since`` the page decided by: a whole number of ms."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**53:
        raise ValidationFailed("Send the config's since for the element.", field="since")
    return value


async def _store(request: Request, key: object) -> Store:
    """The store a write names; from an Origin it does not allow, it is not found."""
    store = await services(request).stores.by_key(key) if isinstance(key, str) else None
    origin = request.headers.get("origin")
    if store is None or (origin is not None and not store.allows_origin(origin)):
        raise NotFound("No store has that public key.", field="store", code="unknown_store")
    return store


routes = [
    Route("/v1/trust/exposures", record_exposure, methods=["POST"]),
    Route("/v1/stores/{key}/products/{sku}/proof", get_proof, methods=["GET"]),
]
