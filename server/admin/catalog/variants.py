"""A product's variants edited together: every SKU of its product group on one page, with
their name, variant, price, stock and SKU, and rows for new variants.

The form is rows of fields named ``row-{n}-{field}``; a row of an existing SKU carries its id
(``row-{n}-id``), a new row none, and a new row left empty is ignored. Every row is checked
before anything is saved, each error tied to its row and field, and all rows are saved in one
transaction. A new variant takes what the group's first SKU has beyond those fields
(description, image, weight, stock tracking), so it sells like its siblings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin.catalog.products import money_formatter, product_for_request
from server.admin.forms import FormPage
from server.admin.pages import Merchant, render
from server.catalog import queries
from server.catalog.csv_io import product_cells, product_from_cells
from server.catalog.editing import VariantChange, save_variants
from server.catalog.images import allow_images, thumbnail_src
from server.catalog.service import Product, ProductInput
from server.errors import NotFound
from server.forms import FormInvalid, shown_value
from server.money import example_amount
from server.services import services
from server.stores.service import Store

ROW_FIELDS = ("sku", "name", "variant", "price", "stock")
MAX_ROWS = 200
_ROW_FIELD = re.compile(r"row-([0-9]{1,3})-(id|sku|name|variant|price|stock|stock_was)")
TOO_MANY_ROWS = f"This page saves at most {MAX_ROWS} rows: save these, then add more."


@dataclass(frozen=True)
class VariantRow:
    """One row of the form as typed: ``product`` is the SKU it edits, None for a new one."""

    index: int
    product: Product | None
    values: dict[str, str]
    stock_was: str = ""  # the stock the page showed stored, for an existing SKU

    def key(self, field: str) -> str:
        return f"row-{self.index}-{field}"


# ---- pages --------------------------------------------------------------------------------


class Group(list[Product]):
    """Every SKU of a product group, oldest first, and which of them the page was opened for."""

    def __init__(self, products: list[Product], requested: int):
        super().__init__(products)
        self.requested = requested


async def group_of(request: Request, store: Store) -> Group:
    product = await product_for_request(request, store)
    group = await queries.products_in_group(services(request).db, store.id, product.product_group)
    if not group:  # moved out of its group between the two reads
        raise NotFound("There is no such product.")
    return Group(group, product.id)


def _render(
    request: Request,
    merchant: Merchant,
    store: Store,
    products: list[Product],
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    rows = submitted_rows(values, products) if errors else _stored_rows(products, store)
    thumbnail = thumbnail_src(products[0].image_url, store)
    context = {
        "merchant": merchant,
        "store": store,
        "group": products[0].product_group,
        "first": products[0],
        "rows": rows,
        "errors": errors or {},
        "labels": error_labels(rows, errors or {}),
        "saved": request.query_params.get("saved") == "1" and not errors,
        "thumbnail": thumbnail,
        "money": money_formatter(store),
        "price_example": example_amount(store.currency),
    }
    status = 422 if errors else 200
    response = render(
        request, "catalog/variants.html", context, session=merchant.session, status=status
    )
    return allow_images(response, [thumbnail] if thumbnail else [])


# ---- reading the form ---------------------------------------------------------------------


def _stored_rows(products: list[Product], store: Store) -> list[VariantRow]:
    """The group as saved, and a blank row for a new variant."""
    rows = [VariantRow(n, p, _row_values(p, store)) for n, p in enumerate(products)]
    return [*rows, _blank_row(len(rows))]


def _row_values(product: Product, store: Store) -> dict[str, str]:
    cells = product_cells(product, store.currency)
    return {field: cells[field] for field in ROW_FIELDS}


def _blank_row(index: int) -> VariantRow:
    return VariantRow(index, None, dict.fromkeys(ROW_FIELDS, ""))


def submitted_rows(form: Mapping[str, str], products: list[Product]) -> list[VariantRow]:
    """The rows posted, in order; an id that is not one of the group's SKUs is kept as an
    unknown row, refused by ``read_rows``."""
    by_id = {str(product.id): product for product in products}
    typed: dict[int, dict[str, str]] = {}
    for name, value in form.items():
        match = _ROW_FIELD.fullmatch(name)
        if match:
            typed.setdefault(int(match.group(1)), {})[match.group(2)] = value
    rows = []
    for index in sorted(typed):
        values = {field: typed[index].get(field, "") for field in ROW_FIELDS}
        raw_id = typed[index].get("id", "")
        product = by_id.pop(raw_id, None)  # each SKU edited by one row at most
        if raw_id and product is None:
            values["id"] = raw_id  # refused below: not a SKU of this group
        rows.append(VariantRow(index, product, values, typed[index].get("stock_was", "")))
    return rows


def read_rows(rows: list[VariantRow], first: Product, store: Store) -> list[VariantChange]:
    """What each row saves; every error of every row in FormInvalid, keyed
    ``row-{n}-{field}``."""
    errors: dict[str, str] = {}
    changes: list[VariantChange] = []
    seen_skus: dict[str, int] = {}
    for row in rows:
        if row.index >= MAX_ROWS:
            errors[row.key("sku")] = TOO_MANY_ROWS
            continue
        if "id" in row.values:
            errors[row.key("sku")] = "This row is not a variant of this product: reload the page."
            continue
        if row.product is None and not any(v.strip() for v in row.values.values()):
            continue  # an empty new row
        typed = row.values
        if row.product is None and not typed["name"].strip():
            typed = typed | {"name": first.name}  # a new variant is named like its group
        cells = product_cells(row.product or _new_variant_of(first), store.currency) | typed
        try:
            product = product_from_cells(cells, store.currency)
        except FormInvalid as exc:
            for field, message in exc.errors.items():
                errors.setdefault(row.key(_shown_field(field)), message)
            continue
        if product.sku in seen_skus:
            errors.setdefault(row.key("sku"), "Another row already has this SKU.")
        seen_skus[product.sku] = row.index
        stock_was = shown_value(row.stock_was) if row.product else None
        changes.append(VariantChange(row.index, row.product and row.product.id, product, stock_was))
    if errors:
        raise FormInvalid(errors)
    return changes


def _new_variant_of(first: Product) -> ProductInput:
    return ProductInput(
        sku="", name=first.name, price=0, product_group=first.product_group,
        description=first.description, image_url=first.image_url,
        weight_grams=first.weight_grams, track_stock=first.track_stock,
        allow_oversell=first.allow_oversell,
    )  # fmt: skip


def _shown_field(field: str) -> str:
    """The row field an error belongs to: a compare-at price below the new price is about
    the price typed; anything else this page does not show, about the SKU's row."""
    if field in ROW_FIELDS:
        return field
    return "price" if field == "compare_at_price" else "sku"


