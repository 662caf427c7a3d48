"""The only place that knows about SQLite.

One writer: every write is a function run on the single write connection inside
``BEGIN IMMEDIATE … COMMIT``, one at a time, so coroutines never interleave inside a
transaction. Reads go to read-only connections and see only committed data (WAL).

Reads run in lanes (``ReadLane``), each with its own read-only connections, each connection
on its own thread: shoppers' requests and everything else read in ``PUBLIC``; every admin
request reads in ``ADMIN`` (``server/app.py`` chooses it once, for the whole /admin mount,
with ``read_lane``), so a slow admin page never makes a shopper's read queue behind it. An
admin read has a time limit: past it, the query itself is stopped (a progress handler on its
connection) and ``QueryTimedOut`` (503) is raised; a read whose caller goes away (a
cancelled request) is stopped the same way. ``stop_admin_reads`` stops them all at once,
for a server told to stop.

Statistics for the query planner: a bounded ``ANALYZE`` (``ANALYSIS_LIMIT``) after
migrations when any table lacks them, and again on ``refresh_statistics`` (the server's
maintenance runs it on a schedule); ``PRAGMA optimize`` at close.

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
import enum
import logging
import math
import re
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextvars import ContextVar
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
from server.errors import DatabaseBusy, DatabaseUnavailable, QueryTimedOut, ServiceUnavailable

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
# Rows inserted, updated or deleted between checkpoints. 5,000 events committed in small
# groups fill about 800 pages of WAL, near SQLite's own default of 1,000; in larger groups,
# fewer. A checkpoint holds the write lock for a few milliseconds (~4 ms for 800 pages
# here): bigger ones show up directly in ingest's tail latency.
CHECKPOINT_EVERY_ROWS = 5_000
# Admin reads stop after this long by default (the app passes KEEPCART_ADMIN_QUERY_TIMEOUT).
ADMIN_READ_LIMIT_MS = 10_000
# ANALYZE looks at about this many rows per index: statistics good enough for the planner,
# in ~6 ms for the scale bench's 310 MB store (a full ANALYZE there takes ~400 ms, all of
# it holding the write lock).
ANALYSIS_LIMIT = 1000
_WRITER_PRAGMAS = (
    "PRAGMA wal_autocheckpoint = 0",  # Database checkpoints by itself
    # Deleted and overwritten content is zeroed, not left in free space: a shopper's erased
    # details must leave the file (most builds default to it; some do not).
    "PRAGMA secure_delete = ON",
    f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}",  # for ANALYZE and PRAGMA optimize
)
# SQLite calls a read connection's progress handler every this many virtual-machine steps
# (~6 ms of a heavy query here): how soon a read past its limit, or cancelled, stops. Each
# call takes the GIL for a moment, so not much more often.
_PROGRESS_STEPS = 200_000


class ReadLane(enum.Enum):
    """Which read connections a read runs on; chosen per request with ``read_lane``."""

    PUBLIC = "public"  # shoppers' requests, the store directory, background work
    ADMIN = "admin"  # every /admin request: its own connections, and a time limit


# Read connections per lane. Public reads are short; three let one slow one (a big cart, a
# cold cache) not hold the others. Admin reads may be long; two let a second tab or the live
# activity counts run beside one slow page, and the time limit bounds how long a third waits.
READERS = {ReadLane.PUBLIC: 3, ReadLane.ADMIN: 2}

_lane: ContextVar[ReadLane] = ContextVar("keepcart_read_lane", default=ReadLane.PUBLIC)


@contextlib.contextmanager
def read_lane(lane: ReadLane) -> Iterator[None]:
    """Every read in this block, and in the tasks it starts, runs in ``lane``."""
    token = _lane.set(lane)
    try:
        yield
    finally:
        _lane.reset(token)


class DatabaseUnusable(Exception):
    """The database file cannot be opened or migrated: nothing can run on it."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"cannot use the database {path}: {reason}")
        self.path = path
        self.reason = reason


