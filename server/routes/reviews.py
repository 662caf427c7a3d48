"""The public reviews API: a product's published reviews and their summary, star summaries
for product cards, a visitor's "helpful" vote, and a product's schema.org JSON-LD.

    GET  /v1/stores/{key}/reviews?sku=SKU&sort=newest|helpful&page=N
         {"summary": {count, average_tenths, average, distribution}, "reviews", "page",
          "pages", "how"}; ``average`` is average_tenths written in the store's locale
    GET  /v1/stores/{key}/ratings?skus=a,b,c       {sku: {count, average_tenths, average}}
    POST /v1/reviews/{review}/helpful              text/plain JSON {"store", "visitor"}, from
         one of the store's origins only; one vote per review per visitor and per address
    GET  /v1/stores/{key}/products/{sku}/reviews.jsonld

Hidden reviews never appear: every read here selects published ones. A SKU is a product's
or its product group's (a variant's reviews are its product's). The reads carry CORS for the
store's own origins only, and an ETag with a short max-age, like the store's config.
"""

from __future__ import annotations

import ipaddress

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.errors import Forbidden, NotFound, ValidationFailed
from server.events.visitors import parse_visitor
from server.reviews import import_queries, queries, vote_queries
from server.reviews.public import average_text, product_jsonld, review_json, summary_json
from server.reviews.service import (
    PAGE_SIZE,
    ReviewFacts,
    average_tenths,
    how_reviews_work,
    pages_for,
    parse_page,
    parse_skus,
    parse_sort,
    summarise,
)
from server.reviews.voting import vote_helpful
from server.security import Purpose
from server.services import services
from server.stores.service import Store
from server.web import (
    enforce_rate_limit,
    etag_for,
    inline_json_bytes,
    json_bytes,
    json_response,
    not_modified,
    read_json_body,
    store_cors,
)

# Seconds a browser may keep an answer before it asks again (by ETag): a new review or a
# hidden one shows within a minute.
MAX_AGE = 60
MAX_VOTE_BODY = 1024
MAX_SKU = 64


