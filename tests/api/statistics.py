"""Planner statistics set by a test, so a query plan can be checked in each state a store's
database may be in: none yet, a small store's, a grown store's."""

from __future__ import annotations

from collections.abc import Sequence

from server.db import Database


async def use_statistics(db: Database, rows: Sequence[tuple[str, str | None, str]] = ()) -> None:
    """Replace sqlite_stat1 with ``rows`` (none: no statistics, as before any ANALYZE; the
    server analyses at open, so a test wanting none takes them away). Plans are then read on
    the writer (``db.write``), which reloads them here."""

    async def replace(conn):
        await conn.execute("DELETE FROM sqlite_stat1")
        await conn.executemany("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", rows)
        await conn.execute("ANALYZE sqlite_schema")  # the planner reads them again

    await db.write(replace)
    assert await db.fetch_value("SELECT count(*) FROM sqlite_stat1") == len(rows)
