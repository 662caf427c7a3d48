"""Saving products the merchant edits: one product, or a product group's variants together.

The checks that need the database (is this SKU another product's?) run inside the caller's
write transaction, and raise ``FormInvalid`` naming the field, so the form shows them beside
its other errors.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import aiosqlite

from server.catalog import queries
from server.catalog.service import ProductInput
from server.errors import NotFound
from server.forms import FormInvalid

SKU_TAKEN = "Another product already has this SKU."


@dataclass(frozen=True)
class VariantChange:
    """What one row of the variants form saves: ``product_id`` None adds a SKU to the group."""

    index: int
    product_id: int | None
    product: ProductInput
    # The stock the form showed stored: unchanged in the form, the stored stock stands (a
    # sale made meanwhile is kept); changed, it is written only if nothing sold meanwhile.
    stock_was: int | None = None


async def insert_new_product(
    conn: aiosqlite.Connection, store_id: int, product: ProductInput, now: int
) -> int:
    if await queries.sku_owner(conn, store_id, product.sku) is not None:
        raise FormInvalid({"sku": SKU_TAKEN})
    return await queries.upsert_product(conn, store_id, product, now)


async def overwrite_product(
    conn: aiosqlite.Connection, store_id: int, product_id: int, product: ProductInput, now: int,
    stock_was: int | None = None,
) -> None:  # fmt: skip
    if await queries.sku_owner(conn, store_id, product.sku) not in (None, product_id):
        raise FormInvalid({"sku": SKU_TAKEN})
    stock = await stock_to_write(conn, store_id, product_id, product.stock, stock_was)
    product = replace(product, stock=stock)
    if not await queries.update_product(conn, store_id, product_id, product, now):
        raise NotFound("There is no such product.")


async def save_variants(
    conn: aiosqlite.Connection, store_id: int, changes: list[VariantChange], now: int
) -> None:
    """Every row in one transaction: SKUs may swap between rows of the form, but none may
    take a SKU of a product outside it (errors keyed ``row-{n}-sku``)."""
    editing = {change.product_id for change in changes if change.product_id is not None}
    errors = {}
    for change in changes:
        owner = await queries.sku_owner(conn, store_id, change.product.sku)
        if owner is not None and owner != change.product_id and owner not in editing:
            errors[f"row-{change.index}-sku"] = SKU_TAKEN
    changes = [await _with_stock_now(conn, store_id, change, errors) for change in changes]
    if errors:
        raise FormInvalid(errors)
    # SKUs are unique: park every edited row's SKU first, so two rows may swap theirs.
    for product_id in editing:
        await queries.park_sku(conn, store_id, product_id)
    for change in changes:
        if change.product_id is None:
            await queries.upsert_product(conn, store_id, change.product, now)
        elif not await queries.update_product(
            conn, store_id, change.product_id, change.product, now
        ):
            raise NotFound("There is no such product.")


async def _with_stock_now(
    conn: aiosqlite.Connection, store_id: int, change: VariantChange, errors: dict[str, str]
) -> VariantChange:
    if change.product_id is None:
        return change
    try:
        stock = await stock_to_write(
            conn, store_id, change.product_id, change.product.stock, change.stock_was
        )
    except FormInvalid as exc:
        errors[f"row-{change.index}-stock"] = exc.errors["stock"]
        return change
    return replace(change, product=replace(change.product, stock=stock))


async def stock_to_write(
    conn: aiosqlite.Connection, store_id: int, product_id: int, typed: int, was: int | None
) -> int:
    """The stock a form saves, given the stock it showed stored (``was``; None when the form
    did not say): the stored stock while the form left it as shown, so a sale made while the
    page was open is kept; the typed stock when nothing sold meanwhile; else FormInvalid with
    the count now, for the merchant to check."""
    now = await queries.stock_of(conn, store_id, product_id)
    if was is None or now is None:
        return typed  # an old form, or a product gone (the write says so)
    if typed == was:
        return now
    if now != was:
        raise FormInvalid(
            {"stock": f"Stock changed since you opened this page: it is now {now}."
                      " Check it and save again."}
        )  # fmt: skip
    return typed
