"""SQL for campaigns and their variants: load them as `model.Campaign`, save them whole."""

from __future__ import annotations

from typing import Any

import aiosqlite

from server.db import Reader, read_all, read_one
from server.offers.model import (
    Campaign,
    Frequency,
    Offer,
    Status,
    Targeting,
    Trigger,
    Variant,
    from_json,
    to_json,
)
from server.security import new_public_id

_COLUMNS = (
    "id, public_id, store_id, name, status, starts_at, ends_at, trigger, targeting, frequency,"
    " holdout_percent"
)
_VARIANT_COLUMNS = (
    "id, campaign_id, key, weight, headline, body, button_text, image_url, brand_colour, offer"
)


async def load_campaign(conn: Reader, store_id: int, public_id: str) -> Campaign | None:
    row = await read_one(
        conn,
        f"SELECT {_COLUMNS} FROM campaigns WHERE store_id = ? AND public_id = ?",
        (store_id, public_id),
    )
    if row is None:
        return None
    return (await _with_variants(conn, [row]))[0]


async def list_campaigns(conn: Reader, store_id: int) -> list[Campaign]:
    """Every campaign of the store, newest first."""
    rows = await read_all(
        conn,
        f"SELECT {_COLUMNS} FROM campaigns WHERE store_id = ? ORDER BY id DESC",
        (store_id,),
    )
    return await _with_variants(conn, rows)


async def running_campaigns(conn: Reader, store_id: int, now_ms: int) -> list[Campaign]:
    """Live campaigns inside their schedule, oldest first (the order they take turns in)."""
    rows = await read_all(
        conn,
        f"SELECT {_COLUMNS} FROM campaigns WHERE store_id = ? AND status = 'live'"
        " AND (starts_at IS NULL OR starts_at <= ?) AND (ends_at IS NULL OR ? < ends_at)"
        " ORDER BY id",
        (store_id, now_ms, now_ms),
    )
    return await _with_variants(conn, rows)


async def save_campaign(conn: aiosqlite.Connection, campaign: Campaign, now_ms: int) -> Campaign:
    """Insert (no id) or update the campaign and replace its variants; inside a write.

    Variants keep their rows when their key stays, so nothing that refers to an arm by key
    (exposures, coupons) loses its meaning; variants no longer listed are deleted.
    """
    values = (
        campaign.name, campaign.status, campaign.starts_at, campaign.ends_at,
        to_json(campaign.trigger), to_json(campaign.targeting), to_json(campaign.frequency),
        campaign.holdout_percent,
    )  # fmt: skip
    if campaign.id is None:
        assert campaign.store_id is not None
        public_id = new_public_id("cmp")
        cursor = await conn.execute(
            "INSERT INTO campaigns (public_id, store_id, name, status, starts_at, ends_at,"
            " trigger, targeting, frequency, holdout_percent, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (public_id, campaign.store_id, *values, now_ms, now_ms),
        )
        campaign_id = cursor.lastrowid
    else:
        campaign_id = campaign.id
        await conn.execute(
            "UPDATE campaigns SET name = ?, status = ?, starts_at = ?, ends_at = ?, trigger = ?,"
            " targeting = ?, frequency = ?, holdout_percent = ?, updated_at = ? WHERE id = ?",
            (*values, now_ms, campaign_id),
        )
    keys = [v.key for v in campaign.variants]
    marks = ",".join("?" * len(keys))
    await conn.execute(
        f"DELETE FROM campaign_variants WHERE campaign_id = ? AND key NOT IN ({marks})",
        (campaign_id, *keys),
    )
    for v in campaign.variants:
        await conn.execute(
            "INSERT INTO campaign_variants (campaign_id, key, weight, headline, body,"
            " button_text, image_url, brand_colour, offer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (campaign_id, key) DO UPDATE SET weight = excluded.weight,"
            " headline = excluded.headline, body = excluded.body,"
            " button_text = excluded.button_text, image_url = excluded.image_url,"
            " brand_colour = excluded.brand_colour, offer = excluded.offer",
            (campaign_id, v.key, v.weight, v.headline, v.body, v.button_text, v.image_url,
             v.brand_colour, to_json(v.offer)),
        )  # fmt: skip
    row = await read_one(conn, f"SELECT {_COLUMNS} FROM campaigns WHERE id = ?", (campaign_id,))
    return (await _with_variants(conn, [row]))[0]


async def set_status(
    conn: aiosqlite.Connection, campaign_id: int, status: Status, now: int
) -> None:
    await conn.execute(
        "UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ?", (status, now, campaign_id)
    )


async def _with_variants(conn: Reader, rows: list[Any]) -> list[Campaign]:
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    marks = ",".join("?" * len(ids))
    variant_rows = await read_all(
        conn,
        f"SELECT {_VARIANT_COLUMNS} FROM campaign_variants WHERE campaign_id IN ({marks})"
        " ORDER BY key",
        ids,
    )
    variants: dict[int, list[Variant]] = {i: [] for i in ids}
    for v in variant_rows:
        variants[v["campaign_id"]].append(_variant(v))
    return [_campaign(row, tuple(variants[row["id"]])) for row in rows]


def _variant(row: Any) -> Variant:
    return Variant(
        id=row["id"],
        key=row["key"],
        weight=row["weight"],
        headline=row["headline"],
        body=row["body"],
        button_text=row["button_text"],
        image_url=row["image_url"],
        brand_colour=row["brand_colour"],
        offer=from_json(Offer, row["offer"]),
    )


def _campaign(row: Any, variants: tuple[Variant, ...]) -> Campaign:
    return Campaign(
        id=row["id"],
        public_id=row["public_id"],
        store_id=row["store_id"],
        name=row["name"],
        status=row["status"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        trigger=from_json(Trigger, row["trigger"]),
        targeting=from_json(Targeting, row["targeting"]),
        frequency=from_json(Frequency, row["frequency"]),
        holdout_percent=row["holdout_percent"],
        variants=variants,
    )