def error_labels(rows: list[VariantRow], errors: Mapping[str, str]) -> dict[str, str]:
    """What the summary at the top calls each field with an error: "Row 2 · Price"."""
    names = {"sku": "SKU", "name": "Name", "variant": "Variant", "price": "Price",
             "stock": "Stock"}  # fmt: skip
    return {
        row.key(field): f"{'New variant' if row.product is None else f'Row {n}'} · {names[field]}"
        for n, row in enumerate(rows, 1)
        for field in ROW_FIELDS
        if row.key(field) in errors
    }


def posted_rows(form: FormData, store: Store) -> dict[str, str]:
    """Every ``row-{n}-{field}`` posted (the rows are made of them by ``submitted_rows``)."""
    return {name: value for name, value in form.items() if isinstance(value, str)}


def saved_url(store: Store, product_id: int) -> str:
    return f"/admin/stores/{store.id}/products/{product_id}/variants?saved=1"


variants_page = FormPage(
    load=group_of,
    initial=lambda products, store: {},
    submitted=posted_rows,
    read=lambda values, store, products: read_rows(
        submitted_rows(values, products), products[0], store
    ),
    write=lambda conn, store, products, changes, now: save_variants(conn, store.id, changes, now),
    render=_render,
    done=lambda store, products, _: saved_url(store, products.requested),
)

PATH = "/stores/{store_id:id}/products/{product_id:id}/variants"
routes = [
    Route(PATH, variants_page.show, methods=["GET"]),
    Route(PATH, variants_page.save, methods=["POST"]),
]