async def product_reviews(request: Request) -> Response:
    store = await _store(request)
    params = request.query_params
    sort, page = parse_sort(params.get("sort")), parse_page(params.get("page"))
    group = await _group(request, store, params.get("sku"))
    db = services(request).db
    summary = summarise(await queries.rating_counts(db, group))
    group_facts = await queries.group_facts(db, group)
    facts = ReviewFacts(
        published=summary.count,
        imported=group_facts.imported,
        hidden=group_facts.hidden,
        removed=group_facts.removed,
        platforms=group_facts.platforms,
        store_platforms=await import_queries.store_platforms(db, store.id),
    )
    reviews = await queries.published_reviews(
        db, group, sort, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    body = {
        "summary": summary_json(summary, store.locale),
        "reviews": [review_json(review, store.timezone) for review in reviews],
        "page": page,
        "pages": pages_for(summary.count),
        "how": how_reviews_work(facts),
    }
    return _cacheable(request, store, json_bytes(body), "application/json")


async def star_ratings(request: Request) -> Response:
    store = await _store(request)
    skus = parse_skus(request.query_params.get("skus"))
    found = await queries.star_summaries(services(request).db, store.id, skus)
    body = {
        sku: {
            "count": count,
            "average_tenths": (tenths := average_tenths(total, count)),
            "average": average_text(tenths, store.locale),
        }
        for sku, (count, total) in sorted(found.items(), key=lambda item: skus.index(item[0]))
    }
    return _cacheable(request, store, json_bytes(body), "application/json")


async def product_json_ld(request: Request) -> Response:
    store = await _store(request)
    group = await _group(request, store, request.path_params["sku"])
    db = services(request).db
    summary = summarise(await queries.rating_counts(db, group))
    newest = await queries.published_reviews(db, group, "newest", limit=5, offset=0)
    body = product_jsonld(group.name, group.sku, summary, newest, store.timezone)
    # Merchants paste it into their page templates: nothing a reviewer wrote may close the tag.
    return _cacheable(request, store, inline_json_bytes(body), "application/ld+json")


async def helpful(request: Request) -> Response:
    state = services(request)
    body = await read_json_body(request, max_bytes=MAX_VOTE_BODY)
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.")
    key = body.get("store")
    store = await state.stores.by_key(key) if isinstance(key, str) and len(key) <= 64 else None
    if store is None:
        raise NotFound("No store has that public key.", code="unknown_store", field="store")
    _require_store_origin(request, store)
    enforce_rate_limit(request, state.api_limiter, ("helpful", store.id))
    host = request.client.host if request.client else ""
    voter = vote_queries.Voter(
        parse_visitor(body.get("visitor")),
        _hashes(request, store, voting_address(host)),
        _hashes(request, store, network) if (network := voting_network(host)) else (),
    )
    public_id = request.path_params["review"]
    now = state.clock.now_ms()
    count, counted = await state.db.write(
        lambda conn: vote_helpful(conn, store.id, public_id, voter, now)
    )
    return json_response({"helpful": count, "counted": counted}, headers=store_cors(request, store))


def _require_store_origin(request: Request, store: Store) -> None:
    """A vote comes from a page of the store: its Origin must be one of the store's (as the
    events endpoint checks, except that a vote without one is refused too: browsers always
    send it, and "Most helpful" must not be moved by a script posting from anywhere)."""
    origin = request.headers.get("origin")
    if not store.allows_origin(origin):
        raise Forbidden(
            "Send votes from one of the store's own pages.",
            code="origin_not_allowed",
            field="origin",
        )


def _hashes(request: Request, store: Store, address: str) -> tuple[str, ...]:
    """The client's voting address (``voting_address``) or network (``voting_network``)
    hashed with the store under each of the app's keys, the newest first: one vote per review
    per address, without the address ever being stored or logged. Under every key rather
    than one that never rotates: such a key would have to be kept beside the hashes (the
    database) or be a second secret to manage, and with the database alone anyone could hash
    all 2³² IPv4 addresses."""
    return services(request).signer.keyed_hashes(Purpose.HELPFUL_VOTER, f"{store.id} {address}")


def voting_address(host: str) -> str:
    """Who votes, as far as an address tells: an IPv4 address whole (a /24 would lump a
    shared network's shoppers into one), an IPv6 one as its /64 (one host takes any address
    of its /64 it likes, privacy extensions rotate them, so a whole address would let it
    vote again and again), an IPv4-mapped or 6to4 (2002::/16) IPv6 address as the IPv4 one
    it carries (each IPv4 address has 2⁸⁰ 6to4 addresses); anything else (a Unix socket's
    name) as it is."""
    ip = _ip(host)
    if ip is None:
        return host
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.ip_network((ip, 64), strict=False))
    return str(ip)


def voting_network(host: str) -> str | None:
    """An IPv6 client's /48, for the network's daily cap; None for an IPv4 client (or one
    whose IPv6 address carries an IPv4 one)."""
    ip = _ip(host)
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.ip_network((ip, 48), strict=False))
    return None


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The client's address, an IPv6 address that carries an IPv4 one as that; None when
    ``host`` is no address."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        return ip.ipv4_mapped or ip.sixtofour or ip
    return ip


async def _store(request: Request) -> Store:
    store = await services(request).stores.by_key(request.path_params["key"])
    if store is None:
        raise NotFound("No store has that public key.", code="unknown_store")
    return store


async def _group(request: Request, store: Store, sku: str | None) -> queries.ProductGroup:
    if not sku or len(sku) > MAX_SKU:
        raise ValidationFailed(f"Send the product's SKU (1 to {MAX_SKU} characters).", field="sku")
    group = await queries.product_group(services(request).db, store.id, sku)
    if group is None:
        raise NotFound("This store has no product with that SKU.", code="unknown_product")
    return group


def _cacheable(request: Request, store: Store, body: bytes, media_type: str) -> Response:
    etag = etag_for(body)
    headers = store_cors(request, store) | {
        "ETag": etag,
        "Cache-Control": f"public, max-age={MAX_AGE}, must-revalidate",
    }
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, headers=headers, media_type=media_type)


routes = [
    Route("/v1/stores/{key}/reviews", product_reviews, methods=["GET", "HEAD"]),
    Route("/v1/stores/{key}/ratings", star_ratings, methods=["GET", "HEAD"]),
    Route(
        "/v1/stores/{key}/products/{sku}/reviews.jsonld",
        product_json_ld,
        methods=["GET", "HEAD"],
    ),
    Route("/v1/reviews/{review}/helpful", helpful, methods=["POST"]),
]
