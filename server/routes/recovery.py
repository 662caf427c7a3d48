"""Abandoned-checkout recovery's public routes.

- ``PUT /v1/carts/{token}/contact`` (or POST): the checkout's email, kept as the store's
  mode allows, and its phone, kept when the shopper ticked the SMS box.
- ``GET /r/{token}``: a reminder's link. Writes nothing (mail scanners open links): sends
  the browser to the shop's page with a single-use claim in the fragment (never sent to the
  shop's server), or says the cart was ordered already.
- ``POST /v1/recovery/claims``: the widget on the shop's page exchanges the claim (text/plain
  JSON ``{store, claim, cart}``, no preflight) for a new cart built from the abandoned one at
  today's prices and stock, with the click counted (each claim once). Refused for another
  store's claim. The page's own cart (``cart``) when it is the abandoned one or one rebuilt
  from it (the shopper came back on the same device) gets the reminder's code and its token
  back; another cart with items in it is kept (``{"token": null, "kept": true}``), and
  nothing is built.
- ``GET /u/{token}``: asks to confirm (a link scanner that follows it unsubscribes no one);
  ``POST /u/{token}``: unsubscribes, from the page's button or a mail client's one-click
  (RFC 8058: ``List-Unsubscribe=One-Click`` in the body), under a generous limit of its own
  (``Services.unsubscribe_limiter``: a refused one-click is an opt-out lost). It works for
  ever: after the address was cleared (retention, erasure) the reminder's keyed hash of it
  goes on the list; where not even that is left, the page says it could not unsubscribe.

A link's page over its rate limit is a page too ("Too many requests", 429, ``Retry-After``),
not the API's JSON.

The pages are private pages on Keepcart's origin: never cached or indexed, no Referer.
"""

from __future__ import annotations

import functools
from pathlib import Path

import aiosqlite
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.errors import NotFound, RateLimited
from server.messages.sms_outbox import store_region
from server.messages.suppression import UNSUBSCRIBED, suppress
from server.money import format_amount
from server.privacy.recovery import reminder_address_hash
from server.ratelimit import RateLimiter
from server.recovery import queries, step_queries, stop_queries
from server.recovery.capture import (
    capture,
    check_wording,
    parse_contact,
    sms_phone,
    sms_wording,
)
from server.recovery.links import (
    LinkTarget,
    claim_token,
    landing_url,
    read_claim,
    read_recovery,
    read_unsubscribe,
    shop_page,
)
from server.recovery.model import LINK_DAYS
from server.recovery.model import UNSUBSCRIBED as STOPPED_BY_UNSUBSCRIBE
from server.recovery.rebuilding import exchange, link_source
from server.routes.carts import MAX_BODY, check_origin, open_cart
from server.routes.private_page import PrivatePages, told_to_wait
from server.security import InvalidToken, Purpose, Signer
from server.services import services
from server.stores.service import Store
from server.web import enforce_rate_limit, json_response, read_json_body, store_cors

pages = PrivatePages.at(
    Path(__file__).parent.parent / "recovery" / "templates" / "pages",
    "default-src 'none'; style-src 'self'; img-src data:; base-uri 'none';"
    " form-action 'self'; frame-ancestors 'none'",
)


async def save_contact(request: Request) -> Response:
    store, _, cart = await open_cart(request)
    body = await read_json_body(request, max_bytes=MAX_BODY)
    contact = parse_contact(body if isinstance(body, dict) else {})
    state = services(request)
    now, sms_configured = state.clock.now_ms(), state.settings.sms is not None

    async def write(conn: aiosqlite.Connection) -> tuple[bool, bool]:
        # The settings read in the write: the wording checked is the wording stored.
        settings = await queries.load_settings(conn, store.id)
        sms_text = await sms_wording(conn, store.id, settings, sms_configured)
        check_wording(settings, contact, sms_text)
        return await capture(
            conn, store_id=store.id, cart_id=cart.id, settings=settings, contact=contact,
            now=now, phone=sms_phone(contact, sms_text, store_region(store)),
            sms_wording=sms_text,
        )  # fmt: skip

    saved, texted = await state.db.write(write)
    return json_response({"saved": saved, "sms": texted}, headers=store_cors(request, store))


async def open_recovery_link(request: Request) -> Response:
    state = services(request)
    now = state.clock.now_ms()
    target = read_recovery(state.signer, request.path_params["token"], now)
    store = target and await state.stores.by_id(target.store_id)
    if target is None or store is None:
        return _link_gone(request)
    if limited := _over_limit(request, state.api_limiter, store.id):
        return limited
    source = await link_source(state.db, target)
    if source is None:
        return _link_gone(request)
    if await stop_queries.ordered_from(state.db, source.id):
        return pages.render(request, "already_ordered.html", {"store": store})
    page = shop_page(store, (await queries.load_settings(state.db, store.id)).shop_url)
    if not page:
        return _link_gone(request)
    claim = claim_token(state.signer, target, now)
    return RedirectResponse(landing_url(page, claim), 303, headers=dict(pages.headers))


