"""Rules for stores (tenants): what a valid store looks like, and what the widget is told."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass

from server.checkout.settings import CheckoutSettings
from server.errors import ValidationFailed
from server.money import is_known_currency
from server.urls import BadAddress, normalize_origin

_LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2}|-[A-Z][a-z]{3})?$")


@dataclass(frozen=True)
class Store:
    id: int
    public_key: str
    name: str
    currency: str
    locale: str
    timezone: str
    origins: frozenset[str]

    def allows_origin(self, origin: str | None) -> bool:
        return origin is not None and origin in self.origins


@dataclass(frozen=True)
class NewStore:
    name: str
    origins: tuple[str, ...]
    currency: str
    locale: str
    timezone: str


def validate_new_store(
    name: str, origins: list[str], currency: str, locale: str = "en-US", timezone: str = "UTC"
) -> NewStore:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise ValidationFailed("Give the store a name of 1 to 100 characters.", field="name")
    currency = currency.strip().upper()
    if not is_known_currency(currency):
        raise ValidationFailed(
            "Use a three-letter ISO 4217 currency code such as EUR or USD.", field="currency"
        )
    if not _LOCALE.match(locale.strip()):
        raise ValidationFailed("Use a locale such as en-US or de-DE.", field="locale")
    if timezone.strip() not in zoneinfo.available_timezones():
        raise ValidationFailed("Use an IANA time zone such as Europe/Dublin.", field="timezone")
    cleaned = tuple(dict.fromkeys(_origin(o) for o in origins if o.strip()))
    if not cleaned:
        raise ValidationFailed("Add the origin your shop is served from.", field="origins")
    return NewStore(name, cleaned, currency, locale.strip(), timezone.strip())


def _origin(raw: str) -> str:
    try:
        return normalize_origin(raw)
    except BadAddress as exc:
        raise ValidationFailed(str(exc), field="origins") from None


def widget_config(
    store: Store,
    *,
    checkout: bool,
    settings: CheckoutSettings,
    offers: dict[str, object] | None = None,
) -> dict[str, object]:
    """What the loader needs to decide what is live on a page, and nothing more.

    ``offers`` is ``{"interruptions_per_week", "campaigns": [...]}`` for the running
    campaigns; the offers feature is on when there is at least one.
    """
    offers = offers or {"interruptions_per_week": 0, "campaigns": []}
    return {
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
            "badges": False,
            "surveys": False,
        },
        "checkout": {"floating_button": settings.floating_cart_button},
        "offers": offers,
        "events": {"max_batch": 50},
    }


def snippet(base_url: str, public_key: str) -> str:
    return f'<script async src="{base_url}/v1/keepcart.js" data-store="{public_key}"></script>'


QUEUE_STUB = (
    "<script>window.keepcart=window.keepcart||function(){"
    "(window.keepcart.q=window.keepcart.q||[]).push(arguments)};</script>"
)
