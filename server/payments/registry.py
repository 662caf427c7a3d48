"""The payment providers a store can enable, by id."""

from __future__ import annotations

from server.payments import PaymentProvider
from server.payments.offline import BANK_TRANSFER, CASH_ON_DELIVERY
from server.payments.test_card import TEST_CARD

PROVIDERS: dict[str, PaymentProvider] = {
    provider.id: provider for provider in (TEST_CARD, BANK_TRANSFER, CASH_ON_DELIVERY)
}


def is_test_mode(method: str) -> bool:
    """Was an order paid with ``method`` a rehearsal (a provider's test mode): no real sale,
    so no social proof and no "Verified buyer" review comes from it."""
    provider = PROVIDERS.get(method)
    return provider is not None and provider.test_mode
