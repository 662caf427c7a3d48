"""A recovery link's claim exchanged by the widget on the shop's page (``POST
/v1/recovery/claims``): a NEW open cart built from the abandoned one at today's prices and
stock, in one write with the click counted and the reminder's code moved to it. An item no
longer sold or out of stock is left out, a quantity above the stock left is cut to it, and
each such change and each price changed since the reminder is kept as a sentence the cart
shows its shopper once. The old cart is left as it was; nobody is logged in: whoever holds
the claim gets a copy of the cart, once, nothing else. Nothing is built once the cart (or a
cart rebuilt from it) was ordered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import aiosqlite

from server.carts.queries import insert_cart, load_cart, set_discount_code, set_line
from server.carts.service import Cart
from server.catalog.queries import products_by_skus
from server.checkout.queries import find_discount
from server.db import Reader
from server.recovery import claim_queries, queries, step_queries, stop_queries
from server.recovery.links import CLAIM_MAX_AGE_S, Claim, LinkTarget
from server.recovery.model import OldLine, notices_for


async def link_source(conn: Reader, target: LinkTarget) -> Cart | None:
    """The abandoned cart a link names; None when it is gone (or another store's)."""
    public_id = target.cart_public_id
    if target.contact_id is not None:
        contact = await queries.find_contact(conn, target.contact_id)
        if contact is None or contact.store_id != target.store_id:
            return None
        public_id = contact.cart_public_id
    source = public_id and await load_cart(conn, public_id)
    return source if source and source.store_id == target.store_id else None


@dataclass(frozen=True)
class Exchanged:
    """What the page is to show: a cart's public id, or None to keep its own (``kept``)."""

    cart_public_id: str | None
    kept: bool = False


async def exchange(
    conn: aiosqlite.Connection, claim: Claim, page_cart_id: str | None, now: int,
    money: Callable[[int], str],
) -> Exchanged | None:  # fmt: skip
    """Inside one write, the claim used once, its click counted, and: the page's own cart
    given the reminder's code when it is the abandoned cart or one rebuilt from it (the
    shopper came back on the same device); kept as it is when it is another cart with items;
    else a new cart built. None when the claim was used, what it names is gone, or that cart
    was ordered."""
    source = await link_source(conn, claim.target)
    if source is None or await stop_queries.ordered_from(conn, source.id):
        return None
    if not await claim_queries.use_claim(conn, claim.id, now, CLAIM_MAX_AGE_S * 1000):
        return None
    page = page_cart_id and await load_cart(conn, page_cart_id)
    if page and (page.store_id != source.store_id or page.status != "open"):
        page = None
    if page and source.id in (page.id, await claim_queries.rebuilt_from(conn, page.id)):
        discount_id = await _count_click(conn, claim.target, now)
        if discount_id is not None:
            await _give_code(conn, page, discount_id, now)
        return Exchanged(page.public_id)
    if page and page.lines:
        await _count_click(conn, claim.target, now)
        return Exchanged(None, kept=True)
    return Exchanged(await _rebuild(conn, claim, source, now, money))


async def _count_click(conn: aiosqlite.Connection, target: LinkTarget, now: int) -> int | None:
    """A reminder's click counted; its code's id, if it has one."""
    if target.contact_id is None or target.step is None:
        return None  # an "email me my cart" link: no reminder to count
    await step_queries.record_click(conn, target.contact_id, target.step, now)
    return await step_queries.step_discount(conn, target.contact_id, target.step)


async def _rebuild(
    conn: aiosqlite.Connection, claim: Claim, source: Cart, now: int,
    money: Callable[[int], str],
) -> str:  # fmt: skip
    """The new cart's public id."""
    target, store_id = claim.target, claim.target.store_id
    snapshot: list[OldLine] = []
    if target.contact_id is not None:
        contact = await queries.find_contact(conn, target.contact_id)
        snapshot = contact.snapshot if contact else []
    discount_id = await _count_click(conn, target, now)
    new_public_id = await insert_cart(conn, store_id, now)
    new = await load_cart(conn, new_public_id)
    assert new is not None
    notices = await _copy_lines(conn, source, new, snapshot, now, money)
    await _carry_code(conn, source, new, discount_id, now)
    await claim_queries.insert_recovered_cart(
        conn, cart_id=new.id, store_id=store_id, source_cart_id=source.id,
        contact_id=target.contact_id, step=target.step, notices=notices, claim=claim.id,
        now=now,
    )  # fmt: skip
    return new_public_id


async def _copy_lines(
    conn: aiosqlite.Connection, source: Cart, new: Cart, snapshot: list[OldLine], now: int,
    money: Callable[[int], str],
) -> list[str]:  # fmt: skip
    """Copy what can still be sold; the notices that say what changed."""
    lines = [line for line in source.lines if line.gift_of is None]  # gifts go with codes
    current = await products_by_skus(conn, source.store_id, (ln.product.sku for ln in lines))
    was = {line.sku: line.unit_price for line in snapshot}
    old, prices, kept = [], {}, {}
    for line in lines:
        sku = line.product.sku
        old.append(OldLine(sku, line.product.name, line.quantity, was.get(sku, line.product.price)))
        product = current.get(sku)
        if product is None or not product.active:
            prices[sku] = None
            continue
        available = product.available()
        quantity = line.quantity if available is None else min(line.quantity, available)
        prices[sku], kept[sku] = product.price, quantity
        if quantity:
            await set_line(conn, new.id, product.id, quantity, now)
    return notices_for(old, prices, kept, money)


async def _carry_code(
    conn: aiosqlite.Connection, source: Cart, new: Cart, discount_id: int | None, now: int
) -> None:
    """The reminder's own code, moved to the new cart; else a code the shopper had typed
    (one bound to the old cart, like an offer's coupon, stays with it)."""
    if discount_id is not None and await _give_code(conn, new, discount_id, now):
        return
    if source.discount_code:
        found = await find_discount(conn, source.store_id, source.discount_code)
        if found is not None and found.cart_id is None and found.campaign_id is None:
            await set_discount_code(conn, new.id, found.code, now)


async def _give_code(conn: aiosqlite.Connection, cart: Cart, discount_id: int, now: int) -> bool:
    """The reminder's code bound to the cart and entered in it; False when it is used up."""
    code = await step_queries.move_incentive(conn, discount_id, cart.id)
    if code is not None:
        await set_discount_code(conn, cart.id, code, now)
    return code is not None
