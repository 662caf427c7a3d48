"""Abandoned-checkout recovery in the API tier: a store's recovery settings, a shopper's
contact given in checkout, the clock moved to a reminder's moment, the links in an email."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any
from urllib.parse import urlsplit

import httpx

from server.recovery import queries
from server.recovery.model import HOUR_MS, RecoverySettings, holdout_key, is_held_out
from server.services import services
from tests.api.mailing import T0
from tests.api.shopping import HEADERS

TEXT_PLAIN = HEADERS | {"Content-Type": "text/plain"}
SHOPPER = "aoife@example.com"


async def set_recovery(app, store, **changes: Any) -> RecoverySettings:
    """The store's recovery settings: the defaults, no holdout, and ``changes``."""
    settings = dataclasses.replace(RecoverySettings(holdout_percent=0), **changes)
    await services(app).db.write(lambda conn: queries.save_settings(conn, store.id, settings, 0))
    return settings


async def wording(client: httpx.AsyncClient, store) -> dict[str, str] | None:
    """The checkout's ``recovery`` block, as the widget reads it."""
    response = await client.get(f"/v1/stores/{store.public_key}/checkout", headers=HEADERS)
    assert response.status_code == 200, response.text
    return response.json()["recovery"]


async def give_contact(
    client: httpx.AsyncClient, token: str, email: str = SHOPPER, *, consent: bool = True,
    shown: str | None = None, store=None, phone: str | None = None,
) -> httpx.Response:  # fmt: skip
    """PUT the contact as the widget does (text/plain JSON); ``shown`` defaults to the words
    the checkout says now (``store`` needed then). With ``phone``, the "text me a reminder"
    box is ticked too, with the words the checkout says for it (``store`` needed)."""
    if shown is None:
        block = await wording(client, store)
        shown = block["text"] if block else ""
    body: dict[str, Any] = {"email": email, "consent": consent, "shown": shown}
    if phone is not None:
        block = await wording(client, store)
        assert block is not None and "sms" in block, "the checkout offers no SMS box"
        body |= {"phone": phone, "sms_consent": True, "sms_shown": block["sms"]}
    return await client.put(
        f"/v1/carts/{token}/contact", content=json.dumps(body), headers=TEXT_PLAIN
    )


def held_out_email(store, percent: int) -> str:
    """An address the holdout's hash keeps from reminders at ``percent`` in ``store``."""
    candidates = (f"held.{n}@example.com" for n in range(200))
    return next(e for e in candidates if is_held_out(holdout_key(store.id, e), percent))


def at_hours(app, hours: float) -> None:
    services(app).clock.set(T0 + int(hours * HOUR_MS))


async def contacts(app) -> list[dict[str, Any]]:
    rows = await services(app).db.fetch_all("SELECT * FROM checkout_contacts ORDER BY id")
    return [dict(row) for row in rows]


def recovery_link(text: str) -> str:
    match = re.search(r"https?://\S+/r/[\w.-]+", text)
    assert match, text
    return urlsplit(match.group(0)).path


async def exchange(
    client: httpx.AsyncClient, claim: str, store, cart: str | None = None
) -> httpx.Response:
    """POST the fragment's claim as the widget on the shop's page does (text/plain JSON)."""
    body = {"store": store.public_key, "claim": claim, "cart": cart}
    return await client.post("/v1/recovery/claims", content=json.dumps(body), headers=TEXT_PLAIN)


async def open_link(client: httpx.AsyncClient, link: str, store) -> str:
    """Follow a recovery link to the shop's page and exchange its claim: the new cart's
    token."""
    opened = await client.get(link)
    assert opened.status_code == 303, opened.text
    name, claim = urlsplit(opened.headers["location"]).fragment.split("=", 1)
    assert name == "keepcart-cart"
    answer = await exchange(client, claim, store)
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def unsubscribe_link(text: str) -> str:
    match = re.search(r"https?://\S+/u/[\w.-]+", text)
    assert match, text
    return urlsplit(match.group(0)).path
