"""A store's checkout settings, as its merchant chose them in the admin and as the cart and
checkout rules need them (``server.settings`` is the server process's own configuration)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PhonePolicy = Literal["hidden", "optional", "required"]
PHONE_POLICIES: tuple[PhonePolicy, ...] = ("hidden", "optional", "required")


@dataclass(frozen=True)
class CheckoutSettings:
    store_id: int
    country: str
    prices_include_tax: bool
    phone: PhonePolicy
    payment_methods: tuple[str, ...]
    bank_instructions: str
    cod_instructions: str
    floating_cart_button: bool

    def instructions_for(self, method: str) -> str:
        return {
            "bank_transfer": self.bank_instructions,
            "cash_on_delivery": self.cod_instructions,
        }.get(method, "")
