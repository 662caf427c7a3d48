"""Admin pages for the catalog: list, create, edit, archive, and CSV export and import.

Prices are typed and exported as decimal strings in major units ("24.00") and stored as
integer minor units; the form reuses the CSV import's reading of text values, so a price
means the same thing in both places.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from urllib.parse import urlencode

import aiosqlite
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.admin.auth import check_csrf
from server.admin.pages import Merchant, login_required, render, store_for_request
from server.catalog import queries
from server.catalog.csv_io import (
    COLUMNS,
    MAX_PROBLEMS_SHOWN,
    ImportRejected,
    ImportSummary,
    RowInvalid,
    csv_download,
    import_products,
    product_cells,
    product_from_cells,
    products_csv,
    read_rows,
)
from server.catalog.images import allow_images, thumbnail_src
from server.catalog.service import Product, ProductInput
from server.clock import now_ms
from server.errors import NotFound
from server.money import example_amount, format_amount
from server.stores.service import Store

FILTERS = ("active", "archived", "all")
TEXT_FIELDS = (
    "sku", "product_group", "name", "variant", "description", "price", "compare_at_price",
    "image_url", "weight_grams", "stock",
)  # fmt: skip
FLAG_FIELDS = ("track_stock", "allow_oversell")
NEW_PRODUCT = {field: "" for field in TEXT_FIELDS} | {
    "weight_grams": "0",
    "stock": "0",
    "track_stock": "false",
    "allow_oversell": "false",
    "active": "true",
}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The import's own body cap, over the admin's: a file a little over MAX_UPLOAD_BYTES still
# gets the page that says so; a much larger one is refused (413) before it is read.
MAX_IMPORT_BODY = 8 * 1024 * 1024
MAX_ID = 2**63 - 1  # SQLite's largest integer
PAGE_SIZE = 50  # product groups per page of the list
MAX_QUERY = 100


# ---- list ---------------------------------------------------------------------------------


@login_required
async def product_list(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    db = request.app.state.db
    search = search_from(request.query_params)
    pages = max(1, -(-(await queries.count_groups(db, store.id, search)) // PAGE_SIZE))
    page = page_number(request.query_params.get("page"), pages)
    products = await queries.page_of_groups(
        db, store.id, search, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    thumbnails = {p.id: src for p in products if (src := thumbnail_src(p.image_url, store))}
    context = {
        "merchant": merchant,
        "store": store,
        "show": search.show,
        "query": search.query,
        "counts": await queries.count_by_status(db, store.id, search),
        "groups": group_products(products),
        "thumbnails": thumbnails,
        "page": page,
        "pages": pages,
        "list_url": lambda **changes: list_url(search, {"page": page} | changes),
        "imported": import_summary_from(request.query_params),
        "money": money_formatter(store),
    }
    response = render(request, "catalog/list.html", context, session=merchant.session)
    return allow_images(response, thumbnails.values())


def search_from(params: Mapping[str, str]) -> queries.ProductSearch:
    show = params.get("show", "active")
    query = " ".join(params.get("q", "").split())[:MAX_QUERY]
    return queries.ProductSearch(show if show in FILTERS else "active", query)


def page_number(raw: str | None, pages: int) -> int:
    """The page asked for, kept within 1..pages; anything unreadable means page 1."""
    number = int(raw) if raw and raw.isdecimal() and len(raw) < 10 else 1
    return min(max(number, 1), pages)


def list_url(search: queries.ProductSearch, changes: Mapping[str, object]) -> str:
    """The list's query string with ``changes`` (show, q, page), defaults left out."""
    params = {"show": search.show, "q": search.query, "page": 1} | dict(changes)
    kept = {key: value for key, value in params.items()
            if value and (key, value) not in {("show", "active"), ("page", 1)}}  # fmt: skip
    return "?" + urlencode(kept) if kept else ""


def group_products(products: list[Product]) -> list[tuple[str, list[Product]]]:
    """Variants side by side under their product group, groups in name order."""
    ordered = sorted(products, key=lambda product: (product.product_group.lower(), product.id))
    grouped = itertools.groupby(ordered, key=lambda product: product.product_group)
    return [(group, list(members)) for group, members in grouped]


def import_summary_from(params: Mapping[str, str]) -> ImportSummary | None:
    """The result of an import, carried through the redirect in the query string."""
    counts = [params.get("created", ""), params.get("updated", "")]
    if not all(count.isdecimal() and len(count) < 10 for count in counts):
        return None
    return ImportSummary(created=int(counts[0]), updated=int(counts[1]))


def money_formatter(store: Store) -> Callable[[int], str]:
    return lambda amount: format_amount(amount, store.currency)


# ---- create and edit ----------------------------------------------------------------------


@login_required
async def new_product_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    return _render_form(request, merchant, store, None, NEW_PRODUCT)


