"""What SQLite plans for a query: the tests that hold a page's reads to its indexes."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
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


async def recorded_plans(
    db: Database,
    work: Callable[[aiosqlite.Connection], Awaitable[Any]],
    around: Callable[[aiosqlite.Connection], contextlib.AbstractAsyncContextManager[Any]]
    | None = None,
) -> list[tuple[str, list[str]]]:
    """Each statement ``work(conn)`` runs inside one write, with its query plan read in the
    same write (every parameter 1); ``around(conn)``: a context the statements need (SQL
    functions they call)."""
    statements: list[str] = []

    @contextlib.asynccontextmanager
    async def nothing(conn: aiosqlite.Connection) -> AsyncIterator[None]:
        yield

    async def run(conn: aiosqlite.Connection) -> list[list[str]]:
        original = conn.execute

        def recording(sql: str, params: Any = ()) -> Any:
            statements.append(sql)
            return original(sql, params)

        async with (around or nothing)(conn):
            conn.execute = recording  # type: ignore[method-assign]
            try:
                await work(conn)
            finally:
                conn.execute = original  # type: ignore[method-assign]
            plans = []
            for sql in statements:
                async with conn.execute("EXPLAIN QUERY PLAN " + sql, [1] * sql.count("?")) as cur:
                    plans.append([row[3] for row in await cur.fetchall()])
        return plans

    plans = await db.write(run)
    return list(zip(statements, plans, strict=True))
