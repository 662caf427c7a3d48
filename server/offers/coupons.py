"""SQL for claimed coupons (rows of ``discounts`` bound to a campaign, arm, visitor and cart),
email-my-cart consents, and the visitor's exposures that claims depend on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.carts.queries import insert_cart, load_cart, set_discount_code, set_line
from server.carts.service import Cart, check_stock
from server.catalog.queries import find_by_sku
from server.catalog.service import Product
from server.db import Reader, read_one
from server.errors import Conflict, NotFound
from server.offers.model import Campaign, Offer
from server.offers.service import (
    ClaimRequest,
    check_claimable,
    coupon_expiry,
    new_coupon_code,
    variant_of,
)

_CODE_ATTEMPTS = 8


@dataclass(frozen=True)
class Coupon:
    id: int
    code: str
    kind: str
    value: int
    min_subtotal: int
    expires_at: int
    visitor_id: str
    cart_id: int | None


_COLUMNS = "d.id, d.code, d.kind, d.value, d.min_subtotal, d.expires_at, d.visitor_id, d.cart_id"


async def find_live_coupon(
    conn: Reader, campaign_id: int, visitor_id: str, now_ms: int
) -> tuple[Coupon, str] | None:
    """The visitor's unexpired, unused coupon from this campaign, with its cart's public id,
    while that cart is still open."""
    row = await read_one(
        conn,
        f"SELECT {_COLUMNS}, c.public_id AS cart_public_id FROM discounts d"
        " JOIN carts c ON c.id = d.cart_id"
        " WHERE d.campaign_id = ? AND d.visitor_id = ? AND d.active = 1 AND d.expires_at > ?"
        " AND d.times_used < d.usage_limit AND c.status = 'open' ORDER BY d.id DESC LIMIT 1",
        (campaign_id, visitor_id, now_ms),
    )
    return (_coupon(row), row["cart_public_id"]) if row else None


async def find_coupon(conn: Reader, store_id: int, coupon_id: int) -> Coupon | None:
    row = await read_one(
        conn,
        f"SELECT {_COLUMNS} FROM discounts d WHERE d.store_id = ? AND d.id = ?"
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


async def has_exposure(conn: Reader, campaign_id: int, visitor_id: str) -> bool:
    row = await read_one(
        conn,
        "SELECT 1 FROM exposures WHERE campaign_id = ? AND visitor_id = ?",
        (campaign_id, visitor_id),
    )
    return row is not None


def _coupon(row: Any) -> Coupon:
    return Coupon(
        row["id"], row["code"], row["kind"], row["value"], row["min_subtotal"],
        row["expires_at"], row["visitor_id"], row["cart_id"],
    )  # fmt: skip


async def store_of_campaign(conn: Reader, public_id: str) -> int | None:
    row = await read_one(conn, "SELECT store_id FROM campaigns WHERE public_id = ?", (public_id,))
    return None if row is None else int(row["store_id"])


@dataclass(frozen=True)
class Claimed:
    coupon: Coupon | None
    cart_public_id: str
    email_saved: bool


async def claim_offer(
    conn: aiosqlite.Connection, *, store_id: int, campaign: Campaign, arm: str,
    claim: ClaimRequest, cart_public_id: str | None, now_ms: int,
) -> Claimed:  # fmt: skip
    """The whole claim, inside one write: the coupon row, the cart (created when none was
    given), its discount code and free gift, or the email consent. Claiming again while the
    visitor's coupon is live returns that coupon, re-applied to its cart."""
    assert campaign.id is not None
    exposed = await has_exposure(conn, campaign.id, claim.visitor)
    variant = check_claimable(arm, variant_of(campaign, arm), exposed)
    offer = variant.offer
    if offer.has_coupon:
        live = await find_live_coupon(conn, campaign.id, claim.visitor, now_ms)
        if live is not None:
            coupon, cart_public_id = live
            cart = await _open_cart(conn, store_id, cart_public_id, now_ms)
        else:
            cart = await _open_cart(conn, store_id, cart_public_id, now_ms)
            gift = await _gift_product(conn, store_id, offer)
            coupon = await insert_coupon(
                conn, store_id=store_id, campaign_id=campaign.id, arm=arm,
                visitor_id=claim.visitor, cart_id=cart.id, offer=offer,
                gift_product_id=gift and gift.id, expires_at=coupon_expiry(offer, now_ms),
                now_ms=now_ms,
            )  # fmt: skip
        await _apply_coupon(conn, store_id, cart, coupon, offer, now_ms)
        return Claimed(coupon, cart.public_id, False)
    cart = await _open_cart(conn, store_id, cart_public_id, now_ms)
    if claim.email is not None:
        await save_email_consent(
            conn, store_id=store_id, campaign_id=campaign.id, cart_id=cart.id,
            email=claim.email, wording=offer.consent_text, now_ms=now_ms,
        )  # fmt: skip
    return Claimed(None, cart.public_id, claim.email is not None)


async def _open_cart(
    conn: aiosqlite.Connection, store_id: int, public_id: str | None, now_ms: int
) -> Cart:
    if public_id is None:
        public_id = await insert_cart(conn, store_id, now_ms)
    cart = await load_cart(conn, public_id)
    if cart is None or cart.store_id != store_id:
        raise NotFound("That cart no longer exists.", field="cart", code="cart_not_found")
    if cart.status != "open":
        raise Conflict("That cart has already been ordered.", field="cart", code="cart_closed")
    return cart


async def _gift_product(conn: aiosqlite.Connection, store_id: int, offer: Offer) -> Product | None:
    if offer.kind != "free_gift":
        return None
    product = await find_by_sku(conn, store_id, offer.gift_sku)
    if product is None or not product.active:
        raise Conflict("Sorry, the free gift is no longer available.", code="gift_unavailable")
    return product


async def _apply_coupon(
    conn: aiosqlite.Connection, store_id: int, cart: Cart, coupon: Coupon, offer: Offer,
    now_ms: int,
) -> None:  # fmt: skip
    """Put the coupon on its cart, with its free gift (one unit) if the cart lacks it."""
    await set_discount_code(conn, cart.id, coupon.code, now_ms)
    gift = await _gift_product(conn, store_id, offer)
    if gift is not None and not any(line.product.id == gift.id for line in cart.lines):
        check_stock(gift, 1)
        await set_line(conn, cart.id, gift.id, 1, now_ms)
