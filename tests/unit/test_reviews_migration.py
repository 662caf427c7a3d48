"""0019 (reviews, after their read-only review) keeps every review, vote and log entry, keeps a
review hidden for the retired reason readable, and puts the reviews imported before into one
import per store, which the merchant can then see and undo."""

from __future__ import annotations

import asyncio
import sqlite3

import aiosqlite
import pytest

from server.db.migrations import apply_migrations
from tests.unit.migrating import migrate_before

BEFORE = [
    "INSERT INTO stores (id, public_key, name, currency, locale, timezone, created_at)"
    " VALUES (1, 'pk_a', 'A', 'EUR', 'en-IE', 'UTC', 100)",
    "INSERT INTO users (id, email, password_hash, created_at) VALUES (7, 'o@a.test', 'x', 100)",
    "INSERT INTO products (id, store_id, sku, product_group, name, price, created_at,"
    " updated_at) VALUES (3, 1, 'MUG-1', 'MUG', 'Mug', 1200, 100, 100)",
    "INSERT INTO reviews (id, public_id, store_id, product_id, source, rating, title, body,"
    " display_name, status, hidden_reason, helpful, created_at) VALUES (1, 'rev_a', 1, 3,"
    " 'imported', 2, 'Late', 'The parcel was late.', 'Pat', 'hidden', 'not_about_product', 1,"
    " 500)",
    "INSERT INTO reviews (id, public_id, store_id, product_id, source, rating, display_name,"
    " created_at) VALUES (2, 'rev_b', 1, 3, 'imported', 5, 'Sam', 600)",
    "INSERT INTO review_votes (review_id, visitor_id, created_at) VALUES (1, 'v_1', 700)",
    "INSERT INTO review_moderation (review_id, store_id, action, user_id, created_at)"
    " VALUES (1, 1, 'import', 7, 400)",
    "INSERT INTO review_moderation (review_id, store_id, action, user_id, created_at)"
    " VALUES (2, 1, 'import', 7, 400)",
    "INSERT INTO review_moderation (review_id, store_id, action, reason, user_id, created_at)"
    " VALUES (1, 1, 'hide', 'not_about_product', 7, 800)",
]


def migrated(tmp_path, monkeypatch, *after: str) -> dict[str, list[tuple]]:
    async def run():
        conn = await aiosqlite.connect(tmp_path / "k.db", isolation_level=None)
        try:
            await migrate_before(conn, monkeypatch, 19)
            for statement in BEFORE:
                await conn.execute(statement)
            assert 19 in await apply_migrations(conn)
            for statement in after:
                await conn.execute(statement)
            return {
                "reviews": await conn.execute_fetchall(
                    "SELECT public_id, status, hidden_reason, title, body, display_name, helpful"
                    " FROM reviews ORDER BY id"
                ),
                "votes": await conn.execute_fetchall(
                    "SELECT review_id, visitor_id FROM review_votes"
                ),
                "log": await conn.execute_fetchall(
                    "SELECT review_id, action, reason, user_id FROM review_moderation ORDER BY id"
                ),
                "imports": await conn.execute_fetchall(
                    "SELECT id, store_id, file_name, platform, imported, created_at"
                    " FROM review_imports"
                ),
                "imported": await conn.execute_fetchall(
                    "SELECT public_id, import_id FROM reviews ORDER BY id"
                ),
                "import_entries": await conn.execute_fetchall(
                    "SELECT review_id, import_id FROM review_moderation WHERE action = 'import'"
                ),
                "fk": await conn.execute_fetchall("PRAGMA foreign_key_check"),
            }
        finally:
            await conn.close()

    return {name: [tuple(row) for row in rows] for name, rows in asyncio.run(run()).items()}


