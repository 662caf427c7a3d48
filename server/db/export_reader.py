"""Large reads (CSV exports) streamed from a thread of their own, off the event loop.

An export of a grown store is a big read: 100,000 orders are 23 MB of CSV. Built whole on
the event loop it held ~350 MB and stalled every shopper request for seconds. Here an export
runs on its own thread with its own read-only connection (never the shared reader, whose
queries it would queue behind it), inside one read transaction, so the whole file is one
consistent snapshot, however long the download takes. The thread encodes the text too, and
hands it over in chunks through a small bounded queue: when the client reads slowly the
queue fills and the thread waits, so the server holds a few chunks, never the file.

``SnapshotExport.start`` waits for the first chunk: a failure before it (the database
unreadable, a query that fails) is raised to the caller, which still has no response out
and answers with a proper error. After that the chunks flow; a failure then is logged in one
line (the export's name and the exception's type: never its message, which may quote data)
and ends the iteration with ``ExportBroken``. ``stop`` (idempotent) ends the work early, for
a client that went away: the running statement is interrupted, the thread closes its
connection (ending the read transaction) and exits.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from server.errors import ExportsBusy

log = logging.getLogger("keepcart.db")

ChunkSource = Callable[[sqlite3.Connection], Iterable[bytes]]

# Chunks waiting for the client: with ~64 KB chunks, a quarter of a megabyte at most.
QUEUE_CHUNKS = 4
# A client that takes nothing for this long has gone without saying so: the export gives up
# rather than hold its thread and its read transaction (which keeps the WAL from being reset).
STALLED_AFTER_S = 300.0
# How often a thread waiting for room in the queue looks whether it was stopped.
_POLL_S = 0.1
BUSY_TIMEOUT_MS = 5000
THREAD_NAME = "keepcart-export"
# Exports running at once in this server, whatever the store: each holds a thread, a
# connection and a read transaction, and its row work shares the interpreter with the event
# loop (one export delays a shopper's request by up to ~40 ms at 100,000 orders; eight would
# by most of a second). One more is asked to come back in RETRY_AFTER_S.
MAX_RUNNING = 2
RETRY_AFTER_S = 30
# However the client reads (a trickle is not "nothing"), an export gives its slot back after
# this long: a 23 MB orders file needs ~5 s of work, and minutes on a slow line.
LONGEST_S = 15 * 60
_slots = threading.BoundedSemaphore(MAX_RUNNING)


class ExportBroken(Exception):
    """The export failed after its first chunk went out; it was logged where it happened."""


@dataclass(frozen=True)
class _Failed:
    error: BaseException


_END = object()


class SnapshotExport:
    """One export: ``source(connection)`` run on its own thread, its chunks read here.

    ``source`` gets a read-only connection inside an open read transaction (rows as
    ``sqlite3.Row``) and yields bytes; it runs entirely on the export's thread.
    """

    def __init__(self, path: Path, source: ChunkSource, name: str):
        self.name = name  # for the log: "orders CSV"
        self._path = path
        self._source = source
        self._chunks: queue.Queue[object] = queue.Queue(maxsize=QUEUE_CHUNKS)
        self._stopped = threading.Event()
        self._lock = threading.Lock()  # guards _conn between the thread and stop()
        self._conn: sqlite3.Connection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = asyncio.Event()  # set (from the thread) when a chunk was queued
        self._first: object = None
        self._started = 0.0  # time.monotonic() when the thread began
        self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)

    async def start(self) -> None:
        """Start the thread and wait for the first chunk; raise what failed before it."""
        self._loop = asyncio.get_running_loop()
        if not _slots.acquire(blocking=False):
            raise ExportsBusy(
                f"{MAX_RUNNING} exports are already running on this server; yours will start"
                " if you try again in a minute.",
                retry_after=RETRY_AFTER_S,
            )
        try:
            self._thread.start()
        except BaseException:
            _slots.release()
            raise
        try:
            self._first = await self._next()
        except BaseException:
            self.stop()
            raise
        if isinstance(self._first, _Failed):
            raise self._first.error

    async def chunks(self) -> AsyncIterator[bytes]:
        """The chunks after ``start``, in order; ``ExportBroken`` when the export failed."""
        item, sent = self._first, 0
        try:
            while item is not _END:
                if isinstance(item, _Failed):
                    log.error(
                        "the %s export failed after %d bytes (%s); the download was cut short",
                        self.name,
                        sent,
                        type(item.error).__qualname__,
                    )
                    raise ExportBroken(self.name)
                assert isinstance(item, bytes)
                sent += len(item)
                yield item
                item = await self._next()
        finally:
            self.stop()

    def stop(self) -> None:
        """End the export's work now (a no-op once it has finished)."""
        self._stopped.set()
        with self._lock:
            if self._conn is not None:
                self._conn.interrupt()  # the one sqlite3 call made for another thread
        self._drain()  # a thread waiting for room in the queue sees the stop at once

    def is_running(self) -> bool:
        return self._thread.is_alive()

    async def _next(self) -> object:
        while True:
            self._ready.clear()
            try:
                return self._chunks.get_nowait()
            except queue.Empty:
                await self._ready.wait()

    def _drain(self) -> None:
        while True:
            try:
                self._chunks.get_nowait()
            except queue.Empty:
                return

    # ---- the export's thread --------------------------------------------------------------

    def _run(self) -> None:
        # Real time, not the app's Clock: the limit is on a slot actually held.
        self._started = time.monotonic()
        try:
            conn = self._connect()
            if conn is None:
                return
            conn.execute("BEGIN")  # the first SELECT fixes the snapshot every row comes from
            for chunk in self._source(conn):
                if not self._hand_over(chunk):
                    return
            self._hand_over(_END)
        except Exception as exc:
            if not self._stopped.is_set():
                self._hand_over(_Failed(exc))
        finally:
            with self._lock:
                if self._conn is not None:
                    self._conn.close()  # ends the read transaction
                    self._conn = None
            _slots.release()

    def _connect(self) -> sqlite3.Connection | None:
        conn = sqlite3.connect(
            f"file:{self._path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        with self._lock:
            if self._stopped.is_set():
                conn.close()
                return None
            self._conn = conn
        return conn

    def _hand_over(self, item: object) -> bool:
        """Queue ``item``, waiting while the queue is full; False when the export was stopped
        (or the client stalled) meanwhile."""
        polls = 0  # counted, not timed: the app's clock is for what is stored and shown
        if time.monotonic() - self._started > LONGEST_S:
            log.warning("the %s export stopped: it ran past %d s", self.name, LONGEST_S)
            self._stopped.set()
            return False
        while not self._stopped.is_set():
            try:
                self._chunks.put(item, timeout=_POLL_S)
            except queue.Full:
                polls += 1
                if polls * _POLL_S > STALLED_AFTER_S:
                    log.warning("the %s export stopped: the client took nothing", self.name)
                    self._stopped.set()
                    return False
                continue
            self._wake_reader()
            return True
        return False

    def _wake_reader(self) -> None:
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(self._ready.set)
        except RuntimeError:  # the event loop closed: nobody is reading any more
            self._stopped.set()


async def start_export(path: Path, source: ChunkSource, name: str) -> SnapshotExport:
    """A started ``SnapshotExport`` with its first chunk ready; raises what failed before it."""
    export = SnapshotExport(path, source, name)
    await export.start()
    return export
