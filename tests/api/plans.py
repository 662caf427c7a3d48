"""What SQLite plans for a query: the tests that hold a page's reads to its indexes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite

from server.db import Database


async def query_plans(
    db: Database, statements: Iterable[tuple[str, Sequence[Any]]]
) -> list[list[str]]:
    """Each statement's ``EXPLAIN QUERY PLAN`` lines (its details: "SEARCH x USING …"),
    read on the write connection, which sees every index the migrations made."""

    async def explain(conn: aiosqlite.Connection) -> list[list[str]]:
        found = []
        for sql, params in statements:
            async with conn.execute("EXPLAIN QUERY PLAN " + sql, params) as cursor:
                found.append([row[3] for row in await cursor.fetchall()])
        return found

    return await db.write(explain)
