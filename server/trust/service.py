"""Gathering what the badges are derived from, and the answers social proof gives."""

from __future__ import annotations

from dataclasses import dataclass

from server.checkout.delivery import load_delivery_rules
from server.checkout.merchant_settings import CheckoutSettings
from server.checkout.queries import load_settings
from server.db import Reader
from server.payments.registry import PROVIDERS, is_test_mode
from server.stores.service import Store
from server.trust import queries
from server.trust.facts import TrustInputs
from server.trust.model import TrustSettings

HOUR_MS = 3_600_000


async def trust_inputs(
    conn: Reader,
    store: Store,
    *,
    api_https: bool,
    settings: TrustSettings | None = None,
    checkout: CheckoutSettings | None = None,
) -> TrustInputs:
    """Everything ``facts`` derives the badges from, as stored now (``settings``: the trust
    settings to use instead of the saved ones, for a preview of unsaved changes; ``checkout``:
    the store's checkout settings when the caller has read them already)."""
    checkout = checkout or await load_settings(conn, store.id)
    methods = [
        (method, payment_label(method)) for method in checkout.payment_methods
        if method in PROVIDERS
    ]  # fmt: skip
    return TrustInputs(
        settings=settings or await queries.load_trust_settings(conn, store.id),
        payment_methods=methods,
        zones=await queries.shipping_zones(conn, store.id),
        home_country=checkout.country,
        rules=await load_delivery_rules(conn, store.id, store.timezone),
        contact_email=store.contact_email,
        contact_phone=store.contact_phone,
        api_https=api_https,
        currency=store.currency,
        locale=store.locale,
    )


def payment_label(method: str) -> str:
    """The method's name, saying so when it is a provider's test mode (no real payment)."""
    provider = PROVIDERS[method]
    return f"{provider.label} (test mode)" if provider.test_mode else provider.label


# Orders paid through these are rehearsals, never sales social proof may count.
TEST_METHODS = tuple(sorted(name for name in PROVIDERS if is_test_mode(name)))


@dataclass(frozen=True)
class Proof:
    """What social proof may say about a product; None where it must stay silent."""

    bought: int | None  # people who bought it (any variant) in the window, at or over the threshold
    hours: int
    left: int | None  # real stock of the SKU asked about, when tracked and at or under the line

    def said(self) -> list[dict[str, str]]:
        """The badges' words for what holds, in the order a strip shows them:
        ``[{"kind": "bought" | "left", "words"}]``."""
        said = []
        if self.bought:
            window = f"{self.hours} hours" if self.hours > 1 else "hour"
            words = f"{self.bought} people bought this in the last {window}"
            said.append({"kind": "bought", "words": words})
        if self.left:
            said.append({"kind": "left", "words": f"Only {self.left} left"})
        return said


async def product_proof(conn: Reader, store: Store, sku: str, now_ms: int) -> Proof | None:
    """None when the store has social proof off. Buyers are counted across the product's
    variants (the SKUs of its product group: the demo's product pages mount their default
    SKU, and "bought this" means the product); low stock is the SKU's own."""
    settings = await queries.load_trust_settings(conn, store.id)
    if not settings.social_proof:
        return None
    since = now_ms - settings.proof_hours * HOUR_MS
    bought = await queries.recent_buyers(conn, store.id, sku, since, TEST_METHODS)
    stock = await queries.tracked_stock(conn, store.id, sku)
    low = stock is not None and 0 < stock <= settings.proof_low_stock
    return Proof(
        bought=bought if bought >= settings.proof_min_buyers else None,
        hours=settings.proof_hours,
        left=stock if low else None,
    )