def test_0019_keeps_reviews_votes_and_the_log_with_the_retired_reason(tmp_path, monkeypatch):
    found = migrated(tmp_path, monkeypatch)
    assert found["reviews"] == [
        ("rev_a", "hidden", "not_about_product", "Late", "The parcel was late.", "Pat", 1),
        ("rev_b", "published", None, "", "", "Sam", 0),
    ]
    assert found["votes"] == [(1, "v_1")]
    assert found["log"] == [
        (1, "import", None, 7),
        (2, "import", None, 7),
        (1, "hide", "not_about_product", 7),
    ]
    assert found["imports"] == [(1, 1, "", "another platform", 2, 400)]
    assert found["imported"] == [("rev_a", 1), ("rev_b", 1)]
    assert found["import_entries"] == [(1, 1), (2, 1)]
    assert found["fk"] == []


def test_0019_takes_the_new_reason_and_still_no_other(tmp_path, monkeypatch):
    found = migrated(
        tmp_path,
        monkeypatch,
        "UPDATE reviews SET status = 'hidden', hidden_reason = 'different_product' WHERE id = 2",
    )
    assert found["reviews"][1][1:3] == ("hidden", "different_product")
    (tmp_path / "other").mkdir()
    with pytest.raises(sqlite3.IntegrityError):
        migrated(
            tmp_path / "other",
            monkeypatch,
            "UPDATE reviews SET status = 'hidden', hidden_reason = 'negative' WHERE id = 2",
        )


def test_0021_keeps_no_rating_of_a_removed_review(tmp_path, monkeypatch):
    """0021: a review removed at its writer's request before loses its rating (and may not
    get one back); every other review keeps its own."""

    async def run():
        conn = await aiosqlite.connect(tmp_path / "k.db", isolation_level=None)
        try:
            await migrate_before(conn, monkeypatch, 21)
            for statement in BEFORE[:3]:
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO reviews (id, public_id, store_id, product_id, source, rating,"
                " display_name, status, created_at) VALUES (1, 'rev_a', 1, 3, 'imported', 2, '',"
                " 'removed', 500), (2, 'rev_b', 1, 3, 'imported', 5, 'Sam', 'published', 600)"
            )
            assert 21 in await apply_migrations(conn)
            ratings = await conn.execute_fetchall("SELECT public_id, rating FROM reviews")
            with pytest.raises(sqlite3.IntegrityError):
                await conn.execute("UPDATE reviews SET rating = 3 WHERE id = 1")
            fk = await conn.execute_fetchall("PRAGMA foreign_key_check")
            return [tuple(row) for row in ratings], list(fk)
        finally:
            await conn.close()

    ratings, fk = asyncio.run(run())
    assert ratings == [("rev_a", None), ("rev_b", 5)]
    assert fk == []


def test_0022_keeps_reviews_and_votes_with_no_row_hash_or_network_yet(tmp_path, monkeypatch):
    """0022: reviews imported before have no row hash (theirs is computed when read) and votes
    cast before no network; nothing else changes."""

    async def run():
        conn = await aiosqlite.connect(tmp_path / "k.db", isolation_level=None)
        try:
            await migrate_before(conn, monkeypatch, 22)
            for statement in BEFORE[:3]:
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO reviews (id, public_id, store_id, product_id, source, rating,"
                " display_name, created_at) VALUES (1, 'rev_a', 1, 3, 'imported', 2, 'Pat', 500)"
            )
            await conn.execute(
                "INSERT INTO review_votes (review_id, visitor_id, address, created_at)"
                " VALUES (1, 'v_1', 'h', 700)"
            )
            assert 22 in await apply_migrations(conn)
            reviews = await conn.execute_fetchall(
                "SELECT public_id, rating, display_name, import_row_hash FROM reviews"
            )
            votes = await conn.execute_fetchall(
                "SELECT review_id, visitor_id, address, network FROM review_votes"
            )
            return [tuple(row) for row in reviews], [tuple(row) for row in votes]
        finally:
            await conn.close()

    reviews, votes = asyncio.run(run())
    assert reviews == [("rev_a", 2, "Pat", None)]
    assert votes == [(1, "v_1", "h", None)]
