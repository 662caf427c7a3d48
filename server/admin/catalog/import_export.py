"""The catalog's CSV pages: the export, and the import page with its report of every
problem (row, column, message) when a file is refused. The file format is
``server.catalog.csv_io``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.admin.pages import Merchant, csv_download, login_required, render, store_for_request
from server.admin.uploads import MAX_IMPORT_BODY, UploadRefused, import_outcome, uploaded_file
from server.catalog.csv_io import (
    COLUMNS,
    ImportRejected,
    import_products,
    products_csv_chunks,
    read_rows,
)
from server.db.export_reader import start_export
from server.money import example_amount
from server.services import services
from server.stores.service import Store


@login_required
async def export_products(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    export = await start_export(
        services(request).db.path,
        lambda conn: products_csv_chunks(conn, store.id, store.currency),
        "products CSV",
    )
    return csv_download(f"store-{store.id}-products.csv", export)


@login_required
async def import_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    return _render_import(request, merchant, store)


@login_required
async def import_upload(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    try:
        data = await uploaded_file(request, merchant)
    except UploadRefused as exc:
        return _render_import(request, merchant, store, {"file": exc.message})
    try:
        rows = read_rows(data)
        now = services(request).clock.now_ms()
        summary = await services(request).db.write(
            lambda conn: import_products(conn, store.id, store.currency, rows, now)
        )
    except ImportRejected as exc:
        return _render_import(request, merchant, store, {"file": exc.message}, exc)
    query = f"show=all&created={summary.created}&updated={summary.updated}"
    return RedirectResponse(f"/admin/stores/{store.id}/products?{query}", 303)


def _render_import(
    request: Request,
    merchant: Merchant,
    store: Store,
    errors: dict[str, str] | None = None,
    rejected: ImportRejected | None = None,
) -> Response:
    outcome, status = import_outcome(errors, rejected)
    context = {
        "merchant": merchant,
        "store": store,
        "columns": COLUMNS,
        "price_example": example_amount(store.currency),
        **outcome,
    }
    return render(request, "catalog/import.html", context, session=merchant.session, status=status)


BASE = "/stores/{store_id:id}/products"
routes = [
    Route(BASE + ".csv", export_products, methods=["GET"]),
    Route(BASE + "/import", import_page, methods=["GET"]),
    Route(BASE + "/import", import_upload, methods=["POST"], max_body_size=MAX_IMPORT_BODY),
]
