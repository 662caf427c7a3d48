"""Products in and out of CSV files that merchants open in spreadsheets.

Prices in a file are decimal strings in major units ("24.00"), converted exactly to minor
units with the currency's exponent; a float never touches them.

Spreadsheets run a cell that starts with ``= + - @`` (or a tab or carriage return) as a
formula, so exports prefix such text cells with an apostrophe: the spreadsheet convention for
"this is text". Imports drop that one apostrophe again, so an export always imports back as it
was. Plain numbers ("-3", "24.00") are left alone: they cannot carry a formula.

An import is all or nothing: every row is checked, and if any row is bad the whole file is
refused with a report of each problem (row, column, message) and nothing is written.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import aiosqlite

from server.catalog.queries import _COLUMNS as PRODUCT_COLUMNS
from server.catalog.queries import product_from_row, products_by_skus, upsert_product
from server.catalog.service import Product, ProductInput, validate_product
from server.errors import Unprocessable
from server.forms import FormInvalid, FormReader, parse_flag, parse_whole_number
from server.money import format_major_units, parse_major_units

COLUMNS = (
    "sku", "product_group", "name", "variant", "description", "price", "compare_at_price",
    "image_url", "weight_grams", "track_stock", "stock", "allow_oversell", "active",
)  # fmt: skip
REQUIRED_COLUMNS = ("sku", "name", "price")
MAX_ROWS = 10_000
MAX_PROBLEMS_SHOWN = 100
# An export's text is handed to the client in pieces of about this size (see csv_chunks).
CHUNK_BYTES = 64 * 1024

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Matched whole (fullmatch); the length caps lie far beyond any real price or stock.
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
MAX_COUNT = 10**15 - 1  # far beyond any real weight or stock: validate_product says why
_DEFAULTS = {"track_stock": "false", "allow_oversell": "false", "active": "true"}


# ---- spreadsheet-safe cells ---------------------------------------------------------------


def spreadsheet_safe(value: str) -> str:
    """The cell text to export: formula-like text gets a leading apostrophe."""
    if _PLAIN_NUMBER.fullmatch(value) or not value.lstrip("'").startswith(_FORMULA_STARTS):
        return value
    return "'" + value


def unescape_cell(cell: str) -> str:
    """The inverse of ``spreadsheet_safe``, applied to every imported cell."""
    if cell.startswith("'") and cell[1:].lstrip("'").startswith(_FORMULA_STARTS):
        return cell[1:]
    return cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A CSV document with a UTF-8 byte-order mark, so spreadsheets read accents right."""
    return b"".join(csv_chunks(header, rows)).decode()


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[str]], chunk_bytes: int = CHUNK_BYTES
) -> Iterator[bytes]:
    """``csv_text``'s document as UTF-8, in pieces of about ``chunk_bytes`` (whole rows), so a
    large export is written as it is read and never held whole."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        if buffer.tell() >= chunk_bytes:  # characters: at least as many bytes
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


# ---- export -------------------------------------------------------------------------------


def product_cells(product: Product | ProductInput, currency: str) -> dict[str, str]:
    compare_at = product.compare_at_price
    return {
        "sku": product.sku,
        "product_group": product.product_group,
        "name": product.name,
        "variant": product.variant,
        "description": product.description,
        "price": format_major_units(product.price, currency),
        "compare_at_price": "" if compare_at is None else format_major_units(compare_at, currency),
        "image_url": product.image_url,
        "weight_grams": str(product.weight_grams),
        "track_stock": _yes_no(product.track_stock),
        "stock": str(product.stock),
        "allow_oversell": _yes_no(product.allow_oversell),
        "active": _yes_no(product.active),
    }


def products_csv(products: Iterable[Product], currency: str) -> str:
    return csv_text(COLUMNS, _product_rows(products, currency))


def products_csv_chunks(conn: sqlite3.Connection, store_id: int, currency: str) -> Iterator[bytes]:
    """The store's products as ``products_csv`` writes them, read as they are written: for an
    export's own thread and connection (``server.db.export_reader``)."""
    rows = conn.execute(
        f"SELECT {PRODUCT_COLUMNS} FROM products WHERE store_id = ? ORDER BY product_group, id",
        (store_id,),
    )
    products = (product_from_row(row) for row in rows)
    yield from csv_chunks(COLUMNS, _product_rows(products, currency))


def _product_rows(products: Iterable[Product], currency: str) -> Iterator[list[str]]:
    for product in products:
        cells = product_cells(product, currency)
        yield [cells[column] for column in COLUMNS]


def _yes_no(flag: bool) -> str:
    return "true" if flag else "false"


# ---- import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str


class ImportRejected(Unprocessable):
    """The file was refused; ``problems`` says where and why."""

    def __init__(self, problems: list[RowProblem]):
        count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
        super().__init__(f"The file has {count}, so nothing was imported.")
        self.problems = problems


@dataclass(frozen=True)
class CsvRow:
    number: int
    cells: dict[str, str]  # only the columns the file has


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


@dataclass(frozen=True)
class CsvFormat:
    """What a kind of imported file holds: its columns, those it must have, how many rows."""

    columns: tuple[str, ...]
    required: tuple[str, ...]
    max_rows: int
    things: str  # what its rows are, for messages: "products"


PRODUCTS_FILE = CsvFormat(COLUMNS, REQUIRED_COLUMNS, MAX_ROWS, "products")


