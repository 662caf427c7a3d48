"""SQL for claimed coupons (rows of ``discounts`` bound to a campaign, arm, visitor and cart),
email-my-cart consents, and the visitor's exposures that claims depend on."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.carts.queries import (
    add_gift_line,
    insert_cart,
    load_cart,
    remove_gift_of,
    remove_gifts,
    set_discount_code,
)
from server.carts.service import Cart, check_stock
from server.catalog.queries import find_by_sku
from server.catalog.service import Product
from server.checkout.queries import find_discount, load_settings
from server.checkout.quoting import load_discount, quote_cart
from server.db import Reader, read_one
from server.errors import Conflict, NotFound, Unprocessable
from server.offers.model import Campaign, Offer
from server.offers.service import (
    ClaimRequest,
    check_claimable,
    coupon_expiry,
    new_coupon_code,
    variant_of,
)
from server.pricing.discounts import savings
from server.pricing.rules import Discount
from server.stores.service import Store

Money = Callable[[int], str]

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


async def exposed_arm(conn: Reader, campaign_id: int, visitor_id: str) -> str | None:
    """The arm the visitor was first shown, which stays theirs whatever the campaign's
    holdout or weights later become; None before any exposure."""
    row = await read_one(
        conn,
        "SELECT arm FROM exposures WHERE campaign_id = ? AND visitor_id = ?",
        (campaign_id, visitor_id),
    )
    return None if row is None else str(row["arm"])


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


@dataclass(frozen=True)
class Claimed:
    coupon: Coupon | None
    cart_public_id: str
    email_saved: bool


async def claim_offer(
    conn: aiosqlite.Connection, *, store: Store, campaign: Campaign, arm: str,
    claim: ClaimRequest, cart_public_id: str | None, now_ms: int, money: Money,
) -> Claimed:  # fmt: skip
    """The whole claim, inside one write: the coupon row, the cart (created when none was
    given), its discount code and free gift, or the email consent.

    The answer only ever names the cart the request proved (its cart token) or a new one.
    Claiming again while the visitor's coupon is live returns that coupon: re-applied to its
    cart when that is the request's cart, else moved to the request's cart (a new one when
    none was sent) — the old cart loses the code, so knowing a visitor id opens no one's cart.
    The visitor's arm is their first exposure's, whatever the campaign's weights are now.
    """
    assert campaign.id is not None
    exposure = await exposed_arm(conn, campaign.id, claim.visitor)
    arm = exposure or arm
    offer = check_claimable(arm, variant_of(campaign, arm), exposure is not None).offer
    cart = await _open_cart(conn, store.id, cart_public_id, now_ms)
    if offer.has_coupon:
        live = await find_live_coupon(conn, campaign.id, claim.visitor, now_ms)
        if live is None:
            gift = await _gift_product(conn, store.id, offer)
            coupon = await insert_coupon(
                conn, store_id=store.id, campaign_id=campaign.id, arm=arm,
                visitor_id=claim.visitor, cart_id=cart.id, offer=offer,
                gift_product_id=gift and gift.id, expires_at=coupon_expiry(offer, now_ms),
                now_ms=now_ms,
            )  # fmt: skip
        elif live[0].cart_id != cart.id:
            coupon = await move_coupon(conn, live[0], cart.id, now_ms)
        else:
            coupon = live[0]
        await _apply_coupon(conn, store, cart, coupon, now_ms, money)
        return Claimed(coupon, cart.public_id, False)
    if claim.email is not None:
        await save_email_consent(
            conn, store_id=store.id, campaign_id=campaign.id, cart_id=cart.id,
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
    return await _active_gift(conn, store_id, offer.gift_sku)


async def _active_gift(conn: aiosqlite.Connection, store_id: int, sku: str) -> Product:
    product = await find_by_sku(conn, store_id, sku)
    if product is None or not product.active:
        raise Conflict("Sorry, the free gift is no longer available.", code="gift_unavailable")
    return product


async def _apply_coupon(
    conn: aiosqlite.Connection, store: Store, cart: Cart, coupon: Coupon, now_ms: int,
    money: Money,
) -> None:  # fmt: skip
    """Put the coupon on its cart, with its free gift (one unit, marked as the coupon's) if
    the cart lacks it. A gift's minimum subtotal is checked first, without the gift: a claim
    that can't be honoured is a 422 and writes nothing. A better code already on the cart
    stays (409)."""
    discount = await find_discount(conn, store.id, coupon.code)
    assert discount is not None
    gift = await _active_gift(conn, store.id, discount.gift_sku) if discount.gift_sku else None
    holds_gift = gift is not None and any(ln.product.id == gift.id for ln in cart.lines)
    if gift is not None and cart.subtotal - (gift.price if holds_gift else 0) < coupon.min_subtotal:
        raise Unprocessable(
            f"This free gift needs {money(coupon.min_subtotal)} in your cart before the gift."
            " Add a little more, then claim it again.",
            field="cart", code="discount_min_subtotal",
        )  # fmt: skip
    if cart.discount_code and cart.discount_code != coupon.code:
        await _keep_a_better_code(conn, store, cart, discount, gift, now_ms, money)
    await set_discount_code(conn, cart.id, coupon.code, now_ms)
    await remove_gifts(conn, cart.id, now_ms, keep_discount_id=coupon.id)
    if gift is not None and not holds_gift:
        check_stock(gift, 1)
        await add_gift_line(conn, cart.id, gift.id, coupon.id, now_ms)


async def _keep_a_better_code(
    conn: aiosqlite.Connection, store: Store, cart: Cart, coupon: Discount,
    gift: Product | None, now_ms: int, money: Money,
) -> None:  # fmt: skip
    """Refuse to replace a code on the cart that saves more than the coupon would, priced by
    the server on this cart (free shipping: the default method's price at home)."""
    current, refused = await load_discount(conn, store, cart, None, now_ms, money)
    if current is None or refused is not None:
        return  # a code that doesn't apply saves nothing
    shipping = 0
    if "free_shipping" in (current.kind, coupon.kind):
        settings = await load_settings(conn, store.id)
        bare = dataclasses.replace(cart, discount_code=None)
        priced = await quote_cart(conn, store, settings, bare, country=settings.country,
                                  now_ms=now_ms, strict_method=False)  # fmt: skip
        shipping = priced.quote.totals.shipping
    kept = savings(current, cart.subtotal, cart.gift_price(current), shipping)
    offered = savings(coupon, cart.subtotal, gift.price if gift else 0, shipping)
    if kept > offered:
        raise Conflict(
            f"Your cart already has the code {current.code}, which saves you {money(kept)}"
            f" — more than this offer's {money(offered)} — so we kept it.",
            field="cart", code="better_discount_applied",
        )  # fmt: skip
