"""Product thumbnails in the admin: where an image URL points, and letting the admin page's
Content-Security-Policy load exactly those images.

A product's image URL is an http(s) URL or a path on the shop (``/images/mug.png``), as
``server.urls.normalize_image_url`` accepts it. A path means the shop's own origin, not the
admin's, so it is resolved against the store's origin. The admin's CSP allows images from
itself only; a page that shows thumbnails adds their origins, and nothing else, to
``img-src``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.responses import Response

from server.stores.service import Store
from server.urls import BadAddress, normalize_image_url

# An origin as it may appear in a CSP source list: nothing that could end the directive or
# add a keyword (no quotes, semicolons, commas or spaces), an IPv6 host in brackets.
_CSP_ORIGIN = re.compile(r"https?://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?")


def thumbnail_src(image_url: str, store: Store) -> str | None:
    """The URL an admin page may show ``image_url`` from, or None (no image, or one that is
    not an http(s) URL or shop path, however it was stored)."""
    try:
        url = normalize_image_url(image_url)
    except BadAddress:
        return None
    if url.startswith("/"):
        shop = shop_origin(store)
        url = shop + url if shop else ""
    return url if url and image_origin(url) else None


def shop_origin(store: Store) -> str | None:
    """The origin a shop path is resolved against: an https origin of the store first."""
    ranked = sorted(store.origins, key=lambda origin: (not origin.startswith("https:"), origin))
    return ranked[0] if ranked else None


def image_origin(url: str) -> str | None:
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin if _CSP_ORIGIN.fullmatch(origin) else None


# How much of the CSP header image origins may take: a reverse proxy's response-header
# buffer is 4 KB by default (nginx), and a page of 50 product groups from many hosts must
# stay well inside it. Thumbnails from origins beyond it are not shown.
ORIGINS_BUDGET = 1500


def within_budget(thumbnails: dict[int, str]) -> dict[int, str]:
    """The thumbnails (id → src, in page order) whose origins fit ``ORIGINS_BUDGET``."""
    allowed: set[str] = set()
    used = 0
    kept = {}
    for key, src in thumbnails.items():
        origin = image_origin(src)
        if origin is None:
            continue
        if origin not in allowed:
            if used + len(origin) + 1 > ORIGINS_BUDGET:
                continue
            allowed.add(origin)
            used += len(origin) + 1
        kept[key] = src
    return kept


def allow_images(response: Response, sources: Iterable[str]) -> Response:
    """Let ``response``'s page load images from the origins of ``sources`` (thumbnail URLs
    from ``thumbnail_src``), and from nowhere else beyond the admin's own policy."""
    origins = sorted({origin for src in sources if (origin := image_origin(src))})
    policy = response.headers.get("content-security-policy")
    if origins and policy:
        response.headers["content-security-policy"] = policy.replace(
            "img-src 'self' data:", "img-src 'self' data: " + " ".join(origins), 1
        )
    return response
