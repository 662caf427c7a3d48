"""The orders CSV: every order a filter matches, streamed from the export's own thread and
connection (``server.db.export_reader``) in batches, so a store with 100,000 orders is
exported with flat memory and without holding up the event loop."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

from starlette.responses import Response

from server.admin.pages import csv_download
from server.catalog.csv_io import csv_chunks
from server.db import Database
from server.db.export_reader import start_export
from server.money import format_major_units

# The list's own filter clause and columns: the export is exactly the orders the list shows.
from server.orders.queries import _COLUMNS as ORDER_COLUMNS
from server.orders.queries import _where as order_filter_clause
from server.orders.queries import order_from_row
from server.orders.service import Order, OrderFilter, local_time
from server.stores.service import Store

CSV_COLUMNS = (
    "number", "placed_at", "status", "email", "phone", "shipping_name", "line1", "line2",
    "city", "region", "postal_code", "country", "shipping_method", "delivery_from",
    "delivery_to", "currency", "subtotal", "discount", "discount_code", "shipping", "tax",
    "total", "payment_method", "card_brand", "card_last4", "items",
)  # fmt: skip
# Orders read at a time, each batch with its items in one more query.
BATCH_ORDERS = 500


async def orders_csv(db: Database, store: Store, wanted: OrderFilter) -> Response:
    """The download, started: a database failure before its first rows is raised here."""

    def chunks(conn: sqlite3.Connection) -> Iterator[bytes]:
        rows = (
            order_cells(order, store.timezone, items)
            for order, items in orders_with_items(conn, store.id, wanted)
        )
        return csv_chunks(CSV_COLUMNS, rows)

    export = await start_export(db.path, chunks, "orders CSV")
    return csv_download(f"store-{store.id}-orders.csv", export)


def orders_with_items(
    conn: sqlite3.Connection, store_id: int, wanted: OrderFilter
) -> Iterator[tuple[Order, str]]:
    """Every order the filter matches, newest first, with its items summed up as
    ``"FH-MUG-01 × 2; FH-BEAN-1KG × 1"``; read in batches of BATCH_ORDERS."""
    where, params = order_filter_clause(store_id, wanted)
    cursor = conn.execute(
        f"SELECT {ORDER_COLUMNS} FROM orders WHERE {where} ORDER BY created_at DESC, id DESC",
        params,
    )
    while batch := cursor.fetchmany(BATCH_ORDERS):
        orders = [order_from_row(row) for row in batch]
        items = _item_summaries(conn, [order.id for order in orders])
        for order in orders:
            yield order, items.get(order.id, "")


def _item_summaries(conn: sqlite3.Connection, order_ids: Sequence[int]) -> dict[int, str]:
    marks = ",".join("?" * len(order_ids))
    rows = conn.execute(
        "SELECT order_id, sku, quantity FROM order_items"
        f" WHERE order_id IN ({marks}) ORDER BY order_id, sku",
        order_ids,
    )
    lines: dict[int, list[str]] = {}
    for order_id, sku, quantity in rows:
        lines.setdefault(order_id, []).append(f"{sku} × {quantity}")
    return {order_id: "; ".join(parts) for order_id, parts in lines.items()}


def order_cells(order: Order, timezone: str, items: str) -> list[str]:
    """One order as a CSV row in CSV_COLUMNS order; money in major units ("24.00")."""

    def amount(minor_units: int) -> str:
        return format_major_units(minor_units, order.currency)

    address = order.shipping_address
    placed = local_time(order.created_at, timezone).isoformat(timespec="seconds")
    return [
        str(order.number), placed, order.status, order.email, order.phone, order.shipping_name,
        *(address.get(key, "") for key in ("line1", "line2", "city", "region", "postal_code",
                                            "country")),
        order.shipping_method, order.delivery_from, order.delivery_to, order.currency,
        amount(order.subtotal), amount(order.discount_total), order.discount_code or "",
        amount(order.shipping_total), amount(order.tax_total), amount(order.total),
        order.payment_method, order.card_brand or "", order.card_last4 or "", items,
    ]  # fmt: skip