class Database:
    def __init__(
        self,
        path: Path,
        *,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        admin_read_limit_ms: int = ADMIN_READ_LIMIT_MS,
    ):
        self.path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._admin_read_limit_ms = admin_read_limit_ms
        self._writer: aiosqlite.Connection | None = None
        self._readers: dict[ReadLane, _Readers] = {}
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
        applied = await apply_migrations(self._writer)
        if applied or await _tables_without_statistics(self._writer):
            # A new schema, or rows that arrived without the server (an import, a restored
            # backup): without statistics the planner may pick a plan that reads everything.
            await self._analyze_unless_locked()
        limits = {ReadLane.PUBLIC: math.inf, ReadLane.ADMIN: self._admin_read_limit_ms / 1000}
        for lane, count in READERS.items():
            readers = _Readers(lane, limits[lane])
            self._readers[lane] = readers
            for _ in range(count):
                readers.add(await self._connect_reader())
        self._identity = file_identity(self.path)

    async def _analyze_unless_locked(self) -> None:
        conn = self._require(self._writer)
        try:
            await conn.execute("ANALYZE")
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
            # Another process (a backup, a sqlite3 shell) holds the write lock: the statistics
            # can wait for the next maintenance run; opening must not fail for them.
            log.warning("the database %s is locked; its statistics are refreshed later", self.path)

    async def _connect_reader(self) -> _ReadConnection:
        conn = await _connect(
            f"file:{self.path}?mode=ro", self._busy_timeout_ms, uri=True, daemon=True
        )
        reader = _ReadConnection(conn)
        try:
            await _on_thread(
                conn, conn._conn.set_progress_handler, reader.should_stop, _PROGRESS_STEPS
            )
        except BaseException:
            await conn.close()
            raise
        return reader

    async def close(self) -> None:
        """Close every connection; reads still running are stopped first, not waited for."""
        readers, self._readers = self._readers, {}
        for lane in readers.values():
            lane.stop()
        for lane in readers.values():
            await lane.close()
        if self._writer is not None:
            if self._identity is not None:  # it opened: not a file SQLite refused
                await _optimize(self._writer)
            await self._writer.close()
        self._writer = None

    def stop_admin_reads(self) -> None:
        """Stop every admin read now, and refuse the next ones: the server is stopping, and
        must not wait for a slow page. Shoppers' reads go on (a checkout may still need
        them)."""
        if ReadLane.ADMIN in self._readers:
            self._readers[ReadLane.ADMIN].stop()

    def reads_running(self, lane: ReadLane) -> int:
        """How many reads of ``lane`` hold a connection now (for tests and the bench)."""
        readers = self._readers.get(lane)
        return 0 if readers is None else readers.running

    async def refresh_statistics(self) -> None:
        """A bounded ANALYZE (``ANALYSIS_LIMIT``) as one short write, so the planner's row
        estimates follow the store's growth. SQLite 3.40's ``PRAGMA optimize`` would only
        look at tables the writer itself has planned queries on (its flag to look at every
        table came in 3.46), and the reads are planned on read-only connections."""
        conn = self._require(self._writer)
        async with self._write_lock:
            self._refuse_once_lost()
            with self._refuse_when_busy():
                await conn.execute("ANALYZE")
        # A connection loads its statistics when it opens, and ANALYZE leaves the schema
        # cookie alone: the read connections would plan with the old figures for ever.
        for readers in self._readers.values():
            await readers.renew(self._connect_reader)

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

    async def write_in_batches(self, batch: WriteFn[int], size: int) -> int:
        """Run ``batch(connection)`` (which deletes or changes at most ``size`` rows and
        returns how many) one write transaction at a time until a batch does fewer than
        ``size``: other writes go on between batches. Returns the rows done in all."""
        done = 0
        while True:
            count = await self.write(batch)
            done += count
            if count < size:
                return done

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

    async def checkpoint(self) -> None:
        """Copy the WAL into the database file now, not after the next
        ``CHECKPOINT_EVERY_ROWS`` (after a shopper's erasure: the file's old pages then hold
        the erased details no longer). PASSIVE, on the writer's thread, as ``_count_commit``."""
        conn = self._require(self._writer)
        async with self._write_lock:
            await _on_thread(conn, _checkpoint, conn._conn)

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row of one query, read in the current lane (``read_lane``).

        One job on a read connection's thread: execute and fetch together, so no statement
        stays open between awaits. An open statement would pin that connection to an old
        snapshot, and the next read on it would miss a write that had just committed.
        """
        readers = self._readers.get(_lane.get())
        if readers is None:
            raise RuntimeError("the database is not open")
        return await readers.fetch_all(sql, params)

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


async def _tables_without_statistics(conn: aiosqlite.Connection) -> bool:
    """True when a table with an index (and rows) has no row in sqlite_stat1."""
    async with conn.execute("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'") as cursor:
        if await cursor.fetchone() is None:
            return True
    async with conn.execute(
        "SELECT DISTINCT tbl_name FROM sqlite_schema WHERE type = 'index'"
        " AND tbl_name NOT LIKE 'sqlite_%'"
        " AND tbl_name NOT IN (SELECT tbl FROM sqlite_stat1)"
    ) as cursor:
        unanalysed = [row[0] for row in await cursor.fetchall()]
    for table in unanalysed:  # ANALYZE leaves no row for an empty table
        async with conn.execute(f'SELECT 1 FROM "{table}" LIMIT 1') as cursor:
            if await cursor.fetchone() is not None:
                return True
    return False


async def _optimize(conn: aiosqlite.Connection) -> None:
    """``PRAGMA optimize`` before closing, as SQLite advises; a failure only costs stats."""
    try:
        await conn.execute("PRAGMA optimize")
    except sqlite3.Error as exc:
        log.warning("PRAGMA optimize failed at close: %s", exc)


class _Job:
    """One read: when it must stop by, and whether it was stopped from outside."""

    __slots__ = ("deadline", "stopped")

    def __init__(self, deadline: float):
        self.deadline = deadline  # time.monotonic() seconds; inf: no limit
        self.stopped = False  # set from the event loop's thread


class _ReadConnection:
    """A read-only connection and the read it runs now, which its progress handler watches."""

    def __init__(self, conn: aiosqlite.Connection):
        self.conn = conn
        self.job: _Job | None = None

    def should_stop(self) -> bool:
        # On the connection's thread, every _PROGRESS_STEPS steps of a query. Real time, not
        # the app's Clock: the limit is on work actually done, and a test moving the Clock
        # must not stop a query.
        job = self.job
        return job is not None and (job.stopped or time.monotonic() > job.deadline)

    def run(self, job: _Job, sql: str, params: Sequence[Any]) -> list[Row]:
        """On the connection's thread: the whole query, statement closed before returning."""
        self.job = job
        try:
            cursor = self.conn._conn.execute(sql, params)
            try:
                return cursor.fetchall()
            finally:
                cursor.close()
        finally:
            self.job = None


