"""Bank transfer and cash on delivery: the order is placed awaiting payment."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from server.payments import Authorization


@dataclass(frozen=True)
class OfflineProvider:
    id: str
    label: str
    test_mode: bool = False

    def parse(self, payment: dict[str, Any], now_ms: int) -> None:
        return None

    def summary(self, details: None) -> dict[str, Any]:
        return {}

    async def authorize(self, details: None, amount: int, currency: str) -> Authorization:
        return Authorization(self.id, "awaiting_payment", f"{self.id}_{secrets.token_hex(8)}")

    async def void(self, authorization: Authorization) -> None:
        return None


BANK_TRANSFER = OfflineProvider("bank_transfer", "Bank transfer")
CASH_ON_DELIVERY = OfflineProvider("cash_on_delivery", "Cash on delivery")
