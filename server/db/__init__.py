"""The only place that knows about SQLite.

One writer: every write is a function run on the single write connection inside
``BEGIN IMMEDIATE … COMMIT``, one at a time, so coroutines never interleave inside a
transaction. Reads go to a separate read-only connection and see only committed data (WAL).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from server.db.migrations import apply_migrations

T = TypeVar("T")
WriteFn = Callable[[aiosqlite.Connection], Awaitable[T]]
ThreadWriteFn = Callable[[sqlite3.Connection], T]
Row = aiosqlite.Row

log = logging.getLogger("keepcart.db")

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    # NORMAL in WAL mode survives a killed process (the WAL is in the OS before COMMIT
    # returns); only a power loss may roll back the last transactions.
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
)


class Database:
    def __init__(self, path: Path):
        self.path = path
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await _connect(str(self.path))
        await apply_migrations(self._writer)
        self._reader = await _connect(f"file:{self.path}?mode=ro", uri=True)

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    async def write(self, fn: WriteFn[T]) -> T:
        """Run ``fn(connection)`` as one write transaction and return its result.

        The transaction runs in its own task, shielded: a caller that goes away (a client
        disconnect) cannot cut a transaction in half. Any exception rolls everything back.
        """
        return await asyncio.shield(asyncio.ensure_future(self._transaction(fn)))

    async def _transaction(self, fn: WriteFn[T]) -> T:
        conn = self._require(self._writer)
        async with self._write_lock:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                result = await fn(conn)
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")
            return result

    async def write_on_thread(self, fn: ThreadWriteFn[T]) -> T:
        """Run ``fn(connection)`` as one write transaction, all of it on the writer's thread.

        For hot paths (event ingest): BEGIN, ``fn`` and COMMIT are one trip to the SQLite
        thread instead of one per statement, so the event loop is woken once per
        transaction. It takes the same lock as ``write``: transactions still run one at a
        time. It needs no shield: once handed to the thread, the transaction runs to its
        COMMIT or ROLLBACK there whatever happens to the caller, and the thread runs what
        it is given in order, so a later transaction can only start after it. ``fn`` is
        plain synchronous code and must not touch the event loop.
        """
        conn = self._require(self._writer)
        async with self._write_lock:
            # aiosqlite has no public way to run a function on its thread; _execute is it.
            return await conn._execute(_transaction_on_thread, conn._conn, fn)

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        # One job on the reader's thread: execute and fetch together, so no statement stays
        # open between awaits. An open statement would pin the shared read connection to an
        # old snapshot, and a concurrent reader would miss a write that just committed.
        return list(await self._require(self._reader).execute_fetchall(sql, params))

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    @staticmethod
    def _require(conn: aiosqlite.Connection | None) -> aiosqlite.Connection:
        if conn is None:
            raise RuntimeError("the database is not open")
        return conn


def _transaction_on_thread(conn: sqlite3.Connection, fn: ThreadWriteFn[T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn)
        conn.execute("COMMIT")
    except BaseException:
        # Nothing half-written: a failed statement or COMMIT leaves no open transaction.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


async def _connect(target: str, *, uri: bool = False) -> aiosqlite.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves.
    conn = await aiosqlite.connect(target, uri=uri, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    for pragma in _PRAGMAS:
        await conn.execute(pragma)
    return conn


Reader = aiosqlite.Connection | Database


async def read_all(conn: Reader, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    """Rows from the read connection, or from inside a write transaction's connection."""
    if isinstance(conn, Database):
        return await conn.fetch_all(sql, params)
    async with conn.execute(sql, params) as cursor:
        return list(await cursor.fetchall())


async def read_one(conn: Reader, sql: str, params: Sequence[Any] = ()) -> Row | None:
    rows = await read_all(conn, sql, params)
    return rows[0] if rows else None
