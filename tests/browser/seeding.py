"""The browser tier's seeded database: migrated and seeded once per session, copied per test.

Seeding is most of a test's setup (every migration, the demo store, a merchant whose password
hash is slow on purpose). It is the same for every test but for three things, which each copy
gets as if it had been seeded itself: the shop's origin (its port is random; the store allows
it and the product images live on it), fresh public ids (store key, campaign ids), and the
seed's times, which move by the template's age: a copy's stamps are as a seed that has just
finished left them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import os
import sqlite3
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from server.accounts import add_member, create_store, create_user
from server.clock import now_ms
from server.db import Database
from server.db.files import PRIVATE_FILE_MODE
from server.demo_seed import seed_demo_store
from server.security import new_public_id
from server.stores.service import Store, validate_new_store
from tests.conftest import MERCHANT_EMAIL, MERCHANT_PASSWORD

# The template's shop origin: no real shop is there, each copy puts its own in its place.
TEMPLATE_SHOP_URL = "http://seed-template.invalid"
# How far around the seed's run a stored integer counts as a time it stamped: the demo's
# expired code ends a day before the seed, so a margin of two days covers every stamp.
STAMP_MARGIN_MS = 2 * 86_400_000


async def seed(db_path: Path, shop_origins: list[str]) -> Store:
    """A new database: the demo store (allowing ``shop_origins``) and its merchant login."""
    db = Database(db_path)
    await db.open()
    try:
        new = validate_new_store("Fernhill Goods", shop_origins, "EUR", "en-IE", "Europe/Dublin")
        store = await create_store(db, new, now=now_ms())
        # The demo catalog, shipping, VAT and codes; product images live on the shop.
        await db.write(lambda conn: seed_demo_store(conn, store.id, shop_origins[0], now_ms()))
        await create_user(db, MERCHANT_EMAIL, MERCHANT_PASSWORD, now=now_ms())
        await add_member(db, store.id, MERCHANT_EMAIL, "owner", now=now_ms())
    finally:
        await db.close()
    return store


@dataclass(frozen=True)
class SeedTemplate:
    content: bytes  # the whole database file, checkpointed: no -wal file goes with it
    store: Store
    seeded_at: int  # when the seed finished (ms): its stamps move by the template's age
    stamp_window: tuple[int, int]  # a stored integer in it is a time the seed stamped
    stamp_columns: tuple[tuple[str, str], ...]  # (table, column) holding such times


@functools.cache
def seed_template() -> SeedTemplate:
    """Seed once per test session (the process), in a folder removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.db"
        started = now_ms()
        # Playwright's sync API owns the calling thread's event loop: seed from another one.
        with ThreadPoolExecutor(1) as pool:
            store = pool.submit(asyncio.run, seed(path, [TEMPLATE_SHOP_URL])).result()
        # Database.close was the last connection: SQLite has moved the WAL into the file.
        assert not path.with_name(path.name + "-wal").exists()
        finished = now_ms()
        window = (started - STAMP_MARGIN_MS, finished + STAMP_MARGIN_MS)
        columns = _stamp_columns(path, *window)
        return SeedTemplate(path.read_bytes(), store, finished, window, columns)


def _stamp_columns(path: Path, low: int, high: int) -> tuple[tuple[str, str], ...]:
    """Every column where some row holds an integer in [low, high]: a time the seed stamped."""
    found = []
    with closing(sqlite3.connect(path)) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]  # fmt: skip
        for table in tables:
            for column in [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]:
                hit = conn.execute(
                    f'SELECT 1 FROM "{table}" WHERE typeof("{column}") = \'integer\''
                    f' AND "{column}" BETWEEN ? AND ? LIMIT 1',
                    (low, high),
                ).fetchone()
                if hit:
                    found.append((table, column))
    return tuple(found)


def copy_seeded(db_path: Path, shop_url: str) -> Store:
    """A database at ``db_path`` (new, 0600 like Keepcart's) as ``seed`` would make it now for
    a shop at ``shop_url``; returns its store."""
    template = seed_template()
    fd = os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "wb") as file:
        file.write(template.content)
    public_key = new_public_id("pk", 12)
    with closing(sqlite3.connect(db_path)) as conn, conn:  # one transaction
        _make_it_this_tests(conn, template, shop_url, public_key)
    return dataclasses.replace(template.store, public_key=public_key, origins=frozenset([shop_url]))


def _make_it_this_tests(
    conn: sqlite3.Connection, template: SeedTemplate, shop_url: str, public_key: str
) -> None:
    store_id = template.store.id
    conn.execute("UPDATE store_origins SET origin = ? WHERE store_id = ?", (shop_url, store_id))
    conn.execute(
        "UPDATE products SET image_url = replace(image_url, ?, ?) WHERE store_id = ?",
        (TEMPLATE_SHOP_URL, shop_url, store_id),
    )
    conn.execute("UPDATE stores SET public_key = ? WHERE id = ?", (public_key, store_id))
    for (campaign_id,) in conn.execute("SELECT id FROM campaigns").fetchall():
        conn.execute(
            "UPDATE campaigns SET public_id = ? WHERE id = ?", (new_public_id("cmp"), campaign_id)
        )
    age = now_ms() - template.seeded_at
    for table, column in template.stamp_columns:
        conn.execute(
            f'UPDATE "{table}" SET "{column}" = "{column}" + ?'
            f' WHERE typeof("{column}") = \'integer\' AND "{column}" BETWEEN ? AND ?',
            (age, *template.stamp_window),
        )
