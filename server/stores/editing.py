"""Changing an existing store's settings: one transaction for the store and its origins,
shared by the admin's store settings page and ``keepcart stores update``.

The currency may change only while the store has no orders: an order's amounts are integer
minor units of the currency it was placed in, and every report adds them up as one currency.
"""

from __future__ import annotations

import aiosqlite

from server.db import Database
from server.errors import NotFound
from server.stores import queries
from server.stores.service import StoreSettings, StoreSettingsInvalid


def currency_locked_message(currency: str) -> str:
    return (
        f"The currency stays {currency}: the store has orders, and their amounts are in"
        f" {currency}. It can change only while a store has no orders."
    )


async def change_store(db: Database, store_id: int, new: StoreSettings) -> None:
    """Save ``new`` (already validated) as the store's settings, origins included.

    Raises StoreSettingsInvalid (field ``currency``) for a new currency on a store with
    orders, checked inside the write so an order placed meanwhile is counted.
    """
    await db.write(lambda conn: write_store_settings(conn, store_id, new))


async def write_store_settings(
    conn: aiosqlite.Connection, store_id: int, new: StoreSettings
) -> None:
    """``change_store`` inside the caller's write transaction."""
    current = await queries.currency_of(conn, store_id)
    if current is None:
        raise NotFound("There is no such store.")
    if new.currency != current and await queries.has_orders(conn, store_id):
        raise StoreSettingsInvalid({"currency": currency_locked_message(current)})
    await queries.update_store(conn, store_id, new)
