"""CSV exports streamed from their own thread: the same bytes as the file built whole, sent in
chunks as the client takes them, stopped when the client goes, and cut short (logged in one
line, without data) when they fail once the headers are out."""

import contextlib
import csv
import io
import json
import logging
import sqlite3
import threading

import anyio
import httpx
import pytest

from server.admin.orders import export
from server.catalog.csv_io import spreadsheet_safe
from server.catalog.queries import upsert_product
from server.catalog.service import ProductInput
from server.db.export_reader import MAX_RUNNING, QUEUE_CHUNKS, THREAD_NAME
from server.orders.service import local_time
from server.services import services
from tests.api.admin_client import sign_in
from tests.api.ordering import ADDRESS, JULY_1_NOON_UTC

pytestmark = pytest.mark.anyio

ORDERS = 3000
# Each order's email is unique, so a log line quoting any row would show one of these.
EMAIL = "shopper{}@exämple.test"


async def insert_orders(app, store, count=ORDERS):
    """``count`` orders in one transaction, varied where the CSV is: text a spreadsheet would
    run, accents, no items or several, no code or card, other addresses, times a second apart."""

    async def write(conn):
        products = [
            await upsert_product(conn, store.id, ProductInput(f"SKU-{n}", f"Product {n}", 1800), 0)
            for n in range(4)
        ]
        for n in range(count):
            address = ADDRESS | {"line1": f"{n} Quay", "line2": "=1+1" if n % 7 == 0 else ""}
            cursor = await conn.execute(
                "INSERT INTO orders (public_id, store_id, number, status, email, phone,"
                " shipping_name, shipping_address, shipping_method, delivery_from, delivery_to,"
                " currency, prices_include_tax, subtotal, discount_total, shipping_total,"
                " tax_total, total, discount_code, payment_method, card_brand, card_last4,"
                " created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, '+353 1 555 0100', ?, ?, 'Standard post',"
                " '2025-07-03', '2025-07-07', 'EUR', 1, ?, ?, 495, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    f"ord_{n}", store.id, 1000 + n, ("paid", "refunded", "fulfilled")[n % 3],
                    EMAIL.format(n), "@Zoë \"Ní\" Bhriain, Jr." if n % 5 == 0 else f"Name {n}",
                    json.dumps(address), 100 * n + 1, n % 300, n % 1000, 100 * n + 1 + 495,
                    None if n % 4 else "WELCOME10", ("test_card", "cash_on_delivery")[n % 2],
                    None if n % 2 else "Visa", None if n % 2 else "4242",
                    JULY_1_NOON_UTC + 1000 * (n // 2),  # pairs share a time: ids break ties
                    JULY_1_NOON_UTC,
                ),
            )  # fmt: skip
            for k in range(n % 4):
                await conn.execute(
                    "INSERT INTO order_items (order_id, product_id, sku, name, variant,"
                    " unit_price, quantity, subtotal, discount, tax)"
                    " VALUES (?, ?, ?, 'Product', '', 1800, ?, 1800, 0, 0)",
                    (cursor.lastrowid, products[k], f"SKU-{3 - k}", k + 1),
                )

    await services(app).db.write(write)


