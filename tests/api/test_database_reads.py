"""Reads in lanes: shoppers' reads never queue behind admin reads, an admin read past its time
limit is stopped (the query, not just the wait), and so is one whose caller went away."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from server.clock import Clock
from server.db import Database, ReadLane, read_lane
from server.errors import QueryTimedOut, ServiceUnavailable
from server.stores.directory import StoreDirectory
from tests.api.slow_reads import ENDLESS, GUARD_S, QUICK, until

pytestmark = pytest.mark.anyio


async def opened(path: Path, *, admin_limit_ms: int = 600_000) -> Database:
    db = Database(path, admin_read_limit_ms=admin_limit_ms)
    await db.open()
    return db


async def admin_read(db: Database, sql: str) -> list[sqlite3.Row]:
    with read_lane(ReadLane.ADMIN):
        return await db.fetch_all(sql)


async def endless_admin_reads(db: Database, count: int) -> list[asyncio.Task]:
    """``count`` admin reads that never end by themselves, running once this returns."""
    tasks = [asyncio.create_task(admin_read(db, ENDLESS)) for _ in range(count)]
    await until(lambda: db.reads_running(ReadLane.ADMIN) == count, "the admin reads run")
    return tasks


async def test_an_admin_read_past_its_time_limit_is_stopped(tmp_path):
    db = await opened(tmp_path / "k.db", admin_limit_ms=200)
    try:
        # As many as the lane has connections, and once more: each is stopped, none is left
        # running on its connection (a quick read after them gets its answer).
        for _ in range(3):
            with pytest.raises(QueryTimedOut) as stopped:
                await asyncio.wait_for(admin_read(db, ENDLESS), GUARD_S)
            assert stopped.value.status == 503
            assert "took too long" in stopped.value.message
        assert db.reads_running(ReadLane.ADMIN) == 0
        assert [tuple(row) for row in await admin_read(db, QUICK)] == [(1,)]
    finally:
        await db.close()


async def test_a_public_read_is_answered_while_every_admin_connection_is_busy(tmp_path):
    db = await opened(tmp_path / "k.db")
    try:
        admin = await endless_admin_reads(db, 2)
        rows = await asyncio.wait_for(db.fetch_all(QUICK), GUARD_S)  # the public lane
        assert [tuple(row) for row in rows] == [(1,)]
        assert not any(task.done() for task in admin)  # still running meanwhile
        for task in admin:
            task.cancel()
        await asyncio.gather(*admin, return_exceptions=True)
    finally:
        await db.close()


async def test_an_admin_read_whose_caller_went_away_is_stopped(tmp_path):
    db = await opened(tmp_path / "k.db")  # a limit far away: only the cancel can stop them
    try:
        admin = await endless_admin_reads(db, 2)
        for task in admin:
            task.cancel()
        await asyncio.gather(*admin, return_exceptions=True)
        # Both connections are free again: had a query gone on, a read would queue behind it.
        rows = await asyncio.wait_for(asyncio.gather(admin_read(db, QUICK), admin_read(db, QUICK)),
                                      GUARD_S)  # fmt: skip
        assert [[tuple(r) for r in rows] for rows in rows] == [[(1,)], [(1,)]]
    finally:
        await db.close()


async def test_stopping_admin_reads_stops_those_running_and_refuses_the_next(tmp_path):
    db = await opened(tmp_path / "k.db")
    try:
        admin = await endless_admin_reads(db, 1)
        db.stop_admin_reads()
        with pytest.raises(ServiceUnavailable, match="stopping"):
            await asyncio.wait_for(admin[0], GUARD_S)
        with pytest.raises(ServiceUnavailable, match="stopping"):
            await admin_read(db, QUICK)
        assert len(await db.fetch_all(QUICK)) == 1  # shoppers' reads go on
    finally:
        await db.close()


async def test_closing_stops_a_running_admin_read_instead_of_waiting_for_it(tmp_path):
    db = await opened(tmp_path / "k.db")
    admin = await endless_admin_reads(db, 2)
    await asyncio.wait_for(db.close(), GUARD_S)
    for outcome in await asyncio.gather(*admin, return_exceptions=True):
        assert isinstance(outcome, ServiceUnavailable)


async def test_the_store_directory_refresh_does_not_wait_for_the_admin_lane(tmp_path):
    """An admin request may be the one that sets off the directory's refresh, which every
    shopper's request then waits on: it reads in the public lane all the same."""
    db = await opened(tmp_path / "k.db")
    try:
        admin = await endless_admin_reads(db, 2)
        directory = StoreDirectory(db, Clock())
        with read_lane(ReadLane.ADMIN):
            stores = await asyncio.wait_for(directory.all(), GUARD_S)
        assert stores == []
        for task in admin:
            task.cancel()
        await asyncio.gather(*admin, return_exceptions=True)
    finally:
        await db.close()


async def test_a_read_sees_every_write_acknowledged_before_it_on_every_connection(tmp_path):
    db = await opened(tmp_path / "k.db")
    try:
        await db.write(lambda conn: conn.execute("CREATE TABLE t (n INTEGER)"))
        for n in range(1, 13):  # more reads than connections: each connection serves several
            await db.write(lambda conn, n=n: conn.execute("INSERT INTO t VALUES (?)", (n,)))
            public, admin = await asyncio.gather(
                db.fetch_value("SELECT count(*) FROM t"), admin_read(db, "SELECT count(*) FROM t")
            )
            assert (public, admin[0][0]) == (n, n)
    finally:
        await db.close()
