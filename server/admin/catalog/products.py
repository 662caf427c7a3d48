"""Admin pages for the catalog's products: the list, create, edit and archive (the CSV
export and import are ``import_export``, a product group's variants ``variants``).

Prices are typed and exported as decimal strings in major units ("24.00") and stored as
integer minor units; the form reuses the CSV import's reading of text values, so a price
means the same thing in both places.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from urllib.parse import urlencode

import aiosqlite
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.admin.forms import FormPage, check_post, nothing
from server.admin.pages import Merchant, found, login_required, render, store_for_request
from server.catalog import queries
from server.catalog.csv_io import ImportSummary, product_cells, product_from_cells
from server.catalog.editing import insert_new_product, overwrite_product
from server.catalog.images import allow_images, thumbnail_src, within_budget
from server.catalog.service import Product, ProductInput
from server.errors import NotFound
from server.forms import shown_value
from server.money import example_amount, format_amount
from server.services import services
from server.stores.service import Store

FILTERS = ("active", "archived", "all")
TEXT_FIELDS = (
    "sku", "product_group", "name", "variant", "description", "price", "compare_at_price",
    "image_url", "weight_grams", "stock", "stock_was",
)  # fmt: skip
FLAG_FIELDS = ("track_stock", "allow_oversell")
NEW_PRODUCT = {field: "" for field in TEXT_FIELDS} | {
    "weight_grams": "0",
    "stock": "0",
    "track_stock": "false",
    "allow_oversell": "false",
    "active": "true",
}
MAX_ID = 2**63 - 1  # SQLite's largest integer
PAGE_SIZE = 50  # product groups per page of the list
MAX_QUERY = 100


# ---- list ---------------------------------------------------------------------------------


@login_required
async def product_list(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    db = services(request).db
    search = search_from(request.query_params)
    pages = max(1, -(-(await queries.count_groups(db, store.id, search)) // PAGE_SIZE))
    page = page_number(request.query_params.get("page"), pages)
    products = await queries.page_of_groups(
        db, store.id, search, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    thumbnails = within_budget(
        {p.id: src for p in products if (src := thumbnail_src(p.image_url, store))}
    )
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


def read_product(values: dict[str, str], store: Store, active: bool) -> ProductInput:
    cells = values | {"active": "true" if active else "false"}
    return product_from_cells(cells, store.currency)


async def product_for_request(request: Request, store: Store) -> Product:
    product_id = path_id(request, "product_id")
    return found(
        await queries.find_product(services(request).db, store.id, product_id),
        "There is no such product.",
    )


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
    form = await check_post(request, merchant)
    product_id = path_id(request, "product_id")

    now = services(request).clock.now_ms()

    async def change(conn: aiosqlite.Connection) -> None:
        if not await queries.set_product_active(conn, store.id, product_id, active, now):
            raise NotFound("There is no such product.")

    await services(request).db.write(change)
    show = form.get("show")
    back = f"?show={show}" if show in FILTERS else ""
    return RedirectResponse(f"/admin/stores/{store.id}/products{back}", 303)


def _saved_url(store: Store, product_id: int) -> str:
    return f"/admin/stores/{store.id}/products/{product_id}?saved=1"


new_product = FormPage(
    load=nothing,
    initial=lambda _, store: NEW_PRODUCT,
    fields=TEXT_FIELDS,
    flags=FLAG_FIELDS,
    read=lambda values, store, _: read_product(values, store, active=True),
    write=lambda conn, store, _, product, now: insert_new_product(conn, store.id, product, now),
    render=_render_form,
    done=lambda store, _, product_id: _saved_url(store, product_id),
)
edit_product = FormPage(
    load=product_for_request,
    initial=lambda product, store: product_cells(product, store.currency),
    fields=TEXT_FIELDS,
    flags=FLAG_FIELDS,
    read=lambda values, store, current: (
        read_product(values, store, current.active),
        shown_value(values.get("stock_was")),
    ),
    write=lambda conn, store, current, read, now: overwrite_product(
        conn, store.id, current.id, read[0], now, stock_was=read[1]
    ),
    render=_render_form,
    done=lambda store, current, _: _saved_url(store, current.id),
)

BASE = "/stores/{store_id:id}/products"
routes = [
    Route(BASE, product_list, methods=["GET"]),
    Route(BASE, new_product.save, methods=["POST"]),
    Route(BASE + "/new", new_product.show, methods=["GET"]),
    Route(BASE + "/{product_id:id}", edit_product.show, methods=["GET"]),
    Route(BASE + "/{product_id:id}", edit_product.save, methods=["POST"]),
    Route(BASE + "/{product_id:id}/archive", archive_product, methods=["POST"]),
    Route(BASE + "/{product_id:id}/unarchive", unarchive_product, methods=["POST"]),
]
