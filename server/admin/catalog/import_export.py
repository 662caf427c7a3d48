"""The catalog's CSV pages: the export, and the import page with its report of every
problem (row, column, message) when a file is refused. The file format is
``server.catalog.csv_io``."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.admin.auth import check_csrf
from server.admin.pages import Merchant, csv_download, login_required, render, store_for_request
from server.catalog.csv_io import (
    COLUMNS,
    MAX_PROBLEMS_SHOWN,
    ImportRejected,
    import_products,
    products_csv_chunks,
    read_rows,
)
from server.db.export_reader import start_export
from server.money import example_amount
from server.services import services
from server.stores.service import Store

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The import's own body cap, over the admin's: a file a little over MAX_UPLOAD_BYTES still
# gets the page that says so; a much larger one is refused (413) before it is read.
MAX_IMPORT_BODY = 8 * 1024 * 1024


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
    async with request.form(max_files=1, max_fields=10) as form:
        check_csrf(request, merchant.session, form.get("csrf_token"))
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            missing = {"file": "Choose a CSV file to import."}
            return _render_import(request, merchant, store, missing)
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        too_big = {"file": "The file is larger than 5 MB. Split it and import the parts."}
        return _render_import(request, merchant, store, too_big)
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
    problems = rejected.problems if rejected else []
    context = {
        "merchant": merchant,
        "store": store,
        "columns": COLUMNS,
        "price_example": example_amount(store.currency),
        "errors": errors or {},
        "problems": problems[:MAX_PROBLEMS_SHOWN],
        "problems_hidden": max(0, len(problems) - MAX_PROBLEMS_SHOWN),
    }
    status = 422 if errors else 200
    return render(request, "catalog/import.html", context, session=merchant.session, status=status)


BASE = "/stores/{store_id:id}/products"
routes = [
    Route(BASE + ".csv", export_products, methods=["GET"]),
    Route(BASE + "/import", import_page, methods=["GET"]),
    Route(BASE + "/import", import_upload, methods=["POST"], max_body_size=MAX_IMPORT_BODY),
]
