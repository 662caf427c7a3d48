"""SQL for campaigns and their variants (loaded as `model.Campaign`, saved whole), and for
what claims write and depend on: claimed coupons (rows of ``discounts`` bound to a campaign,
arm, visitor and cart), email-my-cart consents and the visitor's exposures."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.carts.queries import remove_gift_of
from server.db import Reader, read_all, read_one
from server.offers.model import (
    Campaign,
    Frequency,
    Offer,
    OfferKind,
    Status,
    Targeting,
    Trigger,
    Variant,
    from_json,
    to_json,
)
from server.offers.service import SURVEY_SIGNAL, new_coupon_code
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


# ---- claims: coupons, consents, exposures ------------------------------------------------

_CODE_ATTEMPTS = 8


@dataclass(frozen=True)
class Coupon:
    id: int
    code: str
    kind: OfferKind  # a claimed offer's kind: never "none", which issues no coupon
    value: int
    min_subtotal: int
    expires_at: int
    visitor_id: str
    cart_id: int | None


_COUPON_COLUMNS = (
    "d.id, d.code, d.kind, d.value, d.min_subtotal, d.expires_at, d.visitor_id, d.cart_id"
)


async def find_live_coupon(
    conn: Reader, campaign_id: int, visitor_id: str, now_ms: int
) -> tuple[Coupon, str] | None:
    """The visitor's unexpired, unused coupon from this campaign, with its cart's public id,
    while that cart is still open."""
    row = await read_one(
        conn,
        f"SELECT {_COUPON_COLUMNS}, c.public_id AS cart_public_id FROM discounts d"
        " JOIN carts c ON c.id = d.cart_id"
        " WHERE d.campaign_id = ? AND d.visitor_id = ? AND d.active = 1 AND d.expires_at > ?"
        " AND d.times_used < d.usage_limit AND c.status = 'open' ORDER BY d.id DESC LIMIT 1",
        (campaign_id, visitor_id, now_ms),
    )
    return (_coupon(row), row["cart_public_id"]) if row else None


async def find_coupon(conn: Reader, store_id: int, coupon_id: int) -> Coupon | None:
    row = await read_one(
        conn,
        f"SELECT {_COUPON_COLUMNS} FROM discounts d WHERE d.store_id = ? AND d.id = ?"
        " AND d.campaign_id IS NOT NULL",
        (store_id, coupon_id),
    )
    return _coupon(row) if row else None


async def insert_coupon(
    conn: aiosqlite.Connection, *, store_id: int, campaign_id: int, arm: str, visitor_id: str,
    cart_id: int, offer: Offer, gift_product_id: int | None, expires_at: int, now_ms: int,
) -> Coupon:  # fmt: skip
    """A single-use coupon with a fresh random code; inside the claim's write."""
    for _ in range(_CODE_ATTEMPTS):
        code = new_coupon_code()
        cursor = await conn.execute(
            "INSERT INTO discounts (store_id, code, kind, value, min_subtotal, expires_at,"
            " usage_limit, created_at, campaign_id, arm, visitor_id, cart_id, gift_product_id)"
            " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (store_id, code) DO NOTHING",
            (store_id, code, offer.kind, offer.value, offer.min_subtotal, expires_at, now_ms,
             campaign_id, arm, visitor_id, cart_id, gift_product_id),
        )  # fmt: skip
        if cursor.rowcount == 1:
            assert cursor.lastrowid is not None
            return Coupon(cursor.lastrowid, code, offer.kind, offer.value, offer.min_subtotal,
                          expires_at, visitor_id, cart_id)  # fmt: skip
    raise RuntimeError("could not find an unused coupon code")  # 31^8 codes: a bug if reached


async def save_email_consent(
    conn: aiosqlite.Connection, *, store_id: int, campaign_id: int, cart_id: int, email: str,
    wording: str, now_ms: int,
) -> None:  # fmt: skip
    await conn.execute(
        "INSERT INTO email_consents (store_id, campaign_id, cart_id, email, wording, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (store_id, campaign_id, cart_id, email, wording, now_ms),
    )


