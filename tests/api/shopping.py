"""A shopper's API calls, shared by the cart and checkout tests."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from server.payments import test_card
from server.payments.registry import PROVIDERS
from tests.conftest import SHOP_ORIGIN

HEADERS = {"Origin": SHOP_ORIGIN}
_keys = itertools.count(1)

ADDRESS = {
    "name": "Aoife Byrne",
    "line1": "12 Harbour Road",
    "city": "Dublin",
    "postal_code": "D02 X285",
    "country": "IE",
}


async def new_cart(client: httpx.AsyncClient, store_key: str, **items: int) -> str:
    response = await client.post("/v1/carts", json={"store": store_key}, headers=HEADERS)
    assert response.status_code == 201, response.text
    token = response.json()["token"]
    for sku, quantity in items.items():
        added = await client.post(
            f"/v1/carts/{token}/items",
            json={"sku": sku.replace("_", "-"), "quantity": quantity},
            headers=HEADERS,
        )
        assert added.status_code == 200, added.text
    return token


def order_body(token: str, card: str = "4242424242424242", **overrides: Any) -> dict[str, Any]:
    body = {
        "cart": token,
        "email": "aoife@example.com",
        "phone": "+353 1 234 5678",
        "address": ADDRESS,
        "shipping_method": 1,  # the demo's Ireland Standard
        "payment": {
            "method": "test_card",
            "card": {"number": card, "expiry": "12/34", "cvc": "123"},
        },
    }
    return body | overrides


async def place(
    client: httpx.AsyncClient, body: dict[str, Any], key: str | None = None
) -> httpx.Response:
    headers = HEADERS | {"Idempotency-Key": key or f"test-key-{next(_keys):06d}"}
    return await client.post("/v1/checkout", json=body, headers=headers)


# --- the test card gateway's ledger ---------------------------------------------------------

GATEWAY_LOG = "keepcart.payments.test_card"


def gateway_ledger(caplog) -> tuple[list[str], list[str]]:
    """(authorized, voided) payment references, as the card gateway logged them."""
    ledger: dict[str, list[str]] = {"authorized": [], "voided": []}
    for record in caplog.records:
        if record.name == GATEWAY_LOG:
            what, reference = record.getMessage().split()[:2]
            ledger[what].append(reference)
    return ledger["authorized"], ledger["voided"]


def while_authorizing(monkeypatch, action):
    """Run ``action()`` once, while the next card payment is being authorized: what the
    merchant, another shopper or another server process does in that moment."""
    pending = [action]

    class Gateway(test_card.TestCardProvider):
        async def authorize(self, card, amount, currency):
            if pending:
                await pending.pop()()
            return await super().authorize(card, amount, currency)

    monkeypatch.setitem(PROVIDERS, "test_card", Gateway())
