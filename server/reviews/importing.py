"""Reviews imported from another platform, from a CSV file with the columns ``sku, rating,
title, body, name, date``. They are labelled "Imported", never "Verified buyer": Keepcart
cannot know who wrote them.

All or nothing, like the catalog's import: every row is checked, and if any row is bad the
whole file is refused with each problem (row, column, message) and nothing is written. A row
the store already has as an imported review (same product, rating, words, name and date) is
skipped, so importing a file twice imports it once.

Each import is kept (``review_imports``: when, which file, from which platform, how many), and
can be undone: ``remove_import`` deletes its reviews, imported ones only, and logs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import aiosqlite

from server.catalog.csv_io import CsvFormat, ImportRejected, RowProblem, read_rows
from server.db import read_all
from server.errors import NotFound
from server.forms import FormInvalid
from server.reviews import import_queries, queries
from server.reviews.model import IMPORTED, ReviewInput
from server.reviews.service import read_review

COLUMNS = ("sku", "rating", "title", "body", "name", "date")
REQUIRED_COLUMNS = ("sku", "rating", "name", "date")
MAX_ROWS = 5_000
FIRST_YEAR = 2000
_LOOKUP_BATCH = 400  # SKUs per query: well within SQLite's limit on parameters
UNNAMED_PLATFORM = "another platform"


@dataclass(frozen=True)
class ImportedReview:
    row: int
    sku: str
    review: ReviewInput
    day: date


@dataclass(frozen=True)
class ImportSummary:
    imported: int
    skipped: int  # already in the store (or earlier in the file)


# ---- reading the file ------------------------------------------------------------------------

REVIEWS_FILE = CsvFormat(COLUMNS, REQUIRED_COLUMNS, MAX_ROWS, "reviews")


def read_review_rows(data: bytes, today: date) -> list[ImportedReview]:
    """Every row of the file checked on its own (SKUs are checked against the store by
    ``import_reviews``); ImportRejected lists every problem. The file is read as the
    catalog's import reads its own (``server.catalog.csv_io.read_rows``)."""
    rows: list[ImportedReview] = []
    problems: list[RowProblem] = []
    for row in read_rows(data, REVIEWS_FILE):
        try:
            rows.append(review_from_cells(row.number, row.cells, today))
        except FormInvalid as exc:
            problems += [
                RowProblem(row.number, column, text) for column, text in exc.errors.items()
            ]
    if problems:
        raise ImportRejected(problems)
    return rows


def review_from_cells(number: int, cells: Mapping[str, str], today: date) -> ImportedReview:
    """One row as an imported review; FormInvalid names every bad column."""
    errors: dict[str, str] = {}
    sku = cells.get("sku", "").strip()
    if not sku:
        errors["sku"] = "Enter the SKU of a product of this store."
    review = None
    try:
        review = read_review(cells)
    except FormInvalid as exc:
        errors |= exc.errors
    day = None
    try:
        day = parse_review_date(cells.get("date", ""), today)
    except ValueError as exc:
        errors["date"] = str(exc)
    if errors or review is None or day is None:
        raise FormInvalid(errors)
    return ImportedReview(number, sku, review, day)


