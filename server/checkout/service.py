"""Rules for placing an order: the checkout request, checked field by field."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from server.checkout.addresses import Address, validate_address
from server.checkout.merchant_settings import CheckoutSettings
from server.emails import normalize_email
from server.errors import BadRequest, ValidationFailed
from server.events.visitors import parse_visitor
from server.payments import PaymentProvider
from server.payments.registry import PROVIDERS
from server.phones import validate_phone

_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,100}$")


@dataclass(frozen=True)
class CheckoutRequest:
    cart_token: str
    email: str
    phone: str
    address: Address
    shipping_method: int
    provider: PaymentProvider
    payment_details: Any
    fingerprint: str  # what makes two requests "the same payload" for idempotency
    visitor: str | None = None  # the widget's visitor id, for attributing the order to offers


def parse_idempotency_key(raw: str | None) -> str:
    if raw is None or not _IDEMPOTENCY_KEY.match(raw):
        raise BadRequest(
            "Send an Idempotency-Key header of 8 to 100 letters, digits, '-' or '_'.",
            field="Idempotency-Key",
            code="idempotency_key_required",
        )
    return raw


def parse_checkout(body: Any, settings: CheckoutSettings, now_ms: int) -> CheckoutRequest:
    """Validate a checkout body. Prices, totals or discounts in it are ignored, by design."""
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.")
    token = body.get("cart")
    if not isinstance(token, str) or not token:
        raise ValidationFailed("Say which cart to check out.", field="cart")
    email = normalize_email(body.get("email"))
    phone = validate_phone(body.get("phone", ""), settings.phone == "required")
    if settings.phone == "hidden":
        phone = ""
    address = validate_address(body.get("address"))
    method_id = body.get("shipping_method")
    if type(method_id) is not int:
        raise ValidationFailed("Choose a shipping method.", field="shipping_method")
    provider, details = _payment(body.get("payment"), settings, now_ms)
    visitor = body.get("visitor")
    if visitor is not None:
        visitor = parse_visitor(visitor)
    # The visitor id stays out of the fingerprint: it changes when a shopper consents between
    # a request and its retry, and it changes nothing about the order.
    fingerprint = _fingerprint(token, email, phone, address, method_id, provider, details)
    return CheckoutRequest(
        token, email, phone, address, method_id, provider, details, fingerprint, visitor
    )


def _payment(raw: Any, settings: CheckoutSettings, now_ms: int) -> tuple[PaymentProvider, Any]:
    method = raw.get("method") if isinstance(raw, dict) else None
    if method not in settings.payment_methods or method not in PROVIDERS:
        raise ValidationFailed("Choose one of the payment methods shown.", field="payment.method")
    provider = PROVIDERS[method]
    return provider, provider.parse(raw, now_ms)


def _fingerprint(
    token: str, email: str, phone: str, address: Address, method_id: int,
    provider: PaymentProvider, details: Any,
) -> str:  # fmt: skip
    # Never the card number itself: the brand, last four and expiry tell payloads apart.
    canonical = json.dumps(
        [token, email, phone, address.as_json(), method_id, provider.id, provider.summary(details)],
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
