"""``GET /v1/stores/{key}/config``: what the widget needs on a page, cacheable by ETag."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.assets import STATIC_DIR
from server.catalog.queries import has_active_products
from server.checkout.merchant_settings import CheckoutSettings
from server.checkout.queries import load_settings
from server.errors import NotFound
from server.offers.queries import running_campaigns
from server.offers.service import campaign_config
from server.services import services
from server.stores.queries import interruptions_per_week
from server.stores.service import Store
from server.surveys import queries as survey_queries
from server.surveys.model import DEFAULT_SETTINGS
from server.surveys.service import needs_cart as survey_needs_cart
from server.surveys.service import survey_config_block
from server.trust.facts import trust_config
from server.trust.service import trust_inputs
from server.web import etag_for, json_bytes, not_modified, store_cors


async def store_config(request: Request) -> Response:
    state = services(request)
    store = await state.stores.by_key(request.path_params["key"])
    if store is None:
        raise NotFound("No store has that public key.", code="unknown_store")
    headers = store_cors(request, store)
    db = state.db
    settings = await load_settings(db, store.id)
    checkout_on = await has_active_products(db, store.id)
    now = state.clock.now_ms()
    campaigns = await running_campaigns(db, store.id, now)
    offers = {
        "interruptions_per_week": await interruptions_per_week(db, store.id),
        # A remedy-only campaign shows after a survey answer, never on a trigger of its own.
        "campaigns": [campaign_config(c) for c in campaigns if c.trigger.kind != "survey_answer"],
    }
    surveys = survey_config_block(
        await survey_queries.running_surveys(db, store.id, now),
        await survey_queries.load_settings(db, store.id),
    )
    api_https = state.settings.base_url.startswith("https://")
    inputs = await trust_inputs(db, store, api_https=api_https, checkout=settings)
    trust = trust_config(inputs, now)
    config = widget_config(
        store, checkout=checkout_on, settings=settings, offers=offers, trust=trust,
        surveys=surveys,
    )  # fmt: skip
    body = json_bytes(config | {"chunks": widget_chunks(config, built_chunks())})
    etag = etag_for(body)
    headers |= {
        "ETag": etag,
        "Cache-Control": f"public, max-age={state.settings.config_max_age}, must-revalidate",
    }
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, headers=headers, media_type="application/json")


def widget_config(
    store: Store,
    *,
    checkout: bool,
    settings: CheckoutSettings,
    offers: dict[str, object] | None = None,
    trust: dict[str, Any] | None = None,
    surveys: dict[str, Any] | None = None,
) -> dict[str, object]:
    """What the loader needs to decide what is live on a page, and nothing more.

    ``offers`` is ``{"interruptions_per_week", "campaigns": [...]}`` for the running
    campaigns; the offers feature is on when there is at least one. ``trust`` is
    ``server.trust.facts.trust_config``'s answer; badges are on when a placement has any.
    ``surveys`` is ``server.surveys.service.survey_config_block``'s answer; the surveys
    feature is on when it lists a survey (a running survey the widget shows).
    """
    offers = offers or {"interruptions_per_week": 0, "campaigns": []}
    surveys = surveys or survey_config_block([], DEFAULT_SETTINGS)
    # On while any placement has a badge that can show, or social proof is on.
    badges = bool(trust) and (any(trust["placements"].values()) or "proof" in trust)  # type: ignore[index,operator]
    config: dict[str, object] = {
        "store": {
            "key": store.public_key,
            "name": store.name,
            "currency": store.currency,
            "locale": store.locale,
            "timezone": store.timezone,
        },
        "features": {
            "checkout": checkout,
            "offers": bool(offers["campaigns"]),
            "badges": badges,
            "surveys": bool(surveys["list"]),
        },
        "checkout": {"floating_button": settings.floating_cart_button},
        "offers": offers,
        "surveys": surveys,
        "events": {"max_batch": 50},
    }
    if badges:
        config["trust"] = trust
    return config


@cache
def built_chunks() -> dict[str, dict[str, Any]]:
    """The built widget's chunks by name: {"src": path}, from the manifest widget/build.mjs
    writes (the shared files a chunk imports come with its import: the config needs no list)."""
    manifest = json.loads((STATIC_DIR / "manifest.json").read_text())
    return {name: {"src": f"/v1/{path}"} for name, path in manifest["chunks"].items()}


# The merchant's markup the badges and reviews chunks fill (a contract: widget/README.md).
BADGE_MOUNTS = "[data-keepcart-badges]"
REVIEW_MOUNTS = "[data-keepcart-reviews],[data-keepcart-stars]"


def widget_chunks(config: dict[str, Any], built: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The feature chunks the loader is to fetch, and when, so it carries no per-feature code
    (widget/src/loader.js reads this): the checkout takes the cart commands (loaded on the
    shopper's first cart interaction, in the background with a floating cart button); the
    offers load in the background where a running campaign's pages match, and on the admin's
    offer preview page, and only once the visitor has a cart when no campaign can show to an
    empty one; the surveys likewise, by the listed surveys (when the build has them)."""
    chunks: list[dict[str, Any]] = []
    features = config["features"]
    if features["checkout"] and "checkout" in built:
        floating = config["checkout"]["floating_button"]
        chunks.append({"name": "checkout", **built["checkout"], "cart": True, "idle": floating})
    if "offers" in built:
        campaigns = config["offers"]["campaigns"]
        pages = [campaign["pages"] for campaign in campaigns]
        offers = {"idle": True, "preview": True, "pages": pages}
        if campaigns and all(map(needs_cart, campaigns)):
            offers["with_cart"] = True  # loaded once the visitor has a cart, not before
        chunks.append({"name": "offers", **built["offers"], **offers})
    if features["badges"] and "badges" in built:
        # Where the page has a badges mount (also on the admin's previews); the drawer and
        # checkout load it themselves for theirs.
        badges = {"idle": True, "preview": True, "mounts": BADGE_MOUNTS}
        chunks.append({"name": "badges", **built["badges"], **badges})
    if "reviews" in built:
        chunks.append(
            {"name": "reviews", **built["reviews"], "idle": True, "mounts": REVIEW_MOUNTS}
        )
    if "surveys" in built:
        chunks.append({"name": "surveys", **built["surveys"], **_surveys_chunk(config)})
    return chunks


def _surveys_chunk(config: dict[str, Any]) -> dict[str, Any]:
    """When the surveys chunk loads: in the background where a listed survey's pages match
    (every page a survey may show on, the confirmation's included: the checkout runs on the
    shop's own pages), and on the admin's previews (a draft survey, too); only once the
    visitor has a cart when no survey can show to an empty one."""
    listed = config["surveys"]["list"]
    entry: dict[str, Any] = {"idle": True, "preview": True, "pages": [s["pages"] for s in listed]}
    if listed and all(map(survey_needs_cart, listed)):
        entry["with_cart"] = True
    return entry


def needs_cart(campaign: dict[str, Any]) -> bool:
    """Can the campaign show only to a visitor with something in the cart (targeting a
    non-empty cart or a minimum subtotal, or triggered by a cart left idle)?"""
    targeting = campaign["targeting"]
    return (
        targeting["cart"] == "not_empty"
        or (targeting["subtotal_min"] or 0) > 0
        or campaign["trigger"]["kind"] == "cart_idle"
    )


routes = [Route("/v1/stores/{key}/config", store_config, methods=["GET", "HEAD"])]
