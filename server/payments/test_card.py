"""``test_card``: a simulated card gateway for demos and tests (shown as TEST MODE).

It follows the well-known test numbers: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002
is declined, 4000 0000 0000 9995 is declined for insufficient funds. 4000 0000 0000 3063
succeeds after a second, like a card whose bank asks the shopper to approve the payment
(3-D Secure): real authorizations take that long, and retries and concurrent requests
overlap them. Any other number that passes the Luhn check succeeds, like a sandbox would.

Like a sandbox's dashboard, it logs each authorization and void with its reference and
amount (never card data): a real gateway keeps that ledger on its side, outside Keepcart's
transactions, and this log is how an operator, or a test running several server
processes, sees what was charged and what was released.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from server.errors import ValidationFailed
from server.payments import Authorization, Declined

log = logging.getLogger("keepcart.payments.test_card")

DECLINED = "4000000000000002"
INSUFFICIENT_FUNDS = "4000000000009995"
SLOW = "4000000000003063"
SLOW_SECONDS = 1.0

_BRANDS = (
    ("Visa", re.compile(r"^4")),
    ("Mastercard", re.compile(r"^(5[1-5]|2[2-7])")),
    ("American Express", re.compile(r"^3[47]")),
    ("Discover", re.compile(r"^6(011|5)")),
)


@dataclass(frozen=True)
class Card:
    number: str
    exp_month: int
    exp_year: int
    cvc: str

    @property
    def brand(self) -> str:
        return next((name for name, pattern in _BRANDS if pattern.match(self.number)), "Card")

    @property
    def last4(self) -> str:
        return self.number[-4:]


def luhn_valid(number: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def parse_card(raw: object, now_ms: int) -> Card:
    if not isinstance(raw, dict):
        raise ValidationFailed("Enter your card details.", field="payment.card.number")
    number = re.sub(r"[\s-]", "", str(raw.get("number", "")))
    if not re.fullmatch(r"[0-9]{12,19}", number) or not luhn_valid(number):
        raise ValidationFailed(
            "That card number isn't valid. Check the digits.", field="payment.card.number"
        )
    month, year = _parse_expiry(str(raw.get("expiry", "")))
    now = datetime.fromtimestamp(now_ms / 1000, UTC)
    if (year, month) < (now.year, now.month):
        raise ValidationFailed("That card has expired.", field="payment.card.expiry")
    cvc = str(raw.get("cvc", "")).strip()
    if not re.fullmatch(r"[0-9]{3,4}", cvc):
        raise ValidationFailed("Enter the 3 or 4 digit security code.", field="payment.card.cvc")
    return Card(number, month, year, cvc)


def _parse_expiry(raw: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*([0-9]{1,2})\s*/\s*([0-9]{2}|[0-9]{4})\s*", raw)
    if not match or not 1 <= int(match.group(1)) <= 12:
        raise ValidationFailed("Enter the expiry date as MM/YY.", field="payment.card.expiry")
    year = int(match.group(2))
    return int(match.group(1)), year + 2000 if year < 100 else year


@dataclass(frozen=True)
class TestCardProvider:
    id: str = "test_card"
    label: str = "Card"
    test_mode: bool = True

    def parse(self, payment: dict[str, Any], now_ms: int) -> Card:
        return parse_card(payment.get("card"), now_ms)

    def summary(self, card: Card) -> dict[str, Any]:
        return {"brand": card.brand, "last4": card.last4, "expiry": [card.exp_month, card.exp_year]}

    async def authorize(self, card: Card, amount: int, currency: str) -> Authorization:
        if card.number == DECLINED:
            raise Declined("Your card was declined. Try another card or payment method.")
        if card.number == INSUFFICIENT_FUNDS:
            raise Declined(
                "Your card has insufficient funds. Try another card or payment method.",
                code="insufficient_funds",
            )
        if card.number == SLOW:
            await asyncio.sleep(SLOW_SECONDS)
        reference = f"test_{secrets.token_hex(8)}"
        log.info("authorized %s for %d %s", reference, amount, currency)
        return Authorization(self.id, "paid", reference, card.brand, card.last4)

    async def void(self, authorization: Authorization) -> None:
        log.info("voided %s", authorization.reference)


TEST_CARD = TestCardProvider()