async def record_exposure(
    conn: aiosqlite.Connection, *, campaign_id: int, visitor_id: str, arm: str, signal: str,
    session_id: str, now_ms: int,
) -> str:  # fmt: skip
    """Keep the visitor's first exposure only; return the arm it recorded."""
    await conn.execute(
        "INSERT INTO exposures (campaign_id, visitor_id, arm, signal, session_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, visitor_id) DO NOTHING",
        (campaign_id, visitor_id, arm, signal, session_id, now_ms),
    )
    row = await read_one(
        conn,
        "SELECT arm FROM exposures WHERE campaign_id = ? AND visitor_id = ?",
        (campaign_id, visitor_id),
    )
    assert row is not None
    return str(row["arm"])


async def exposed_arm(conn: Reader, campaign_id: int, visitor_id: str) -> str | None:
    """The arm the visitor was first shown, which stays theirs whatever the campaign's
    holdout or weights later become; None before any exposure."""
    row = await read_one(
        conn,
        "SELECT arm FROM exposures WHERE campaign_id = ? AND visitor_id = ?",
        (campaign_id, visitor_id),
    )
    return None if row is None else str(row["arm"])


async def remedy_given(
    conn: Reader, *, store_id: int, campaign_id: int, visitor_id: str, arm: str
) -> bool:
    """Whether a survey answer's remedy gave the visitor this arm of the campaign: their
    exposure to it has the survey's signal, and one of their responses names the campaign
    and the arm (server/surveys/remedies.py writes both in the answer's write)."""
    params = (store_id, campaign_id, visitor_id, arm, SURVEY_SIGNAL)
    return await read_one(conn, REMEDY_GIVEN, params) is not None


REMEDY_GIVEN = (
    "SELECT 1 FROM exposures x JOIN survey_responses r ON r.store_id = ?"
    " AND r.visitor_id = x.visitor_id AND r.remedy_campaign_id = x.campaign_id"
    " AND r.remedy_arm = x.arm"
    " WHERE x.campaign_id = ? AND x.visitor_id = ? AND x.arm = ? AND x.signal = ? LIMIT 1"
)


async def move_coupon(
    conn: aiosqlite.Connection, coupon: Coupon, cart_id: int, now_ms: int
) -> Coupon:
    """Bind the coupon to another of its visitor's carts; the old cart loses its code and gift."""
    old = coupon.cart_id
    await conn.execute("UPDATE discounts SET cart_id = ? WHERE id = ?", (cart_id, coupon.id))
    if old is not None:
        await conn.execute(
            "UPDATE carts SET discount_code = NULL WHERE id = ? AND discount_code = ?",
            (old, coupon.code),
        )
        await remove_gift_of(conn, old, coupon.id, now_ms)
    return dataclasses.replace(coupon, cart_id=cart_id)


def _coupon(row: Any) -> Coupon:
    return Coupon(
        row["id"], row["code"], row["kind"], row["value"], row["min_subtotal"],
        row["expires_at"], row["visitor_id"], row["cart_id"],
    )  # fmt: skip


async def store_of_campaign(conn: Reader, public_id: str) -> int | None:
    row = await read_one(conn, "SELECT store_id FROM campaigns WHERE public_id = ?", (public_id,))
    return None if row is None else int(row["store_id"])


# ---- "email me my cart" requests, as the merchant follows them up -----------------------


@dataclass(frozen=True)
class CartLine:
    name: str
    quantity: int
    price: int  # one unit, in minor units, at today's price


@dataclass(frozen=True)
class CartEmailRequest:
    id: int
    created_at: int
    email: str
    wording: str
    campaign: str  # the campaign's name, or "" if it was deleted
    cart_status: str  # "open", "ordered", or "" if the cart is gone
    lines: tuple[CartLine, ...]

    @property
    def subtotal(self) -> int:
        return sum(line.price * line.quantity for line in self.lines)


async def delete_request(conn: aiosqlite.Connection, store_id: int, request_id: int) -> bool:
    cursor = await conn.execute(
        "DELETE FROM email_consents WHERE store_id = ? AND id = ?", (store_id, request_id)
    )
    return cursor.rowcount == 1
