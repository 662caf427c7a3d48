"""Group commit for event ingest.

Requests hand their rows to the sink and wait. One background task takes everything waiting,
writes it in a single transaction through the database's single writer, then answers every
request in that group. Under load, one fsync-free WAL commit carries many requests' rows; a
request is answered only after its rows are committed, so an acknowledged event is never lost.

The transaction runs on the event loop's thread (``Database.write_inline``): a group is a
short burst of SQLite work, cheaper than the round trip to the writer's thread, and while
a group waits on that trip so does every request in it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence

from server.db import Database
from server.errors import ServiceUnavailable
from server.events.queries import EventRow, insert_events

log = logging.getLogger("keepcart.events")

Rows = Sequence[EventRow]
_Waiting = tuple[Rows, "asyncio.Future[None]"]


class EventSink:
    def __init__(self, db: Database, max_group_rows: int = 5000):
        self._db = db
        self._max_group_rows = max_group_rows
        self._pending: deque[_Waiting] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="keepcart-event-sink")

    async def stop(self) -> None:
        """Write whatever is waiting, then stop."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task

    async def add(self, rows: Rows) -> None:
        """Return once ``rows`` are committed; raise if their transaction failed."""
        if self._closing:
            raise RuntimeError("the event sink is shutting down")
        # One plain future per request and nothing else: the writing happens in the sink's
        # task, so a request that goes away cannot cut a group's transaction short.
        future = asyncio.get_running_loop().create_future()
        self._pending.append((rows, future))
        self._wake.set()
        await future

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                await self._commit_group(self._take_group())
            if self._closing:
                return

    def _take_group(self) -> list[_Waiting]:
        group, count = [], 0
        while self._pending and (not group or count < self._max_group_rows):
            waiting = self._pending.popleft()
            group.append(waiting)
            count += len(waiting[0])
        return group

    async def _commit_group(self, group: list[_Waiting]) -> None:
        rows = [row for request_rows, _ in group for row in request_rows]
        try:
            await self._db.write_inline(lambda conn: insert_events(conn, rows))
        except ServiceUnavailable as exc:  # the database said why, in one line
            _resolve(group, exc)
        except Exception as exc:
            log.exception("could not write %d events", len(rows))
            _resolve(group, exc)
        else:
            _resolve(group, None)


def _resolve(group: list[_Waiting], error: Exception | None) -> None:
    """Answer every request of a committed (or failed) group, in one pass."""
    for _, future in group:
        if future.done():  # its request was cancelled (the client went away)
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
