"""The links a reminder carries, each signed under its own salt: the recovery link
(``/r/{token}``, ``Purpose.RECOVERY``, expiring after ``LINK_DAYS``) that rebuilds the cart on
the shop's page, and the unsubscribe link (``/u/{token}``, ``Purpose.UNSUBSCRIBE``, never
expiring: an old email must still unsubscribe). Neither logs anyone in: the recovery link
builds a new cart, and the unsubscribe link can only take an address off the store's list.

The recovery link itself builds nothing (a mail scanner's visit changes nothing): it lands
on the shop's page with a *claim* in the fragment (``Purpose.RECOVERY_CLAIM``, valid for
``CLAIM_MAX_AGE_S``, its own random id), which the widget exchanges once, from a page of the
store, for the rebuilt cart's token. No one else ever holds that token: a claim passed on
(a crafted link) gives its taker a copy of a cart, never a cart someone else uses.

A token names a contact and a step (a reminder), or a source cart (the offers' "email me my
cart"); never an email address, which would show in the URL."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from server.recovery.model import LINK_MAX_AGE_S
from server.security import InvalidToken, Purpose, Signer
from server.stores.service import Store
from server.urls import normalize_origin

TOKEN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
MAX_TOKEN_LENGTH = 300
# Where the widget on the shop's page finds the claim: in the fragment, which the browser
# never sends to the shop's server (or its logs).
CART_FRAGMENT = "keepcart-cart"
CLAIM_MAX_AGE_S = 15 * 60  # from the link's click to the shop's page loading the widget


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


@dataclass(frozen=True)
class Claim:
    target: LinkTarget
    id: str  # random: what makes it single-use (recovered_carts.claim)


def claim_token(signer: Signer, target: LinkTarget, now: int) -> str:
    payload = _payload(target) | {"k": secrets.token_urlsafe(12)}
    return signer.sign(Purpose.RECOVERY_CLAIM, payload, now_ms=now)


def read_claim(signer: Signer, token: object, now: int) -> Claim | None:
    if not isinstance(token, str):
        return None
    value = _unsign(signer, Purpose.RECOVERY_CLAIM, token, now, CLAIM_MAX_AGE_S)
    target = _target(value)
    claim_id = value.get("k") if isinstance(value, dict) else None
    if target is None or not isinstance(claim_id, str) or not claim_id:
        return None
    return Claim(target, claim_id)


def _payload(target: LinkTarget) -> dict[str, object]:
    if target.cart_public_id is not None:
        return {"s": target.store_id, "cart": target.cart_public_id}
    return {"s": target.store_id, "c": target.contact_id, "n": target.step}


def _read(
    signer: Signer, purpose: Purpose, token: str, now: int | None, max_age: int | None
) -> LinkTarget | None:
    return _target(_unsign(signer, purpose, token, now, max_age))


def _unsign(
    signer: Signer, purpose: Purpose, token: str, now: int | None, max_age: int | None
) -> object:
    if len(token) > MAX_TOKEN_LENGTH or not TOKEN.fullmatch(token):
        return None
    try:
        return signer.unsign(purpose, token, max_age=max_age, now_ms=now)
    except InvalidToken:
        return None


def _target(value: object) -> LinkTarget | None:
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


def landing_url(page: str, claim: str) -> str:
    return f"{page.split('#', 1)[0]}#{CART_FRAGMENT}={claim}"


def origin_of(url: str) -> str | None:
    """The origin of an absolute http(s) URL as browsers spell it; None when it has none."""
    try:
        parts = urlsplit(url)
        return normalize_origin(f"{parts.scheme}://{parts.netloc}")
    except ValueError:
        return None
