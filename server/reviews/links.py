"""A review link: the order line it is for, signed under its own salt (``Purpose.REVIEW``)
and stamped with the app's Clock, so it expires ``REVIEW_LINK_MAX_AGE_DAYS`` after it was
made (itsdangerous's ``max_age``). The line is (store id, order public id, product id): the
order's public id rather than its row id, so a link says nothing about how many orders the
server holds. ``server.routes.review_page`` serves it.

The receipt page and the admin's order page make a fresh link each time they are shown, so
the buyer of a line always finds one that works there; a link is still good for one review
only (the line's), and only while the order stands fulfilled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.reviews.service import REVIEW_LINK_MAX_AGE_DAYS
from server.security import InvalidToken, Purpose, Signer

MAX_AGE_S = REVIEW_LINK_MAX_AGE_DAYS * 86_400
# URL-safe base64 in three parts; anything else is refused before it is checked (itsdangerous
# skips characters outside ASCII when it decodes).
TOKEN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
MAX_TOKEN_LENGTH = 300


@dataclass(frozen=True)
class LineKey:
    store_id: int
    order_public_id: str
    product_id: int


def review_path(signer: Signer, line: LineKey, now_ms: int) -> str:
    """``/reviews/{token}``: on Keepcart's own origin, beside the receipt page."""
    value = [line.store_id, line.order_public_id, line.product_id]
    return f"/reviews/{signer.sign(Purpose.REVIEW, value, now_ms=now_ms)}"


def review_url(signer: Signer, base_url: str, line: LineKey, now_ms: int) -> str:
    """The absolute address (``base_url`` is KEEPCART_PUBLIC_URL)."""
    return base_url + review_path(signer, line, now_ms)


def line_from(signer: Signer, token: str, now_ms: int) -> LineKey | None:
    """The line a token was signed for, if it is this server's review link and still in
    date at ``now_ms``; None for anything else (forged, altered, another purpose's, expired)."""
    if len(token) > MAX_TOKEN_LENGTH or not TOKEN.fullmatch(token):
        return None
    try:
        value = signer.unsign(Purpose.REVIEW, token, max_age=MAX_AGE_S, now_ms=now_ms)
    except InvalidToken:
        return None
    match value:
        case [int() as store_id, str() as order_public_id, int() as product_id]:
            return LineKey(store_id, order_public_id, product_id)
    return None
