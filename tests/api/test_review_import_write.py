"""A reviews import holds the single writer briefly (server/reviews/importing.py): the file's
SKUs and duplicates are checked before the write, and the write inserts every row at once,
so it makes the same few calls whatever the file's size; and it stays all or nothing."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import date
from typing import Any

import pytest

from server.reviews.importing import plan_import, read_review_rows, write_import
from server.reviews.model import ReviewInput
from server.services import services
from tests.api.admin_client import csrf_from, sign_in
from tests.api.reviewing import fulfilled_line, member_id, rows

pytestmark = pytest.mark.anyio


class CountingConnection:
    """The write connection, counting the statements sent to the database's thread."""

    def __init__(self, conn: Any, sent: list[str]):
        self._conn, self._sent = conn, sent

    def execute(self, sql: str, *args: Any) -> Any:
        self._sent.append(sql)
        return self._conn.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:
        self._sent.append(sql)
        return self._conn.executemany(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def csv_of(count: int, word: str) -> bytes:
    lines = "".join(
        f"MUG-1,{1 + n % 5},{word} {n},Words {n}.,Pat,2024-03-15\n" for n in range(count)
    )
    return b"sku,rating,title,body,name,date\n" + lines.encode()


async def test_an_import_makes_the_same_few_calls_in_the_write_whatever_its_size(
    app, client, merchant, store, monkeypatch
):
    await fulfilled_line(app, store)  # the store sells MUG-1
    db = services(app).db
    writes: list[list[str]] = []
    real_write = db.write

    async def counting_write(fn):
        sent: list[str] = []
        writes.append(sent)
        return await real_write(lambda conn: fn(CountingConnection(conn, sent)))

    monkeypatch.setattr(db, "write", counting_write)
    await sign_in(client)
    csrf = csrf_from((await client.get(f"/admin/stores/{store.id}/reviews/import")).text)

    async def import_file(content: bytes) -> list[str]:
        answer = await client.post(
            f"/admin/stores/{store.id}/reviews/import",
            data={"csrf_token": csrf, "platform": "Etsy"},
            files={"file": ("reviews.csv", content, "text/csv")},
        )
        assert answer.status_code == 303, answer.text
        (sent,) = [sent for sent in writes if any("INSERT INTO reviews" in s for s in sent)]
        writes.clear()
        return sent

    small = await import_file(csv_of(3, "Small"))
    large = await import_file(csv_of(400, "Large"))
    assert len(large) == len(small) <= 8, large
    assert len(await rows(app, "reviews")) == 403
    assert len(await rows(app, "review_moderation")) == 403  # each with its log entry


async def test_an_import_that_fails_in_its_write_leaves_nothing(app, store, merchant):
    await fulfilled_line(app, store)
    db = services(app).db
    user = await member_id(app)
    rows_read = read_review_rows(csv_of(50, "Row"), date(2025, 1, 1))
    plan = await plan_import(db, store.id, store.timezone, rows_read, file_name="x.csv")
    # A row the database refuses, past the checks (its title is over 120 characters): the
    # 49 rows before it, the import and their log entries must all go with it.
    too_long = ReviewInput(4, "x" * 121, "", "Pat")
    broken = dataclasses.replace(plan, new=[*plan.new, (plan.new[0][0], too_long, 0, "0" * 64)])
    with pytest.raises(sqlite3.IntegrityError):
        await db.write(lambda conn: write_import(conn, broken, user, 0))
    for table in ("reviews", "review_moderation", "review_imports"):
        assert await rows(app, table) == [], table


async def test_an_import_checked_before_another_one_landed_still_imports_each_row_once(
    app, store, merchant
):
    await fulfilled_line(app, store)
    db = services(app).db
    user = await member_id(app)
    same_file = read_review_rows(csv_of(5, "Same"), date(2025, 1, 1))
    first = await plan_import(db, store.id, store.timezone, same_file, file_name="a.csv")
    second = await plan_import(db, store.id, store.timezone, same_file, file_name="a.csv")
    done = await db.write(lambda conn: write_import(conn, first, user, 0))
    again = await db.write(lambda conn: write_import(conn, second, user, 0))  # checked again
    assert (done.imported, again.imported, again.skipped) == (5, 0, 5)
    assert len(await rows(app, "reviews")) == 5
    assert len(await rows(app, "review_imports")) == 1
