"""SQL for the event log."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any, cast

from server.db import Database
from server.events.service import Event

# A row of the events table, in the column order of the INSERT below: the store and the
# arrival time, then an Event's fields in their own order.
EventRow = tuple[int, int, str, str, int, str, str, str | None, str, str]

_ROW_COLUMNS = ("store_id", "received_at", *Event._fields)
_MAX_ROWS_PER_INSERT = 256  # 2,560 parameters, well under SQLite's limit (32,766)


def event_rows(store_id: int, events: Iterable[Event], received_at: int) -> list[EventRow]:
    # One tuple concatenation per event, in C: no field is read one by one in Python.
    head = (store_id, received_at)
    # The cast is free: pyright types a tuple plus a NamedTuple as a tuple of unknown length.
    return cast(list[EventRow], [head + event for event in events])


def insert_events(conn: sqlite3.Connection, rows: Sequence[EventRow]) -> None:
    """Insert ``rows`` inside the caller's transaction (the sink's group commit).

    Multi-row INSERTs, not executemany: executemany binds and steps row by row, one trip
    through the sqlite3 module per row. A multi-row INSERT binds its parameters in one go
    and SQLite inserts all of its rows in one step.
    """
    start = 0
    while start < len(rows):
        size = _chunk_size(len(rows) - start)
        chunk = rows[start : start + size]
        conn.execute(_insert_sql(size), list(chain.from_iterable(chunk)))
        start += size


def _chunk_size(remaining: int) -> int:
    """256, 128, …, 1 rows: any count in a few statements, and only nine statement shapes,
    which stay in the connection's prepared-statement cache."""
    return min(_MAX_ROWS_PER_INSERT, 1 << (remaining.bit_length() - 1))


@functools.cache
def _insert_sql(rows: int) -> str:
    placeholders = "(" + ",".join("?" * len(_ROW_COLUMNS)) + ")"
    return f"INSERT INTO events ({', '.join(_ROW_COLUMNS)}) VALUES " + ",".join(
        [placeholders] * rows
    )


async def activity_since(db: Database, store_id: int, since_ms: int) -> dict[str, Any]:
    """Page views and events received since ``since_ms``, and the time of the last event."""
    row = await db.fetch_one(
        "SELECT"
        " (SELECT count(*) FROM events WHERE store_id = ? AND received_at >= ?"
        "  AND type = 'pageview') AS page_views,"
        " (SELECT count(*) FROM events WHERE store_id = ? AND received_at >= ?) AS events,"
        " (SELECT max(received_at) FROM events WHERE store_id = ?) AS last_event_at",
        (store_id, since_ms, store_id, since_ms, store_id),
    )
    assert row is not None
    return dict(row)
