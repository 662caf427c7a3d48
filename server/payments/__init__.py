"""Payments behind one interface, so checkout never knows which provider runs.

A provider authorizes an amount before the order is written and voids the authorization if
the order cannot be placed after all (stock ran out in the meantime, say). Card numbers are
never stored: only the brand and last four digits leave this package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from server.errors import PaymentFailed


@dataclass(frozen=True)
class Authorization:
    method: str
    status: str  # "paid" (captured) or "awaiting_payment" (offline methods)
    reference: str
    card_brand: str | None = None
    card_last4: str | None = None


class Declined(PaymentFailed):
    def __init__(self, message: str, code: str = "card_declined"):
        super().__init__(message, field="payment.card.number", code=code)


class PaymentProvider(Protocol):
    # Read-only: the providers are frozen dataclasses, and checkout never sets these.
    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def test_mode(self) -> bool: ...

    def parse(self, payment: dict[str, Any], now_ms: int) -> Any:
        """Validate what the shopper entered; raise ValidationFailed naming the field."""

    # `details` is whatever parse returned: positional, as each provider names it its own way.
    def summary(self, details: Any, /) -> dict[str, Any]:
        """What may be stored or hashed about the details (never a full card number)."""
        ...

    async def authorize(self, details: Any, /, amount: int, currency: str) -> Authorization: ...

    async def void(self, authorization: Authorization) -> None: ...