class _Readers:
    """A lane's read connections: a read takes an idle one, runs one job on it, gives it back."""

    def __init__(self, lane: ReadLane, limit_s: float):
        self.lane = lane
        self.limit_s = limit_s
        self.running = 0
        self._all: list[_ReadConnection] = []
        self._idle: asyncio.Queue[_ReadConnection] = asyncio.Queue()
        self._jobs: set[_Job] = set()
        self._stopped = False

    def add(self, reader: _ReadConnection) -> None:
        self._all.append(reader)
        self._idle.put_nowait(reader)

    async def fetch_all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        job = _Job(time.monotonic() + self.limit_s)
        self._refuse_once_stopped()
        self._jobs.add(job)
        try:
            # Waiting for a connection counts towards the limit too: a page is answered in
            # about its limit, however busy the lane.
            async with asyncio.timeout(None if math.isinf(self.limit_s) else self.limit_s):
                reader = await self._idle.get()
            self.running += 1
            try:
                return await _on_thread(reader.conn, reader.run, job, sql, params)
            except asyncio.CancelledError:
                job.stopped = True  # the caller went away: the query stops, not just the wait
                raise
            finally:
                self.running -= 1
                self._idle.put_nowait(reader)
        except TimeoutError:
            raise self._timed_out() from None
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_INTERRUPT:
                raise
            self._refuse_once_stopped()
            raise self._timed_out() from None
        finally:
            self._jobs.discard(job)

    async def renew(self, connect: Callable[[], Awaitable[_ReadConnection]]) -> None:
        """Replace each connection by a new one, as it falls idle: one at a time, so the lane
        keeps serving reads meanwhile."""
        for _ in range(len(self._all)):
            if self._stopped:
                return
            old = await self._idle.get()
            try:
                new = await connect()
            except BaseException:
                self._idle.put_nowait(old)  # keep serving on the old one
                raise
            self._all[self._all.index(old)] = new
            self._idle.put_nowait(new)
            await old.conn.close()

    def _timed_out(self) -> QueryTimedOut:
        return QueryTimedOut(
            "This page took too long to load, so Keepcart stopped it. Try a shorter date"
            " range or a narrower search."
        )

    def _refuse_once_stopped(self) -> None:
        if self._stopped:
            raise ServiceUnavailable("Keepcart is stopping; try again in a moment.", retry_after=5)

    def stop(self) -> None:
        """Stop every read of this lane now, and refuse the next ones."""
        self._stopped = True
        for job in self._jobs:
            job.stopped = True
        for reader in self._all:
            reader.conn._conn.interrupt()  # thread-safe; ends a statement between steps

    async def close(self) -> None:
        for reader in self._all:
            await reader.conn.close()
        self._all.clear()


async def _connect(
    target: str,
    busy_timeout_ms: int,
    *,
    uri: bool = False,
    check_same_thread: bool = True,
    daemon: bool = False,
) -> aiosqlite.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves.
    conn = aiosqlite.connect(
        target, uri=uri, isolation_level=None, check_same_thread=check_same_thread
    )
    # A read connection's thread need not hold the process open at exit: it has nothing to
    # finish (a server killed twice never closes its database, and must still exit). The
    # writer's thread is not a daemon: a COMMIT is never cut short by an exit.
    conn._thread.daemon = daemon
    await conn
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


def like_pattern(text: str) -> str:
    """``text`` inside a ``LIKE ? ESCAPE '\\'`` pattern, its own ``\\``, ``%`` and ``_``
    matched as themselves (LIKE ignores the case of ASCII letters)."""
    return _LIKE_SPECIAL.sub(r"\\\g<0>", text)


_LIKE_SPECIAL = re.compile(r"[\\%_]")


async def read_one(conn: Reader, sql: str, params: Sequence[Any] = ()) -> Row | None:
    rows = await read_all(conn, sql, params)
    return rows[0] if rows else None