def read_rows(data: bytes, kind: CsvFormat = PRODUCTS_FILE) -> list[CsvRow]:
    """The data rows of an uploaded file of ``kind``; raises ImportRejected for an unreadable
    file, a bad header, too many rows or none."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([RowProblem(1, "", "Save the file as CSV in UTF-8.")]) from None
    records = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(records, [])]
        _check_header(header, kind)
        return _data_rows(header, records, kind)
    except csv.Error as exc:
        raise ImportRejected(
            [RowProblem(records.line_num, "", f"Unreadable CSV: {exc}.")]
        ) from None


def _data_rows(header: list[str], records: Iterable[list[str]], kind: CsvFormat) -> list[CsvRow]:
    rows = []
    for number, cells in enumerate(records, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets often leave blank lines at the end
        if len(rows) == kind.max_rows:
            too_many = f"Import at most {kind.max_rows} rows."
            raise ImportRejected([RowProblem(number, "", too_many)])
        rows.append(_row(number, header, cells))
    if not rows:
        none = f"The file has no {kind.things} under the header."
        raise ImportRejected([RowProblem(2, "", none)])
    return rows


def _check_header(header: list[str], kind: CsvFormat) -> None:
    problems = [
        RowProblem(1, column, "This is not a column Keepcart knows.")
        for column in header
        if column and column not in kind.columns  # unnamed columns are checked to be empty
    ]
    problems += [
        RowProblem(1, column, f"The column {column} appears more than once.")
        for column in kind.columns
        if header.count(column) > 1
    ]
    problems += [
        RowProblem(1, column, "This column is required.")
        for column in kind.required
        if column not in header
    ]
    if problems:
        raise ImportRejected(problems)


def _row(number: int, header: list[str], cells: list[str]) -> CsvRow:
    if len(cells) > len(header):
        extra = [RowProblem(number, "", "This row has more cells than the header has columns.")]
        raise ImportRejected(extra)
    padded = cells + [""] * (len(header) - len(cells))
    named = list(zip(header, padded, strict=True))
    if any(cell.strip() for column, cell in named if not column):
        unnamed = [RowProblem(number, "", "This row has a value in a column with no name.")]
        raise ImportRejected(unnamed)
    return CsvRow(number, {column: unescape_cell(cell) for column, cell in named if column})


def products_from_rows(
    rows: list[CsvRow], currency: str, existing: Mapping[str, Product]
) -> list[ProductInput]:
    """Validated products for every row, or ImportRejected naming every problem.

    A column the file leaves out keeps the product's current value (or the default for a new
    product), so a file with only ``sku,price`` changes prices and nothing else.
    """
    products: list[ProductInput] = []
    problems: list[RowProblem] = []
    first_row_of: dict[str, int] = {}
    for row in rows:
        sku = row.cells.get("sku", "").strip()
        if sku and sku in first_row_of:
            message = f"SKU {sku} already appears in row {first_row_of[sku]}."
            problems.append(RowProblem(row.number, "sku", message))
            continue
        first_row_of[sku] = row.number
        current = existing.get(sku)
        base = product_cells(current, currency) if current else _DEFAULTS
        try:
            products.append(product_from_cells({**base, **row.cells}, currency))
        except FormInvalid as exc:
            problems += [RowProblem(row.number, column, msg) for column, msg in exc.errors.items()]
    if problems:
        raise ImportRejected(problems)
    return products


def product_from_cells(cells: Mapping[str, str], currency: str) -> ProductInput:
    """One row's cells (or the product form's fields) as a validated product; FormInvalid
    lists every bad column."""
    row = FormReader(cells)
    raw = ProductInput(
        sku=row.text("sku"),
        name=row.text("name"),
        price=row.read("price", lambda text: parse_major_units(text, currency), 0),
        product_group=row.text("product_group"),
        variant=row.text("variant"),
        description=row.text("description"),
        compare_at_price=row.optional("compare_at_price", partial(parse_major_units,
                                                                  currency=currency)),
        image_url=row.text("image_url"),
        weight_grams=row.read("weight_grams", _count, 0),
        track_stock=row.read("track_stock", parse_flag, False),
        stock=row.read("stock", _count, 0),
        allow_oversell=row.read("allow_oversell", parse_flag, False),
        active=row.read("active", parse_flag, True),
    )  # fmt: skip
    # Checked even when some cells were unreadable, so one pass reports more problems.
    product = row.check(lambda: validate_product(raw), raw)
    row.done()
    return product


def _count(text: str) -> int:
    """A weight or a stock count: empty means 0; a sign is allowed (stock may be owed)."""
    if not text.strip():
        return 0
    return parse_whole_number(text, -MAX_COUNT, MAX_COUNT, "250", digits=15)


async def import_products(
    conn: aiosqlite.Connection, store_id: int, currency: str, rows: list[CsvRow], now_ms: int
) -> ImportSummary:
    """Validate every row and write them all in the caller's transaction, or raise."""
    skus = [row.cells.get("sku", "").strip() for row in rows]
    existing = await products_by_skus(conn, store_id, skus)
    products = products_from_rows(rows, currency, existing)
    for product in products:
        await upsert_product(conn, store_id, product, now_ms)
    created = sum(1 for product in products if product.sku not in existing)
    return ImportSummary(created=created, updated=len(products) - created)
