"""Reviews imported from another platform, from a CSV file with the columns ``sku, rating,
title, body, name, date``. They are labelled "Imported", never "Verified buyer": Keepcart
cannot know who wrote them.

All or nothing, like the catalog's import: every row is checked, and if any row is bad the
whole file is refused with each problem (row, column, message) and nothing is written. A row
the store already has as an imported review (same product, rating, words, name and date) is
skipped, so importing a file twice imports it once. A row whose review was removed at its
writer's request is left out too, and reported so: the store keeps a hash of each
(``row_hash``), never its words, so that no re-import brings it back.

A row is known again by ``row_hash``: the store, the product, the rating, the words, the name
and the date as the file writes it, computed once at import and kept on the review. Neither a
change of the store's timezone (which moves the moment a date is stored as) nor a rotation of
the signing keys changes it.

Each import is kept (``review_imports``: when, which file, from which platform, how many), and
can be undone: ``remove_import`` deletes its reviews, imported ones only, and logs it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from server.catalog.csv_io import CsvFormat, ImportRejected, RowProblem, read_rows
from server.db import Reader
from server.errors import NotFound
from server.forms import FormInvalid
from server.reviews import import_queries, queries
from server.reviews.model import ReviewInput
from server.reviews.service import local_date, read_review
from server.security import Purpose, Signer

COLUMNS = ("sku", "rating", "title", "body", "name", "date")
REQUIRED_COLUMNS = ("sku", "rating", "name", "date")
MAX_ROWS = 5_000
FIRST_YEAR = 2000
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
    withheld: int = 0  # removed at their writers' request before: never imported again


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
# An import is checked before its write (SKUs, and which rows the store has already), so the
# single writer is held only for a few statements, whatever the file's size; the write is
# still one transaction: all of the file or nothing.

# (product id, the review, when written: UTC ms, its row's hash)
NewReview = tuple[int, ReviewInput, int, str]


@dataclass(frozen=True)
class ImportPlan:
    """An import checked against the store: the reviews it will add, in file order."""

    store_id: int
    timezone: str
    rows: Sequence[ImportedReview]
    new: list[NewReview]
    imports_seen: tuple[int, ...]  # the store's imports when it was checked
    file_name: str
    platform: str
    signer: Signer | None
    withheld: int  # rows removed at their writers' request before, left out


def row_hash(store_id: int, product_id: int, review: ReviewInput, day: date) -> str:
    """An imported row as SHA-256 (hex) of the store, the product, the rating, the words, the
    name and the date as the file writes it: what a re-import compares, and what a review
    removed at its writer's request leaves behind. Unkeyed on purpose: a key that rotates
    would make old hashes unmatchable once it is dropped (and the review would come back),
    and Keepcart has no secret that never rotates. Without the words, no one can find them
    from it; with them (the merchant's own file), it tells only that the row was there."""
    value = ["keepcart.imported-review-row.v1", store_id, product_id, review.rating,
             review.title, review.body, review.name, day.isoformat()]  # fmt: skip
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest()


def legacy_removed_hashes(signer: Signer, store_id: int, key: NewReview) -> tuple[str, ...]:
    """What migration 0021's removals kept (a keyed hash under the newest key then, of the row
    dated in the store's timezone then), still matched while that key and timezone last:
    those rows cannot be hashed again, their words being gone."""
    product_id, review, created_at, _ = key
    value = [store_id, product_id, review.rating, review.title, review.body, review.name,
             created_at]  # fmt: skip
    return signer.keyed_hashes(Purpose.REMOVED_REVIEW, json.dumps(value, ensure_ascii=False))


def known_row_hashes(store_id: int, timezone: str, reviews: Iterable[Any]) -> set[str]:
    """The row hashes of the store's imported reviews: kept since migration 0022, or for one
    imported before, computed from its date in the store's timezone (noon of the file's day,
    so it reads as that day in the timezone it was imported in and any within 12 hours)."""
    return {
        row["import_row_hash"] or row_hash(
            store_id, row["product_id"],
            ReviewInput(row["rating"], row["title"], row["body"], row["display_name"]),
            local_date(row["created_at"], timezone),
        )
        for row in reviews
    }  # fmt: skip


async def plan_import(
    db: Reader,
    store_id: int,
    timezone: str,
    rows: Sequence[ImportedReview],
    *,
    file_name: str = "",
    platform: str = UNNAMED_PLATFORM,
    signer: Signer | None = None,
) -> ImportPlan:
    """Every row's SKU checked against the store (ImportRejected lists the unknown ones), and
    the rows the store has already (or the file has twice) left out: a file imported twice
    imports once; so are rows removed at their writers' request (``signer`` also knows those
    removed before migration 0022: None only for a store that can have none, a new store's
    seed). Read before the write, from the read connection."""
    products = await import_queries.products_for(db, store_id, {row.sku for row in rows})
    problems = [
        RowProblem(row.row, "sku", f"This store has no product with the SKU {row.sku}.")
        for row in rows
        if row.sku not in products
    ]
    if problems:
        raise ImportRejected(problems)
    # Read first: an import landing after this read changes it, and the write checks again.
    imports_seen = await import_queries.imports_state(db, store_id)
    seen = known_row_hashes(store_id, timezone, await import_queries.imported_rows(db, store_id))
    removed = await import_queries.removed_rows(db, store_id)
    new: list[NewReview] = []
    withheld = 0
    for row in rows:
        product_id = products[row.sku]
        digest = row_hash(store_id, product_id, row.review, row.day)
        key = (product_id, row.review, _noon_ms(row.day, timezone), digest)
        if digest in removed or (
            signer
            and removed
            and removed.intersection(legacy_removed_hashes(signer, store_id, key))
        ):
            withheld += 1
        elif digest not in seen:
            seen.add(digest)
            new.append(key)
    return ImportPlan(
        store_id, timezone, rows, new, imports_seen, file_name, platform, signer, withheld
    )


async def write_import(
    conn: aiosqlite.Connection, plan: ImportPlan, user_id: int, now: int
) -> ImportSummary:
    """The planned reviews written in the caller's transaction, as one import, each with its
    "import" entry in the log. A file with nothing new makes no import."""
    if await import_queries.imports_state(conn, plan.store_id) != plan.imports_seen:
        # Another import, or a removal, since the plan was checked: check again, inside the
        # write this time, so that no row is imported twice.
        plan = await plan_import(
            conn, plan.store_id, plan.timezone, plan.rows,
            file_name=plan.file_name, platform=plan.platform, signer=plan.signer,
        )  # fmt: skip
    skipped = len(plan.rows) - len(plan.new) - plan.withheld
    if not plan.new:
        return ImportSummary(imported=0, skipped=skipped, withheld=plan.withheld)
    import_id = await import_queries.insert_import(
        conn, plan.store_id, plan.file_name, plan.platform, len(plan.new), user_id, now
    )
    await import_queries.insert_imported_reviews(conn, plan.store_id, import_id, plan.new)
    await import_queries.log_imported(conn, plan.store_id, import_id, user_id, now)
    return ImportSummary(imported=len(plan.new), skipped=skipped, withheld=plan.withheld)


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
    signer: Signer | None = None,
) -> ImportSummary:
    """Check and write in the caller's transaction (the demo's seed, a test's rows); the
    admin's upload checks first and writes after (``plan_import``, ``write_import``)."""
    plan = await plan_import(
        conn, store_id, timezone, rows, file_name=file_name, platform=platform, signer=signer
    )
    return await write_import(conn, plan, user_id, now)


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


def _noon_ms(day: date, timezone: str) -> int:
    """Noon of ``day`` in the store's timezone, in UTC ms: its date reads the same anywhere
    near (a review's date is shown in the store's timezone)."""
    moment = datetime.combine(day, time(12), ZoneInfo(timezone))
    return int(moment.timestamp() * 1000)
