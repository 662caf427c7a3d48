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

import aiosqlite

from server.carts.queries import insert_cart, load_cart, set_discount_code, set_line
from server.carts.service import Cart
from server.catalog.queries import products_by_skus
from server.checkout.queries import find_discount
from server.db import Reader
from server.recovery import queries
from server.recovery.links import Claim, LinkTarget
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


async def rebuild_cart(
    conn: aiosqlite.Connection, claim: Claim, now: int, money: Callable[[int], str]
) -> str | None:  # fmt: skip
    """The new cart's public id; None when the claim was used, what it names is gone, or
    that cart was ordered."""
    target, store_id = claim.target, claim.target.store_id
    source = await link_source(conn, target)
    if source is None or await queries.claim_used(conn, claim.id):
        return None
    if await queries.ordered_from(conn, source.id):
        return None
    snapshot: list[OldLine] = []
    discount_id = None
    if target.contact_id is not None and target.step is not None:
        contact = await queries.find_contact(conn, target.contact_id)
        snapshot = contact.snapshot if contact else []
        await queries.record_click(conn, target.contact_id, target.step, now)
        discount_id = await queries.step_discount(conn, target.contact_id, target.step)
    new_public_id = await insert_cart(conn, store_id, now)
    new = await load_cart(conn, new_public_id)
    assert new is not None
    notices = await _copy_lines(conn, source, new, snapshot, now, money)
    await _carry_code(conn, source, new, discount_id, now)
    await queries.insert_recovered_cart(
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
    if discount_id is not None:
        code = await queries.move_incentive(conn, discount_id, new.id)
        if code is not None:
            await set_discount_code(conn, new.id, code, now)
            return
    if source.discount_code:
        found = await find_discount(conn, source.store_id, source.discount_code)
        if found is not None and found.cart_id is None and found.campaign_id is None:
            await set_discount_code(conn, new.id, found.code, now)
