"""Cart recovery's merchant webhooks (README.md, "Webhooks"), each emitted in the write of the
change it announces:

- ``checkout.abandoned``: in the sequence's write that finds a checkout abandoned;
- ``checkout.recovered``: in the write of the order that recovers it (``attribute_order``,
  which checkout calls as it writes an order): the first order within ``ATTRIBUTION_MS`` of
  the abandonment for its cart, a cart its link built, or its email, written on the checkout
  (the results count that order once it is paid or fulfilled).
  Once per abandoned checkout, holdout or not (``holdout`` says which).

No personal data (no email or phone): the cart's id, what was in it, the order's id.
"""

from __future__ import annotations

from typing import Any

import aiosqlite

from server.recovery import results_queries
from server.recovery.model import ATTRIBUTION_MS, OldLine
from server.recovery.queries import Contact
from server.webhooks.emitting import emit, iso_time

ABANDONED, RECOVERED = "checkout.abandoned", "checkout.recovered"


def abandoned_data(
    contact: Contact, lines: list[OldLine], currency: str, abandoned_at: int, holdout: bool
) -> dict[str, Any]:
    return {
        "cart_id": contact.cart_public_id,
        "abandoned_at": iso_time(abandoned_at),
        "holdout": holdout,
        "currency": currency,
        "subtotal": sum(line.unit_price * line.quantity for line in lines),
        "items": [
            {"sku": line.sku, "name": line.name, "quantity": line.quantity,
             "unit_price": line.unit_price}
            for line in lines
        ],
    }  # fmt: skip


async def emit_abandoned(
    conn: aiosqlite.Connection, contact: Contact, lines: list[OldLine], abandoned_at: int,
    holdout: bool, now: int,
) -> None:  # fmt: skip
    currency = await results_queries.store_currency(conn, contact.store_id)
    data = abandoned_data(contact, lines, currency, abandoned_at, holdout)
    await emit(conn, contact.store_id, ABANDONED, data, now)


async def attribute_order(
    conn: aiosqlite.Connection, store_id: int, order_id: int, now: int
) -> None:
    """Mark each abandoned checkout this new order recovers (with the order: the results
    read it by id), and emit ``checkout.recovered`` for it, in the order's write."""
    order = await results_queries.order_for_attribution(conn, order_id)
    recovered = await results_queries.recoverable_by(
        conn, store_id, order["cart_id"], order["email"], now - ATTRIBUTION_MS, now
    )
    for row in recovered:
        await results_queries.mark_recovered(conn, row["id"], order_id, now)
        await emit(conn, store_id, RECOVERED, {
            "cart_id": row["cart_public_id"],
            "order_id": order["public_id"],
            "number": order["number"],
            "currency": order["currency"],
            "total": order["total"],
            "abandoned_at": iso_time(row["abandoned_at"]),
            "holdout": bool(row["holdout"]),
            "last_reminder_step": row["last_step"],
        }, now)  # fmt: skip