def parse_review_date(text: str, today: date) -> date:
    """``2024-03-15``: the day the review was written, not after today, from 2000."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError("Enter the date the review was written, like 2024-03-15.") from None
    if len(text.strip()) != 10 or day.year < FIRST_YEAR:
        raise ValueError(f"Enter a date from {FIRST_YEAR} on, like 2024-03-15.")
    if day > today:
        raise ValueError("The date is in the future.")
    return day


# ---- writing ------------------------------------------------------------------------------


async def import_reviews(
    conn: aiosqlite.Connection,
    store_id: int,
    timezone: str,
    rows: Sequence[ImportedReview],
    user_id: int,
    now: int,
    *,
    file_name: str = "",
    platform: str = UNNAMED_PLATFORM,
) -> ImportSummary:
    """Check every row's SKU against the store and write them all in the caller's
    transaction, as one import (each review with its "import" entry in the log), or raise
    ImportRejected. A file with nothing new makes no import."""
    products = await _products_for(conn, store_id, {row.sku for row in rows})
    problems = [
        RowProblem(row.row, "sku", f"This store has no product with the SKU {row.sku}.")
        for row in rows
        if row.sku not in products
    ]
    if problems:
        raise ImportRejected(problems)
    seen = await _imported_already(conn, store_id)
    new: list[tuple[int, ReviewInput, int]] = []
    for row in rows:
        key = (products[row.sku], row.review, _noon_ms(row.day, timezone))
        if key not in seen:
            seen.add(key)
            new.append(key)
    if not new:
        return ImportSummary(imported=0, skipped=len(rows))
    import_id = await import_queries.insert_import(
        conn, store_id, file_name, platform, user_id, now
    )
    for product_id, review, created_at in new:
        review_id = await queries.insert_review(
            conn, store_id=store_id, product_id=product_id, source=IMPORTED, order_id=None,
            review=review, created_at=created_at, import_id=import_id,
        )  # fmt: skip
        await queries.log_decision(
            conn, review_id=review_id, store_id=store_id, action="import", user_id=user_id,
            now=now, import_id=import_id,
        )  # fmt: skip
    await import_queries.set_imported(conn, import_id, len(new))
    return ImportSummary(imported=len(new), skipped=len(rows) - len(new))


async def remove_import(
    conn: aiosqlite.Connection, store_id: int, import_id: int, user_id: int, now: int
) -> int | None:
    """Undo an import: its reviews (imported ones only) are deleted, and the removal is logged
    with the file and the count. How many reviews went; None when it was removed already."""
    batch = await import_queries.find_import(conn, store_id, import_id)
    if batch is None:
        raise NotFound("There is no such import.")
    if batch["removed_at"] is not None:
        return None
    removed = await import_queries.delete_imported(conn, store_id, import_id, user_id, now)
    noun = "review" if removed == 1 else "reviews"
    await queries.log_decision(
        conn, review_id=None, store_id=store_id, action="remove_import", user_id=user_id,
        now=now, import_id=import_id, detail=f"{removed} {noun}",
    )  # fmt: skip
    return removed


async def _products_for(
    conn: aiosqlite.Connection, store_id: int, skus: set[str]
) -> dict[str, int]:
    """{sku: product id}: the product with that SKU, else the first of the group so named."""
    found: dict[str, int] = {}
    wanted = sorted(skus)
    for start in range(0, len(wanted), _LOOKUP_BATCH):
        batch = wanted[start : start + _LOOKUP_BATCH]
        marks = ", ".join("?" * len(batch))
        rows = await read_all(
            conn,
            f"SELECT id, sku, product_group FROM products WHERE store_id = ?"
            f" AND (sku IN ({marks}) OR product_group IN ({marks})) ORDER BY id",
            [store_id, *batch, *batch],
        )
        found |= {row["sku"]: row["id"] for row in rows if row["sku"] in skus}
        for row in rows:  # a group's code: its first product (rows are in id order)
            if row["product_group"] in skus and row["product_group"] not in found:
                found[row["product_group"]] = row["id"]
    return found


async def _imported_already(
    conn: aiosqlite.Connection, store_id: int
) -> set[tuple[int, ReviewInput, int]]:
    rows = await read_all(
        conn,
        "SELECT product_id, rating, title, body, display_name, created_at FROM reviews"
        " WHERE store_id = ? AND source = 'imported'",
        (store_id,),
    )
    return {
        (row["product_id"],
         ReviewInput(row["rating"], row["title"], row["body"], row["display_name"]),
         row["created_at"])
        for row in rows
    }  # fmt: skip


def _noon_ms(day: date, timezone: str) -> int:
    """Noon of ``day`` in the store's timezone, in UTC ms: its date reads the same anywhere
    near (a review's date is shown in the store's timezone)."""
    moment = datetime.combine(day, time(12), ZoneInfo(timezone))
    return int(moment.timestamp() * 1000)