@login_required
async def create_product(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    values = await submitted_product(request, merchant) | {"active": "true"}
    try:
        product = read_product(values, store)
        product_id = await request.app.state.db.write(
            lambda conn: insert_new_product(conn, store.id, product, now_ms())
        )
    except ProductFormInvalid as exc:
        return _render_form(request, merchant, store, None, values, exc.errors)
    return RedirectResponse(f"/admin/stores/{store.id}/products/{product_id}?saved=1", 303)


@login_required
async def edit_product_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    product = await product_for_request(request, store)
    values = product_cells(product, store.currency)
    return _render_form(request, merchant, store, product, values)


@login_required
async def update_product(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    current = await product_for_request(request, store)
    values = await submitted_product(request, merchant) | {
        "active": "true" if current.active else "false"
    }
    try:
        product = read_product(values, store)
        await request.app.state.db.write(
            lambda conn: overwrite_product(conn, store.id, current.id, product, now_ms())
        )
    except ProductFormInvalid as exc:
        return _render_form(request, merchant, store, current, values, exc.errors)
    return RedirectResponse(f"/admin/stores/{store.id}/products/{current.id}?saved=1", 303)


class ProductFormInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


async def submitted_product(request: Request, merchant: Merchant) -> dict[str, str]:
    form = await request.form()
    check_csrf(request, merchant.session, form.get("csrf_token"))
    values = {field: str(form.get(field, "")) for field in TEXT_FIELDS}
    return values | {field: "true" if form.get(field) else "false" for field in FLAG_FIELDS}


def read_product(values: dict[str, str], store: Store) -> ProductInput:
    try:
        return product_from_cells(values, store.currency)
    except RowInvalid as exc:
        errors = {field or "form": message for field, message in exc.errors}
        raise ProductFormInvalid(errors) from None


async def insert_new_product(
    conn: aiosqlite.Connection, store_id: int, product: ProductInput, now: int
) -> int:
    if await queries.sku_owner(conn, store_id, product.sku) is not None:
        raise ProductFormInvalid({"sku": "Another product already has this SKU."})
    return await queries.upsert_product(conn, store_id, product, now)


async def overwrite_product(
    conn: aiosqlite.Connection, store_id: int, product_id: int, product: ProductInput, now: int
) -> None:
    if await queries.sku_owner(conn, store_id, product.sku) not in (None, product_id):
        raise ProductFormInvalid({"sku": "Another product already has this SKU."})
    if not await queries.update_product(conn, store_id, product_id, product, now):
        raise NotFound("There is no such product.")


async def product_for_request(request: Request, store: Store) -> Product:
    product_id = path_id(request, "product_id")
    product = await queries.find_product(request.app.state.db, store.id, product_id)
    if product is None:
        raise NotFound("There is no such product.")
    return product


def path_id(request: Request, name: str) -> int:
    """An id from the URL; one too large for the database cannot exist."""
    value = request.path_params[name]
    if value > MAX_ID:
        raise NotFound("There is no such page.")
    return value


def _render_form(
    request: Request,
    merchant: Merchant,
    store: Store,
    product: Product | None,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    thumbnail = thumbnail_src(product.image_url, store) if product else None
    context = {
        "merchant": merchant,
        "store": store,
        "product": product,
        "thumbnail": thumbnail,
        "values": values,
        "errors": errors or {},
        "saved": request.query_params.get("saved") == "1" and not errors,
        "price_example": example_amount(store.currency),
    }
    status = 422 if errors else 200
    response = render(
        request, "catalog/form.html", context, session=merchant.session, status=status
    )
    return allow_images(response, [thumbnail] if thumbnail else [])


# ---- archive ------------------------------------------------------------------------------


@login_required
async def archive_product(request: Request, merchant: Merchant) -> Response:
    return await _set_active(request, merchant, active=False)


@login_required
async def unarchive_product(request: Request, merchant: Merchant) -> Response:
    return await _set_active(request, merchant, active=True)


async def _set_active(request: Request, merchant: Merchant, *, active: bool) -> Response:
    store = await store_for_request(request)
    form = await request.form()
    check_csrf(request, merchant.session, form.get("csrf_token"))
    product_id = path_id(request, "product_id")

    async def change(conn: aiosqlite.Connection) -> None:
        if not await queries.set_product_active(conn, store.id, product_id, active, now_ms()):
            raise NotFound("There is no such product.")

    await request.app.state.db.write(change)
    show = form.get("show")
    back = f"?show={show}" if show in FILTERS else ""
    return RedirectResponse(f"/admin/stores/{store.id}/products{back}", 303)


# ---- CSV ----------------------------------------------------------------------------------


@login_required
async def export_products(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    products = await queries.list_products(request.app.state.db, store.id)
    return csv_download(f"store-{store.id}-products.csv", products_csv(products, store.currency))


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
        summary = await request.app.state.db.write(
            lambda conn: import_products(conn, store.id, store.currency, rows, now_ms())
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
    Route(BASE, product_list, methods=["GET"]),
    Route(BASE, create_product, methods=["POST"]),
    Route(BASE + ".csv", export_products, methods=["GET"]),
    Route(BASE + "/new", new_product_page, methods=["GET"]),
    Route(BASE + "/import", import_page, methods=["GET"]),
    Route(BASE + "/import", import_upload, methods=["POST"], max_body_size=MAX_IMPORT_BODY),
    Route(BASE + "/{product_id:id}", edit_product_page, methods=["GET"]),
    Route(BASE + "/{product_id:id}", update_product, methods=["POST"]),
    Route(BASE + "/{product_id:id}/archive", archive_product, methods=["POST"]),
    Route(BASE + "/{product_id:id}/unarchive", unarchive_product, methods=["POST"]),
]
