"""The only place that knows about SQLite.

One writer: every write is a function run on the single write connection inside
``BEGIN IMMEDIATE … COMMIT``, one at a time, so coroutines never interleave inside a
transaction. Reads go to a separate read-only connection and see only committed data (WAL).

The writer checkpoints the WAL itself, on its own thread, after every
``CHECKPOINT_EVERY_ROWS`` rows written (SQLite's automatic checkpoint is off for it): a
checkpoint syncs the files to disk, and must never run inside a COMMIT that
``write_inline`` runs on the event loop's thread.

Writes fail as 503s, never as 500s, for the two faults of the file rather than the request:
another process holding SQLite's write lock past the busy timeout (``DatabaseBusy``), and the
database file deleted or replaced under the running server (``DatabaseUnavailable``: every
later write is refused too, until a restart opens the file that is at the path now).
Opening a file SQLite cannot use raises ``DatabaseUnusable``, naming the file and the fault.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from server.db.files import (
    FileIdentity,
    create_private_file,
    file_identity,
    make_private_folder,
    warn_if_readable_by_others,
)
from server.db.migrations import apply_migrations
from server.errors import DatabaseBusy, DatabaseUnavailable

T = TypeVar("T")
WriteFn = Callable[[aiosqlite.Connection], Awaitable[T]]
ThreadWriteFn = Callable[[sqlite3.Connection], T]
Row = aiosqlite.Row

log = logging.getLogger("keepcart.db")

# How long a write waits for another process's write lock (a backup, a sqlite3 shell) before
# it is answered 503 database_busy; and how long the client is then told to wait.
BUSY_TIMEOUT_MS = 5000
BUSY_RETRY_AFTER_S = 1
_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    # NORMAL in WAL mode survives a killed process (the WAL is in the OS before COMMIT
    # returns); only a power loss may roll back the last transactions.
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
)
_WRITER_PRAGMAS = ("PRAGMA wal_autocheckpoint = 0",)  # Database checkpoints by itself
# Rows inserted, updated or deleted between checkpoints. 5,000 events committed in small
# groups fill about 800 pages of WAL, near SQLite's own default of 1,000; in larger groups,
# fewer. A checkpoint holds the write lock for a few milliseconds (~4 ms for 800 pages
# here): bigger ones show up directly in ingest's tail latency.
CHECKPOINT_EVERY_ROWS = 5_000


class DatabaseUnusable(Exception):
    """The database file cannot be opened or migrated: nothing can run on it."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"cannot use the database {path}: {reason}")
        self.path = path
        self.reason = reason