async def csv_as_built_before(app, store, status=None):
    """The orders CSV as the export wrote it before it streamed: every order read into a
    list, the text built whole (the code this replaced, kept here as the reference)."""
    db = services(app).db
    where = "store_id = ?" + (" AND status = ?" if status else "")
    params = [store.id, *([status] if status else [])]
    rows = await db.fetch_all(
        f"SELECT {export.ORDER_COLUMNS} FROM orders WHERE {where}"
        " ORDER BY created_at DESC, id DESC",
        params,
    )
    item_rows = await db.fetch_all(
        "SELECT i.order_id, i.sku, i.quantity FROM order_items i JOIN orders o"
        f" ON o.id = i.order_id WHERE {where.replace('store_id', 'o.store_id')}"
        " ORDER BY i.order_id, i.sku",
        params,
    )
    lines = {}
    for row in item_rows:
        lines.setdefault(row["order_id"], []).append(f"{row['sku']} × {row['quantity']}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(export.CSV_COLUMNS)
    for row in rows:
        order = export.order_from_row(row)
        cells = export.order_cells(order, store.timezone, "; ".join(lines.get(order.id, [])))
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return ("\ufeff" + buffer.getvalue()).encode()


def orders_csv(store, query=""):
    return f"/admin/stores/{store.id}/orders.csv{query}"


def export_threads():
    return [t for t in threading.enumerate() if t.name == THREAD_NAME]


async def export_threads_end():
    """Wait (up to 10 s each) for every export thread to end, and check they did."""
    for thread in export_threads():
        await anyio.to_thread.run_sync(thread.join, 10)
    assert not export_threads(), "an export's thread is still running"


class RawClient:
    """One GET straight into the ASGI app, as uvicorn makes it, with hooks a test uses to
    play a slow or departing client. ``messages`` holds what the app sent."""

    def __init__(self, app, client, path):
        cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        path, _, query = path.partition("?")
        self.scope = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1", "method": "GET", "scheme": "http", "path": path,
            "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
            "headers": [(b"host", b"keepcart.test"), (b"cookie", cookies.encode())],
            "client": ("127.0.0.1", 50000), "server": ("keepcart.test", 80),
        }  # fmt: skip
        self.app = app
        self.messages = []
        self.requested = False
        self.disconnected = anyio.Event()
        self.on_body = None  # awaited after each body message: a slow or departing client

    async def receive(self):
        if not self.requested:
            self.requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.disconnected.wait()
        return {"type": "http.disconnect"}

    async def send(self, message):
        self.messages.append(message)
        if message["type"] == "http.response.body" and self.on_body is not None:
            await self.on_body(message)

    async def run(self):
        await self.app(self.scope, self.receive, self.send)

    def stall_after_first_chunk(self, go_on):
        """Play a client that takes the first chunk, then nothing until ``go_on`` is set;
        returns the event set when the first chunk arrived."""
        first_taken = anyio.Event()

        async def slow_client(message):
            if not first_taken.is_set():
                first_taken.set()
                await go_on.wait()

        self.on_body = slow_client
        return first_taken

    @property
    def bodies(self):
        return [m for m in self.messages if m["type"] == "http.response.body"]

    @property
    def body(self):
        return b"".join(m["body"] for m in self.bodies)

    @property
    def finished(self):
        return bool(self.bodies) and not self.bodies[-1].get("more_body", False)


# ---- the same file ------------------------------------------------------------------------


async def test_a_large_orders_export_is_the_file_the_old_code_built(app, client, merchant, store):
    await insert_orders(app, store)
    await sign_in(client)
    expected = await csv_as_built_before(app, store)
    response = await client.get(orders_csv(store))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="store-{store.id}-orders.csv"'
    )
    assert response.headers["cache-control"] == "no-store"
    assert response.content[:3] == b"\xef\xbb\xbf"
    assert len(response.content) == len(expected) and response.content == expected
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == ORDERS + 1 and rows[1][0] == str(1000 + ORDERS - 1)

    filtered = await client.get(orders_csv(store, "?status=refunded"))
    assert filtered.content == await csv_as_built_before(app, store, "refunded")


async def test_the_reference_is_the_old_file_format(app, client, merchant, store):
    """The reference above writes what the export always wrote (pinned by hand here)."""
    await insert_orders(app, store, count=2)
    [_, newest, oldest] = (await csv_as_built_before(app, store)).decode().split("\r\n")[:3]
    placed = local_time(JULY_1_NOON_UTC, store.timezone).isoformat(timespec="seconds")
    assert oldest.startswith(f'1000,{placed},paid,shopper0@exämple.test,\'+353 1 555 0100,'
                             '"\'@Zoë ""Ní"" Bhriain, Jr.",0 Quay,\'=1+1,')  # fmt: skip
    assert oldest.endswith(",0.01,0.00,WELCOME10,4.95,0.00,4.96,test_card,Visa,4242,")
    assert newest.endswith(",1.01,0.01,,4.95,0.01,5.96,cash_on_delivery,,,SKU-3 × 1")


# ---- streamed, with back-pressure ---------------------------------------------------------


async def test_the_export_goes_out_in_chunks_as_the_client_takes_them(app, client, merchant, store):
    await insert_orders(app, store)
    await sign_in(client)
    expected = await csv_as_built_before(app, store)
    raw = RawClient(app, client, orders_csv(store))
    go_on = anyio.Event()
    first_taken = raw.stall_after_first_chunk(go_on)  # the client takes nothing more for now
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(raw.run)
        await first_taken.wait()
        # While the client reads nothing, the export waits with a few chunks queued: it has
        # not run ahead to the end of the file.
        [thread] = export_threads()
        assert len(raw.body) < len(expected) / 4
        assert thread.is_alive()
        go_on.set()
    assert raw.finished and raw.body == expected
    assert len(raw.bodies) > QUEUE_CHUNKS + 2
    assert max(len(m["body"]) for m in raw.bodies) < 80_000
    await export_threads_end()