async def exchange_claim(request: Request) -> Response:
    body = await read_json_body(request, max_bytes=MAX_BODY)
    body = body if isinstance(body, dict) else {}
    state = services(request)
    key = body.get("store")
    store = await state.stores.by_key(key) if isinstance(key, str) else None
    if store is None:
        raise NotFound("No store has that public key.", field="store", code="unknown_store")
    check_origin(request, store)
    enforce_rate_limit(request, state.api_limiter, store.id)
    now = state.clock.now_ms()
    claim = read_claim(state.signer, body.get("claim"), now)
    if claim is None or claim.target.store_id != store.id:
        raise _claim_gone()
    page_cart = _page_cart(request, body.get("cart"))
    money = functools.partial(format_amount, currency=store.currency)
    done = await state.db.write(lambda conn: exchange(conn, claim, page_cart, now, money))
    if done is None:
        raise _claim_gone()
    headers = store_cors(request, store)
    if done.cart_public_id is None:
        return json_response({"token": None, "kept": True}, headers=headers)
    token = state.signer.sign(Purpose.CART, done.cart_public_id)
    return json_response({"token": token}, headers=headers)


def _claim_gone() -> NotFound:
    return NotFound(
        "This cart link was used already, has expired, or its cart was ordered.",
        field="claim", code="claim_gone",
    )  # fmt: skip


def _page_cart(request: Request, token: object) -> str | None:
    """The public id of the page's own cart (its token, if any, and valid)."""
    if not isinstance(token, str) or not token:
        return None
    try:
        return str(services(request).signer.unsign(Purpose.CART, token))
    except InvalidToken:
        return None


def _link_gone(request: Request) -> Response:
    return pages.render(request, "link_gone.html", {"days": LINK_DAYS}, 404)


def _over_limit(request: Request, limiter: RateLimiter, scope: object) -> Response | None:
    """The page a shopper sees over the limit (429 and when to retry); None within it."""
    try:
        enforce_rate_limit(request, limiter, scope)
    except RateLimited as exc:
        return told_to_wait(pages.render(request, "too_many_requests.html", {}, exc.status), exc)
    return None


async def unsubscribe_page(request: Request) -> Response:
    found = await _unsubscribe_target(request)
    if found is None:
        return _link_gone(request)
    store, _ = found
    if limited := _over_limit(request, services(request).api_limiter, store.id):
        return limited
    return pages.render(request, "unsubscribe.html", {"store": store, "action": request.url.path})


async def unsubscribe(request: Request) -> Response:
    found = await _unsubscribe_target(request)
    if found is None:
        return _link_gone(request)
    store, target = found
    state = services(request)
    if limited := _over_limit(request, state.unsubscribe_limiter, store.id):
        return limited
    now = state.clock.now_ms()
    done = await state.db.write(
        lambda conn: _unsubscribe(conn, state.signer, store.id, target, now)
    )
    if not done:
        return pages.render(request, "not_unsubscribed.html", {"store": store}, 404)
    return pages.render(request, "unsubscribed.html", {"store": store})


async def _unsubscribe(
    conn: aiosqlite.Connection, signer: Signer, store_id: int, target: LinkTarget, now: int
) -> bool:
    """The address the reminder went to goes on the store's list (not whatever the checkout
    holds now), and every running sequence of it stops; once the address was cleared, its
    keyed hash goes on the list (the sender and the reminder job find it). False when the
    store has neither (a reminder cleared before the hash was kept): nothing was recorded."""
    contact = target.contact_id and await queries.find_contact(conn, target.contact_id)
    if not contact or contact.store_id != store_id or target.step is None:
        return False
    email = await step_queries.sent_to(conn, contact.id, target.step) or contact.email
    if email is None:
        hashed = await reminder_address_hash(conn, contact.id, target.step)
        if hashed is not None:  # spelt as the list holds it: suppress() keeps it as it is
            await suppress(conn, store_id, hashed, UNSUBSCRIBED, now, step=target.step)
        return hashed is not None
    await suppress(conn, store_id, email, UNSUBSCRIBED, now, step=target.step)
    await queries.stop_for_email(conn, store_id, email, STOPPED_BY_UNSUBSCRIBE, now)
    return True


async def _unsubscribe_target(request: Request) -> tuple[Store, LinkTarget] | None:
    state = services(request)
    target = read_unsubscribe(state.signer, request.path_params["token"])
    store = target and await state.stores.by_id(target.store_id)
    if target is None or store is None:
        return None
    return store, target


routes = [
    # PUT is the contract; the widget POSTs a text body, a CORS-simple request that needs no
    # preflight (any PUT from another origin does).
    Route("/v1/carts/{token}/contact", save_contact, methods=["PUT", "POST"]),
    Route("/r/{token}", open_recovery_link, methods=["GET"]),
    Route("/v1/recovery/claims", exchange_claim, methods=["POST"]),
    Route("/u/{token}", unsubscribe_page, methods=["GET"]),
    Route("/u/{token}", unsubscribe, methods=["POST"]),
]
