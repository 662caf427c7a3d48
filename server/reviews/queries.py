"""SQL for reviews: reads take the ``Database``; writes an ``aiosqlite.Connection`` inside the
single writer's transaction (``server.reviews.publishing``, ``moderating``, ``importing``).

A product's reviews are those of every SKU in its product group (a variant's review is the
product's): a page asks by a SKU or by the group's own code, as the demo shop's product pages do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.db import Database, Reader, read_all, read_one
from server.reviews.links import LineKey
from server.reviews.model import (
    HIDDEN,
    PUBLISHED,
    REMOVED,
    ModerationEntry,
    Reply,
    Review,
    ReviewInput,
    ReviewLine,
)
from server.security import new_public_id

_REVIEW = (
    "r.id, r.public_id, r.store_id, r.product_id, p.sku, p.name AS product_name, r.source,"
    " r.order_id, r.import_id, r.rating, r.title, r.body, r.display_name, r.status,"
    " r.hidden_reason, r.helpful, r.reply, r.reply_at, r.created_at"
)
_FROM = " FROM reviews r JOIN products p ON p.id = r.product_id"


def review_from_row(row: Any) -> Review:
    reply = None if row["reply"] is None else Reply(row["reply"], row["reply_at"])
    return Review(
        id=row["id"],
        public_id=row["public_id"],
        store_id=row["store_id"],
        product_id=row["product_id"],
        sku=row["sku"],
        product_name=row["product_name"],
        source=row["source"],
        order_id=row["order_id"],
        import_id=row["import_id"],
        rating=row["rating"],
        title=row["title"],
        body=row["body"],
        name=row["display_name"],
        status=row["status"],
        hidden_reason=row["hidden_reason"],
        helpful=row["helpful"],
        reply=reply,
        created_at=row["created_at"],
    )


# ---- order lines ---------------------------------------------------------------------------

_LINE = (
    "SELECT o.store_id, o.id AS order_id, o.public_id AS order_public_id,"
    " o.number AS order_number, o.status AS order_status, o.payment_method, i.product_id, i.sku,"
    " i.name AS product_name, i.variant, o.shipping_name, r.id AS review_id"
    " FROM orders o JOIN order_items i ON i.order_id = o.id"
    " LEFT JOIN reviews r ON r.order_id = i.order_id AND r.product_id = i.product_id"
)


async def find_line(db: Reader, key: LineKey) -> ReviewLine | None:
    """The order line a review link names, with its review once written (None when the
    order or the line is not there, or is another store's)."""
    sql = f"{_LINE} WHERE o.public_id = ? AND o.store_id = ? AND i.product_id = ?"
    params = (key.order_public_id, key.store_id, key.product_id)
    row = await read_one(db, sql, params)
    if row is None:
        return None
    review = None if row["review_id"] is None else await find_review_by_id(db, row["review_id"])
    return _line_from_row(row, review)


async def lines_of_order(db: Database, order_id: int) -> list[ReviewLine]:
    """Every line of an order with its review (if written), in the receipt's order."""
    rows = await db.fetch_all(
        f"{_LINE} WHERE o.id = ? ORDER BY i.name, i.variant, i.sku", (order_id,)
    )
    reviews = {
        review.id: review for review in await _reviews_where(db, "r.order_id = ?", (order_id,))
    }
    return [_line_from_row(row, reviews.get(row["review_id"])) for row in rows]


def _line_from_row(row: Any, review: Review | None) -> ReviewLine:
    return ReviewLine(
        store_id=row["store_id"],
        order_id=row["order_id"],
        order_public_id=row["order_public_id"],
        order_number=row["order_number"],
        order_status=row["order_status"],
        payment_method=row["payment_method"],
        product_id=row["product_id"],
        sku=row["sku"],
        product_name=row["product_name"],
        variant=row["variant"],
        shipping_name=row["shipping_name"],
        review=review,
    )


# ---- one review ----------------------------------------------------------------------------


async def find_review_by_id(db: Reader, review_id: int) -> Review | None:
    found = await _reviews_where(db, "r.id = ?", (review_id,))
    return found[0] if found else None


async def find_review(db: Reader, store_id: int, public_id: str) -> Review | None:
    found = await _reviews_where(db, "r.store_id = ? AND r.public_id = ?", (store_id, public_id))
    return found[0] if found else None


async def reviews_of_orders(db: Reader, store_id: int, order_ids: Sequence[int]) -> list[Review]:
    """The reviews written through these orders' lines (removed ones too), newest first."""
    marks = ",".join("?" * len(order_ids))
    # By the order line's key; ``+`` keeps SQLite from walking the store's reviews instead.
    where = f"+r.store_id = ? AND r.order_id IN ({marks})"
    return await _reviews_where(db, where, [store_id, *order_ids]) if order_ids else []


async def _reviews_where(db: Reader, where: str, params: Sequence[Any]) -> list[Review]:
    sql = f"SELECT {_REVIEW}{_FROM} WHERE {where} ORDER BY r.created_at DESC, r.id DESC"
    rows = await read_all(db, sql, params)
    return [review_from_row(row) for row in rows]


# ---- writes --------------------------------------------------------------------------------


async def insert_review(
    conn: aiosqlite.Connection,
    *,
    store_id: int,
    product_id: int,
    source: str,
    order_id: int | None,
    review: ReviewInput,
    created_at: int,
    import_id: int | None = None,
) -> int:
    cursor = await conn.execute(
        "INSERT INTO reviews (public_id, store_id, product_id, source, order_id, import_id,"
        " rating, title, body, display_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new_public_id("rev"), store_id, product_id, source, order_id, import_id,
            review.rating, review.title, review.body, review.name, created_at,
        ),
    )  # fmt: skip
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def log_decision(
    conn: aiosqlite.Connection,
    *,
    review_id: int | None,
    store_id: int,
    action: str,
    user_id: int | None,
    now: int,
    reason: str | None = None,
    detail: str = "",
    import_id: int | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO review_moderation (review_id, store_id, import_id, action, reason, detail,"
        " user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (review_id, store_id, import_id, action, reason, detail, user_id, now),
    )


async def erase_review(conn: aiosqlite.Connection, review_id: int) -> None:
    """Removed at its writer's request: everything it said (its rating too), its name, the
    shop's reply (which may quote it, in the log too) and its votes are gone; its product and
    date stay, so the counts can say a review was removed."""
    await conn.execute(
        "UPDATE reviews SET status = ?, hidden_reason = NULL, rating = NULL, title = '',"
        " body = '', display_name = '', reply = NULL, reply_at = NULL, helpful = 0,"
        " import_row_hash = NULL WHERE id = ?",
        (REMOVED, review_id),
    )
    await conn.execute("DELETE FROM review_votes WHERE review_id = ?", (review_id,))
    await conn.execute(
        "UPDATE review_moderation SET detail = '' WHERE review_id = ? AND action = 'reply'",
        (review_id,),
    )


async def set_status(
    conn: aiosqlite.Connection, review_id: int, status: str, reason: str | None
) -> None:
    assert (status == HIDDEN) == (reason is not None)
    await conn.execute(
        "UPDATE reviews SET status = ?, hidden_reason = ? WHERE id = ?", (status, reason, review_id)
    )


async def set_reply(
    conn: aiosqlite.Connection, review_id: int, reply: str | None, now: int | None
) -> None:
    await conn.execute(
        "UPDATE reviews SET reply = ?, reply_at = ? WHERE id = ?", (reply, now, review_id)
    )


# ---- a product's published reviews ---------------------------------------------------------


@dataclass(frozen=True)
class ProductGroup:
    """What a page's SKU stands for: its product group, and a name to show."""

    store_id: int
    group: str
    sku: str  # as asked
    name: str


async def product_group(db: Reader, store_id: int, sku: str) -> ProductGroup | None:
    """The group of the product with ``sku``, or the group named ``sku`` itself; None when
    the store has neither."""
    sql = (
        "SELECT product_group, name FROM products WHERE store_id = ? AND sku = ?"
        " UNION ALL SELECT * FROM (SELECT product_group, name FROM products"
        "  WHERE store_id = ? AND product_group = ? ORDER BY id LIMIT 1)"
        " LIMIT 1"
    )
    params = (store_id, sku, store_id, sku)
    row = await read_one(db, sql, params)
    return None if row is None else ProductGroup(store_id, row["product_group"], sku, row["name"])


_IN_GROUP = "r.product_id IN (SELECT id FROM products WHERE store_id = ? AND product_group = ?)"


async def rating_counts(db: Database, group: ProductGroup) -> dict[int, int]:
    """Published reviews of the group by rating."""
    rows = await db.fetch_all(
        f"SELECT r.rating, count(*) AS n FROM reviews r WHERE {_IN_GROUP}"
        " AND r.status = 'published' GROUP BY r.rating",
        (group.store_id, group.group),
    )
    return {row["rating"]: row["n"] for row in rows}


@dataclass(frozen=True)
class GroupFacts:
    imported: int  # published reviews imported
    hidden: dict[str, int]  # hidden reviews by reason
    removed: int  # removed at their writers' request
    platforms: tuple[str, ...]  # where its published imported reviews come from


async def group_facts(db: Database, group: ProductGroup) -> GroupFacts:
    """What the group's "How reviews work here" is written from."""
    rows = await db.fetch_all(
        "SELECT r.status, r.source, r.hidden_reason, i.platform, count(*) AS n FROM reviews r"
        " LEFT JOIN review_imports i ON i.id = r.import_id"
        f" WHERE {_IN_GROUP} GROUP BY r.status, r.source, r.hidden_reason, i.platform",
        (group.store_id, group.group),
    )
    shown_imported = [
        row for row in rows if row["status"] == PUBLISHED and row["source"] == "imported"
    ]
    hidden: dict[str, int] = {}
    for row in rows:
        if row["status"] == HIDDEN:
            hidden[row["hidden_reason"]] = hidden.get(row["hidden_reason"], 0) + row["n"]
    return GroupFacts(
        imported=sum(row["n"] for row in shown_imported),
        hidden=hidden,
        removed=sum(row["n"] for row in rows if row["status"] == REMOVED),
        platforms=tuple(sorted({row["platform"] for row in shown_imported if row["platform"]})),
    )


_ORDER_BY = {
    "newest": "r.created_at DESC, r.id DESC",
    "helpful": "r.helpful DESC, r.created_at DESC, r.id DESC",
}


async def published_reviews(
    db: Database, group: ProductGroup, sort: str, *, limit: int, offset: int
) -> list[Review]:
    rows = await db.fetch_all(
        f"SELECT {_REVIEW}{_FROM} WHERE {_IN_GROUP} AND r.status = 'published'"
        f" ORDER BY {_ORDER_BY[sort]} LIMIT ? OFFSET ?",
        (group.store_id, group.group, limit, offset),
    )
    return [review_from_row(row) for row in rows]


async def star_summaries(
    db: Database, store_id: int, skus: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """{sku: (published reviews, sum of their ratings)} for each SKU (or group code) the
    store has; a SKU it has not is left out."""
    wanted = " UNION ALL ".join("SELECT ? AS sku, ? AS n" for _ in skus)
    params: list[Any] = [value for index, sku in enumerate(skus) for value in (sku, index)]
    rows = await db.fetch_all(
        f"WITH wanted AS ({wanted}),"
        " groups AS (SELECT w.sku, coalesce("
        "   (SELECT product_group FROM products WHERE store_id = ? AND sku = w.sku),"
        "   (SELECT product_group FROM products WHERE store_id = ? AND product_group = w.sku"
        "    LIMIT 1)) AS grp FROM wanted w)"
        " SELECT g.sku, count(r.id) AS count, coalesce(sum(r.rating), 0) AS total"
        " FROM groups g JOIN products p ON p.store_id = ? AND p.product_group = g.grp"
        " LEFT JOIN reviews r ON r.product_id = p.id AND r.status = 'published'"
        " GROUP BY g.sku",
        [*params, store_id, store_id, store_id],
    )
    return {row["sku"]: (row["count"], row["total"]) for row in rows}


# ---- the admin's list and the moderation log ---------------------------------------------


@dataclass(frozen=True)
class ReviewFilter:
    status: str | None = None
    rating: int | None = None
    sku: str = ""
    source: str | None = None

    def where(self, store_id: int) -> tuple[str, list[Any]]:
        clauses: list[str] = ["r.store_id = ?"]
        params: list[Any] = [store_id]
        for column, value in (("r.status", self.status), ("r.rating", self.rating),
                              ("r.source", self.source)):  # fmt: skip
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.sku:
            clauses.append(
                "r.product_id IN (SELECT id FROM products WHERE store_id = ?"
                " AND (sku = ? OR product_group = ?))"
            )
            params += [store_id, self.sku, self.sku]
        return " AND ".join(clauses), params


async def list_reviews(
    db: Database, store_id: int, wanted: ReviewFilter, *, limit: int, offset: int
) -> list[Review]:
    where, params = wanted.where(store_id)
    rows = await db.fetch_all(
        f"SELECT {_REVIEW}{_FROM} WHERE {where} ORDER BY r.created_at DESC, r.id DESC"
        " LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [review_from_row(row) for row in rows]


async def count_reviews(db: Database, store_id: int, wanted: ReviewFilter) -> int:
    where, params = wanted.where(store_id)
    return int(await db.fetch_value(f"SELECT count(*) FROM reviews r WHERE {where}", params))


async def moderation_log(
    db: Database, store_id: int, *, review_id: int | None = None, limit: int, offset: int = 0
) -> list[ModerationEntry]:
    """The log, newest first: the store's, or one review's."""
    where, params = "m.store_id = ?", [store_id]
    if review_id is not None:
        where, params = "m.review_id = ? AND m.store_id = ?", [review_id, store_id]
    rows = await db.fetch_all(
        "SELECT r.public_id, m.action, m.reason, m.detail, u.email, m.created_at, i.file_name"
        " FROM review_moderation m LEFT JOIN reviews r ON r.id = m.review_id"
        " LEFT JOIN users u ON u.id = m.user_id"
        " LEFT JOIN review_imports i ON i.id = m.import_id"
        f" WHERE {where} ORDER BY m.id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [
        ModerationEntry(row["public_id"], row["action"], row["reason"], row["detail"],
                        row["email"], row["created_at"], row["file_name"])
        for row in rows
    ]  # fmt: skip


async def count_log(db: Database, store_id: int) -> int:
    return int(
        await db.fetch_value(
            "SELECT count(*) FROM review_moderation WHERE store_id = ?", (store_id,)
        )
    )
