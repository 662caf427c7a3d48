"""A read that never ends by itself, for the tests of the admin lane and its time limit.

``ENDLESS`` counts for ever (a recursive CTE with no end, in constant memory). To make a real
admin page that slow, ``make_endless`` puts a view in place of a table the page reads: the
page's own SQL, unchanged, then runs until it is stopped.
"""

from __future__ import annotations

import asyncio
import inspect
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from pathlib import Path

ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) FROM n"
QUICK = "SELECT 1"
# How long a test waits for what should happen at once: a guard against a hang, never a
# measure of speed.
GUARD_S = 30


async def until(condition: Callable[[], bool | Awaitable[bool]], what: str) -> None:
    """Wait until ``condition()`` holds, looking every 10 ms; fail after ``GUARD_S``."""
    try:
        async with asyncio.timeout(GUARD_S):
            while True:
                holds = condition()
                if await holds if inspect.isawaitable(holds) else holds:
                    return
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"still waiting after {GUARD_S} s: {what}") from None


def make_endless(db_path: Path, table: str) -> None:
    """Reading ``table`` (the members page's invitations, the activity counts' events) now
    counts for ever and finds no row."""
    with closing(sqlite3.connect(db_path)) as conn:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        # Every column an expression of the counter: with a constant or the bare column,
        # SQLite would see at once that the page's WHERE matches nothing and skip the loop.
        counters = ", ".join(f"i + 0 AS {column}" for column in columns)
        conn.executescript(
            f"""
            ALTER TABLE {table} RENAME TO {table}_kept;
            CREATE VIEW {table} AS
              WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
              SELECT {counters} FROM n WHERE i < 0;
            """
        )