class Database:
    def __init__(self, path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS):
        self.path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._changes_at_checkpoint = 0
        self._identity: FileIdentity | None = None  # of the file opened
        self._lost = False  # the file at the path is no longer the one opened

    async def open(self) -> None:
        """Open the database (created 0600 when missing) and apply its migrations.

        A file SQLite or the system refuses raises ``DatabaseUnusable``. Whatever was opened
        by then is closed first: an aiosqlite connection's thread is not a daemon, and one
        left running keeps the process alive after everything else has given up.
        """
        try:
            await self._open()
        except BaseException as exc:
            await self.close()
            if isinstance(exc, sqlite3.Error | OSError):
                raise DatabaseUnusable(self.path, _describe(exc)) from exc
            raise

    async def _open(self) -> None:
        make_private_folder(self.path.parent)
        # SQLite gives the -wal and -shm files the mode of the database file.
        if not create_private_file(self.path) and self.path.is_file():
            warn_if_readable_by_others(self.path, "The database file")
        # Used from its own thread and, by write_inline, from the event loop's; never from
        # both at once, as both hold the write lock.
        self._writer = await _connect(
            str(self.path), self._busy_timeout_ms, check_same_thread=False
        )
        for pragma in _WRITER_PRAGMAS:
            await self._writer.execute(pragma)
        await apply_migrations(self._writer)
        self._reader = await _connect(f"file:{self.path}?mode=ro", self._busy_timeout_ms, uri=True)
        self._identity = file_identity(self.path)

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    def check_file(self) -> None:
        """Raise ``DatabaseUnavailable`` when the file at the path is not the one open here.

        Deleted, or replaced (a restored backup, a copy moved over it): what is committed to
        the open file from then on is lost at the next restart, so nothing more may be
        acknowledged. Once noticed it stays so; only a restart opens the new file.
        """
        if not self._lost and file_identity(self.path) != self._identity:
            self._lost = True
            log.error(
                "the database file %s was deleted or replaced while Keepcart had it open; "
                "writes are refused until Keepcart restarts",
                self.path,
            )
        if self._lost:
            raise DatabaseUnavailable(
                "The database is unavailable; nothing was saved. Try again later."
            )

    async def write(self, fn: WriteFn[T]) -> T:
        """Run ``fn(connection)`` as one write transaction and return its result.

        The transaction runs in its own task, shielded: a caller that goes away (a client
        disconnect) cannot cut a transaction in half. Any exception rolls everything back.
        Raises ``DatabaseBusy`` when another process kept the write lock past the busy
        timeout, and ``DatabaseUnavailable`` when the file is no longer the one at the path,
        checked after COMMIT so that a commit to a deleted file is never acknowledged.
        """
        return await asyncio.shield(asyncio.ensure_future(self._transaction(fn)))

    async def _transaction(self, fn: WriteFn[T]) -> T:
        conn = self._require(self._writer)
        async with self._write_lock:
            self._refuse_once_lost()
            with self._refuse_when_busy():
                await conn.execute("BEGIN IMMEDIATE")
                try:
                    result = await fn(conn)
                    await conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        await conn.execute("ROLLBACK")
                    raise
            self.check_file()
            await self._count_commit()
            return result

    async def write_inline(self, fn: ThreadWriteFn[T]) -> T:
        """Run ``fn(connection)`` as one write transaction here, on the event loop's thread.

        For event ingest's group commit, whose whole transaction is a short burst of SQLite
        work with nothing to wait for: with synchronous=NORMAL a WAL commit writes to the OS
        and syncs nothing, and checkpoints run on the writer's thread. Handing it to that
        thread instead costs more than the work itself: the thread and the event loop take
        turns holding the GIL several times per transaction, each turn can wait for the
        loop to let go, and meanwhile every request of the group waits and the loop runs
        out of work. It takes the same lock as ``write``: transactions still run one at a
        time. When another process holds SQLite's write lock, the transaction waits for it
        on the writer's thread instead, never here; once handed to that thread it runs to
        its COMMIT or ROLLBACK whatever happens to the caller. ``fn`` is plain synchronous
        code and must not touch the event loop.

        Once committed, the database file is checked to be still the one at the path
        (one ``os.stat``): a commit to a deleted or replaced file is refused, not
        acknowledged, and so is every write after it.
        """
        conn = self._require(self._writer)
        async with self._write_lock:
            self._refuse_once_lost()
            with self._refuse_when_busy():
                if _begin_without_waiting(conn._conn, self._busy_timeout_ms):
                    result = _commit_or_roll_back(conn._conn, fn)
                else:
                    result = await _on_thread(conn, _transaction_on_thread, conn._conn, fn)
            self.check_file()
            await self._count_commit()
            return result

    def _refuse_once_lost(self) -> None:
        if self._lost:
            self.check_file()

    @contextlib.contextmanager
    def _refuse_when_busy(self) -> Iterator[None]:
        """SQLITE_BUSY (another process kept the write lock past the busy timeout) becomes
        ``DatabaseBusy``, with one warning line; the transaction was rolled back."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
            log.warning(
                "the database %s stayed locked by another process for %d ms; "
                "the write was refused (database_busy)",
                self.path,
                self._busy_timeout_ms,
            )
            raise DatabaseBusy(
                "The database is busy; nothing was saved. Try again in a moment.",
                retry_after=BUSY_RETRY_AFTER_S,
            ) from None

    async def _count_commit(self) -> None:
        """Checkpoint now and then; called with the write lock held, after each COMMIT."""
        conn = self._require(self._writer)
        changes = conn._conn.total_changes  # rows written since the connection opened
        if changes - self._changes_at_checkpoint >= CHECKPOINT_EVERY_ROWS:
            self._changes_at_checkpoint = changes
            # PASSIVE: copies what it can without waiting for readers or blocking them.
            await _on_thread(conn, _checkpoint, conn._conn)

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


async def _on_thread(conn: aiosqlite.Connection, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` on ``conn``'s own thread, in turn with everything else sent there."""
    # aiosqlite has no public way to run a function on its thread; Connection._execute is it.
    return await conn._execute(fn, *args)


def _transaction_on_thread(conn: sqlite3.Connection, fn: ThreadWriteFn[T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    return _commit_or_roll_back(conn, fn)


def _begin_without_waiting(conn: sqlite3.Connection, busy_timeout_ms: int) -> bool:
    """BEGIN IMMEDIATE, or False at once when another process holds the write lock."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if not _is_busy(exc):
            raise
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return True


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY or one of its extended codes: another connection holds a lock."""
    return exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY


def _describe(exc: sqlite3.Error | OSError) -> str:
    """What is wrong with the file, as SQLite or the system says it."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror if exc.filename is None else f"{exc.strerror}: {exc.filename}"
    return str(exc)


def _commit_or_roll_back(conn: sqlite3.Connection, fn: ThreadWriteFn[T]) -> T:
    """``fn(conn)`` and COMMIT, inside a transaction the caller has begun."""
    try:
        result = fn(conn)
        conn.execute("COMMIT")
    except BaseException:
        # Nothing half-written: a failed statement or COMMIT leaves no open transaction.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


def _checkpoint(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


async def _connect(
    target: str, busy_timeout_ms: int, *, uri: bool = False, check_same_thread: bool = True
) -> aiosqlite.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves.
    conn = await aiosqlite.connect(
        target, uri=uri, isolation_level=None, check_same_thread=check_same_thread
    )
    conn.row_factory = aiosqlite.Row
    try:
        # Setting journal_mode reads the file: here SQLite finds out it is not a database.
        for pragma in (f"PRAGMA busy_timeout = {int(busy_timeout_ms)}", *_PRAGMAS):
            await conn.execute(pragma)
    except BaseException:
        await conn.close()
        raise
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
