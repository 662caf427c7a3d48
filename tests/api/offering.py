"""Campaigns and a visitor's offer calls, shared by the offers and coupons API tests."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import httpx
from starlette.applications import Starlette

from server.clock import now_ms
from server.offers.model import Campaign, Frequency, Offer, Targeting, Trigger, Variant
from server.offers.queries import save_campaign
from server.offers.service import arm_for
from server.services import services
from tests.api.shopping import HEADERS

_visitors = itertools.count(1)


async def live_campaign(
    app: Starlette, store_id: int, *offers: Offer, holdout_percent: int = 0, **changes: Any
) -> Campaign:
    """A running campaign (saved through the real queries) with one variant per offer."""
    variants = tuple(
        Variant(key, 1, f"Wait {key}!", "Before you go", "Claim", offer)
        for key, offer in zip("ABCD", offers or (Offer("percent", 10),), strict=False)
    )
    campaign = Campaign(
        store_id=store_id,
        name="Leaving already?",
        trigger=Trigger(),
        targeting=Targeting(),
        frequency=Frequency(),
        variants=variants,
        holdout_percent=holdout_percent,
        status="live",
    )
    campaign = dataclasses.replace(campaign, **changes)
    return await services(app).db.write(lambda conn: save_campaign(conn, campaign, now_ms()))


def visitor_in(campaign: Campaign, arm: str) -> str:
    """A fresh visitor id that the campaign buckets into ``arm``."""
    for n in _visitors:
        visitor = f"v-{n}"
        if arm_for(campaign, visitor) == arm:
            return visitor
    raise AssertionError("unreachable")


async def expose(
    client: httpx.AsyncClient, campaign: Campaign, visitor: str, signal: str = "exit_top"
) -> httpx.Response:
    return await client.post(
        f"/v1/offers/{campaign.public_id}/exposures",
        content=f'{{"visitor": "{visitor}", "session": "s1", "signal": "{signal}"}}',
        headers=HEADERS | {"Content-Type": "text/plain"},
    )


async def claim(
    client: httpx.AsyncClient, campaign: Campaign, visitor: str, **body: Any
) -> httpx.Response:
    return await client.post(
        f"/v1/offers/{campaign.public_id}/claim",
        json={"visitor": visitor, "session": "s1", "cart": None} | body,
        headers=HEADERS,
    )


async def exposed_claim(
    client: httpx.AsyncClient, campaign: Campaign, arm: str = "A", **body: Any
) -> tuple[str, httpx.Response]:
    """A new visitor in ``arm`` sees the offer and claims it."""
    visitor = visitor_in(campaign, arm)
    assert (await expose(client, campaign, visitor)).status_code == 200
    return visitor, await claim(client, campaign, visitor, **body)
