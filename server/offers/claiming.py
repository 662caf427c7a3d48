"""Claiming an offer (``claim_offer``): the visitor's arm, the claim checked, then in one
write the coupon, the cart it goes on, its code and free gift, or the email consent and the
email it asks for.
The SQL is in ``queries``; the rules, pure, in ``service``."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.carts.queries import (
    add_gift_line,
    insert_cart,
    load_cart,
    remove_gifts,
    set_discount_code,
)
from server.carts.service import Cart, check_stock
from server.catalog.queries import find_by_sku
from server.catalog.service import Product
from server.checkout.queries import find_discount, load_settings
from server.checkout.quoting import load_discount, quote_cart
from server.db import Database, Reader, read_one
from server.errors import BadRequest, Conflict, NotFound, Unprocessable
from server.events.visitors import parse_visitor
from server.messages.outbox import enqueue
from server.messages.queries import kind_enabled
from server.messages.suppression import is_suppressed
from server.money import format_amount
from server.offers.model import Campaign, Offer
from server.offers.queries import (
    Coupon,
    exposed_arm,
    find_live_coupon,
    insert_coupon,
    move_coupon,
    remedy_given,
    save_email_consent,
)
from server.offers.service import (
    ClaimRequest,
    arm_for,
    check_claimable,
    check_remedy_earned,
    coupon_expiry,
    parse_claim,
    variant_of,
)
from server.pricing.discounts import savings
from server.pricing.rules import Discount
from server.security import InvalidToken, Purpose, Signer
from server.stores.service import Store

Money = Callable[[int], str]
_DAY_MS = 24 * 3_600_000
# One address gets at most this many "email me my cart" emails from a store in 24 hours,
# whatever number of carts it asks for (the reminders' cap, server.recovery.model.DAILY_CAP).
CART_EMAILS_A_DAY = 3


@dataclass(frozen=True)
class Claimed:
    coupon: Coupon | None
    cart_public_id: str
    # "email me my cart": the store sends cart emails (the same for every address, whether
    # or not this one was emailed: the answer must not tell who unsubscribed or was capped).
    email_saved: bool


@dataclass(frozen=True)
class ClaimAnswer:
    """A claim as the shopper is answered: what was claimed, by which visitor, and the token
    of the cart it went on (the one the request proved, or a new cart's)."""

    claimed: Claimed
    visitor: str
    cart_token: str


async def claim_offer(
    db: Database, signer: Signer, *, store: Store, campaign: Campaign, body: dict[str, Any],
    now_ms: int,
) -> ClaimAnswer:  # fmt: skip
    """Claim the running ``campaign``'s offer for the visitor in ``body``."""
    visitor = parse_visitor(body.get("visitor"))
    arm = await visitor_arm(db, campaign, visitor)
    variant = variant_of(campaign, arm)
    offer = variant.offer if variant else Offer(kind="none")
    claim_request = parse_claim(body, offer)
    cart_public_id = _cart_id(signer, claim_request.cart_token)
    claimed = await db.write(
        lambda conn: write_claim(
            conn, store=store, campaign=campaign, arm=arm, claim=claim_request,
            cart_public_id=cart_public_id, now_ms=now_ms,
            money=functools.partial(format_amount, currency=store.currency), signer=signer,
        )
    )  # fmt: skip
    # The cart the request proved keeps the token it came with; a new cart gets its own.
    if claimed.cart_public_id == cart_public_id:
        assert claim_request.cart_token is not None
        cart_token = claim_request.cart_token
    else:
        cart_token = signer.sign(Purpose.CART, claimed.cart_public_id)
    return ClaimAnswer(claimed, visitor, cart_token)


async def visitor_arm(db: Reader, campaign: Campaign, visitor: str) -> str:
    """The arm of the visitor's first exposure (sticky across edits to holdout and weights),
    else the one the campaign's settings give now."""
    assert campaign.id is not None
    exposed = await exposed_arm(db, campaign.id, visitor)
    return exposed or arm_for(campaign, visitor)


def _cart_id(signer: Signer, token: str | None) -> str | None:
    if token is None:
        return None
    try:
        return str(signer.unsign(Purpose.CART, token))
    except InvalidToken:
        raise BadRequest(
            "That cart token isn't valid.", field="cart", code="invalid_cart"
        ) from None


async def write_claim(
    conn: aiosqlite.Connection, *, store: Store, campaign: Campaign, arm: str,
    claim: ClaimRequest, cart_public_id: str | None, now_ms: int, money: Money,
    signer: Signer | None = None,
) -> Claimed:  # fmt: skip
    """The whole claim, inside one write: the coupon row, the cart (created when none was
    given), its discount code and free gift, or the email consent.

    The answer only ever names the cart the request proved (its cart token) or a new one.
    Claiming again while the visitor's coupon is live returns that coupon: re-applied to its
    cart when that is the request's cart, else moved to the request's cart (a new one when
    none was sent) — the old cart loses the code, so knowing a visitor id opens no one's cart.
    The visitor's arm is their first exposure's, whatever the campaign's weights are now; on
    a remedy-only campaign, that exposure must be the one a survey answer's remedy wrote.
    """
    assert campaign.id is not None
    exposure = await exposed_arm(conn, campaign.id, claim.visitor)
    arm = exposure or arm
    offer = check_claimable(arm, variant_of(campaign, arm), exposure is not None).offer
    if campaign.remedy_only:
        check_remedy_earned(await remedy_given(
            conn, store_id=store.id, campaign_id=campaign.id, visitor_id=claim.visitor, arm=arm,
        ))  # fmt: skip
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
        await _email_cart(conn, store.id, cart.id, claim.email, now_ms, signer)
        return Claimed(None, cart.public_id, await kind_enabled(conn, store.id, "cart_email"))
    return Claimed(None, cart.public_id, False)


async def _email_cart(
    conn: aiosqlite.Connection, store_id: int, cart_id: int, email: str, now_ms: int,
    signer: Signer | None,
) -> None:  # fmt: skip
    """Queue the email the shopper asked for, with a link that opens this cart again on any
    device (server.recovery.emails renders it when it is sent). Not to an address that
    unsubscribed from the store (as an address, or the keyed hash an erasure left:
    ``signer``); once a day a cart and address, and CART_EMAILS_A_DAY times a day an
    address, however often it is asked for: anyone can type any address here. The claim
    is answered the same whether it is queued or not."""
    if await is_suppressed(conn, store_id, email, signer):
        return
    day = now_ms - _DAY_MS
    asked = await read_one(
        conn,
        "SELECT 1 FROM messages WHERE cart_id = ? AND kind = 'cart_email' AND recipient = ?"
        " AND created_at > ? LIMIT 1",
        (cart_id, email, day),
    )  # messages_by_cart
    if (
        asked is not None
        or await _cart_emails_since(conn, store_id, email, day) >= CART_EMAILS_A_DAY
    ):
        return
    await enqueue(conn, store_id, "cart_email", email, now_ms, cart_id=cart_id)


async def _cart_emails_since(conn: Reader, store_id: int, email: str, since: int) -> int:
    """The cart emails written to ``email`` in the store since ``since``, for any cart (the
    unary ``+``: by the address's messages, not the store's whole day of them)."""
    row = await read_one(
        conn,
        "SELECT count(*) AS n FROM messages WHERE store_id = ? AND recipient = ?"
        " AND kind = 'cart_email' AND +created_at > ?",
        (store_id, email, since),
    )  # messages_by_recipient
    assert row is not None
    return int(row["n"])


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