# ---- a client that goes away --------------------------------------------------------------


async def test_a_client_that_disconnects_stops_the_export(app, settings, client, merchant, store):
    await insert_orders(app, store)
    await sign_in(client)
    raw = RawClient(app, client, orders_csv(store))

    async def leave_after_the_first_chunk(message):
        raw.disconnected.set()
        await anyio.sleep_forever()  # the socket's buffer is full: send never returns

    raw.on_body = leave_after_the_first_chunk
    with anyio.fail_after(10):
        await raw.run()
    assert len(raw.bodies) == 1 and not raw.finished
    await export_threads_end()
    # No read transaction is left open: a checkpoint that must wait for every reader runs.
    with contextlib.closing(sqlite3.connect(settings.db)) as conn:
        conn.execute("PRAGMA busy_timeout = 0")
        [(busy, _, _)] = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    assert busy == 0


# ---- failures -----------------------------------------------------------------------------


def failing_at(number):
    """order_cells, failing as the database would when it reaches order ``number``."""
    cells = export.order_cells

    def order_cells(order, timezone, items):
        if order.number == number:
            raise sqlite3.OperationalError(f"disk I/O error near {order.email}")
        return cells(order, timezone, items)

    return order_cells


async def test_a_failure_after_the_headers_cuts_the_download_short_with_one_log_line(
    app, client, merchant, store, monkeypatch, caplog
):
    await insert_orders(app, store)
    await sign_in(client)
    monkeypatch.setattr(export, "order_cells", failing_at(1000 + ORDERS // 3))
    caplog.set_level(logging.INFO)
    raw = RawClient(app, client, orders_csv(store))
    with anyio.fail_after(10):
        await raw.run()  # no exception out of the app: nothing for an error page
    [start] = [m for m in raw.messages if m["type"] == "http.response.start"]
    assert start["status"] == 200 and len(raw.bodies) > 1
    assert not raw.finished  # the server closes the connection: the download failed
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in errors] == [
        f"the orders CSV export failed after {len(raw.body)} bytes (OperationalError);"
        " the download was cut short"
    ]
    assert errors[0].exc_info is None and "exämple" not in caplog.text
    await export_threads_end()


async def test_a_failure_before_the_first_rows_is_an_error_response(
    app, client, merchant, store, monkeypatch
):
    await insert_orders(app, store, count=20)
    await sign_in(client)
    monkeypatch.setattr(export, "order_cells", failing_at(1005))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://keepcart.test", cookies=client.cookies
    ) as browser:
        response = await browser.get(orders_csv(store))
    assert response.status_code == 500
    assert "text/csv" not in response.headers["content-type"]
    assert b"shopper" not in response.content
    await export_threads_end()


async def test_an_export_reads_one_snapshot(app, client, merchant, store):
    """Orders placed while the file is being written are not half in it."""
    await insert_orders(app, store)
    await sign_in(client)
    expected = await csv_as_built_before(app, store)
    raw = RawClient(app, client, orders_csv(store))
    go_on = anyio.Event()
    first_taken = raw.stall_after_first_chunk(go_on)
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(raw.run)
        await first_taken.wait()
        # Deleted while the export is under way: every row of them is still in the file.
        await services(app).db.write(
            lambda conn: conn.execute("DELETE FROM orders WHERE number < 1500")
        )
        go_on.set()
    assert raw.body == expected


# ---- how many at once ---------------------------------------------------------------------


async def test_exports_beyond_the_servers_limit_are_asked_to_come_back(app, client, merchant,
                                                                        store):  # fmt: skip
    """Each export holds a thread, a connection and a read transaction, and its row work
    shares the interpreter with every shopper's request: a login (of any store) starting
    exports by the dozen must not slow the shops down. Past the limit: 503, Retry-After."""
    await insert_orders(app, store)
    await sign_in(client)
    go_on = anyio.Event()
    stalled = [RawClient(app, client, orders_csv(store)) for _ in range(MAX_RUNNING)]
    started = [raw.stall_after_first_chunk(go_on) for raw in stalled]
    async with anyio.create_task_group() as tasks:
        for raw, first in zip(stalled, started, strict=True):
            tasks.start_soon(raw.run)
            await first.wait()
        refused = await client.get(orders_csv(store))
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "30"
        assert "exports are already running" in refused.text
        assert len(export_threads()) == MAX_RUNNING
        go_on.set()
    assert all(raw.finished for raw in stalled)
    await export_threads_end()
    # Their slots are free again.
    assert (await client.get(orders_csv(store))).status_code == 200
