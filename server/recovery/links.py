"""The links a reminder carries, each signed under its own salt: the recovery link
(``/r/{token}``, ``Purpose.RECOVERY``, expiring after ``LINK_DAYS``) that rebuilds the cart on
the shop's page, and the unsubscribe link (``/u/{token}``, ``Purpose.UNSUBSCRIBE``, never
expiring: an old email must still unsubscribe). Neither logs anyone in: the recovery link
builds a new cart, and the unsubscribe link can only take an address off the store's list.

A token names a contact and a step (a reminder), or a source cart (the offers' "email me my
cart"); never an email address, which would show in the URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from server.recovery.model import LINK_MAX_AGE_S
from server.security import InvalidToken, Purpose, Signer
from server.stores.service import Store
from server.urls import normalize_origin

TOKEN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
MAX_TOKEN_LENGTH = 300
# Where the widget on the shop's page finds the rebuilt cart's token: in the fragment, which
# the browser never sends to the shop's server (or its logs).
CART_FRAGMENT = "keepcart-cart"


@dataclass(frozen=True)
class LinkTarget:
    store_id: int
    contact_id: int | None = None  # a reminder's
    step: int | None = None
    cart_public_id: str | None = None  # an "email me my cart" email's source cart


def recovery_url(signer: Signer, base_url: str, target: LinkTarget, now: int) -> str:
    return f"{base_url}/r/{signer.sign(Purpose.RECOVERY, _payload(target), now_ms=now)}"


def unsubscribe_url(signer: Signer, base_url: str, target: LinkTarget) -> str:
    return f"{base_url}/u/{signer.sign(Purpose.UNSUBSCRIBE, _payload(target))}"


def read_recovery(signer: Signer, token: str, now: int) -> LinkTarget | None:
    return _read(signer, Purpose.RECOVERY, token, now, LINK_MAX_AGE_S)


def read_unsubscribe(signer: Signer, token: str) -> LinkTarget | None:
    return _read(signer, Purpose.UNSUBSCRIBE, token, None, None)


def _payload(target: LinkTarget) -> dict[str, object]:
    if target.cart_public_id is not None:
        return {"s": target.store_id, "cart": target.cart_public_id}
    return {"s": target.store_id, "c": target.contact_id, "n": target.step}


def _read(
    signer: Signer, purpose: Purpose, token: str, now: int | None, max_age: int | None
) -> LinkTarget | None:
    if len(token) > MAX_TOKEN_LENGTH or not TOKEN.fullmatch(token):
        return None
    try:
        value = signer.unsign(purpose, token, max_age=max_age, now_ms=now)
    except InvalidToken:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("s"), int):
        return None
    if isinstance(value.get("cart"), str):
        return LinkTarget(value["s"], cart_public_id=value["cart"])
    contact, step = value.get("c"), value.get("n")
    if isinstance(contact, int) and isinstance(step, int):
        return LinkTarget(value["s"], contact, step)
    return None


def shop_page(store: Store, shop_url: str) -> str:
    """Where a recovery link lands: the page the merchant set (on one of the store's
    origins), else the home page of its first origin."""
    if shop_url and origin_of(shop_url) in store.origins:
        return shop_url
    return f"{sorted(store.origins)[0]}/" if store.origins else ""


def landing_url(page: str, cart_token: str) -> str:
    return f"{page.split('#', 1)[0]}#{CART_FRAGMENT}={cart_token}"


def origin_of(url: str) -> str | None:
    """The origin of an absolute http(s) URL as browsers spell it; None when it has none."""
    try:
        parts = urlsplit(url)
        return normalize_origin(f"{parts.scheme}://{parts.netloc}")
    except ValueError:
        return None
