"""A helpful vote's "has this visitor or address voted?" runs inside the single writer: each
of its lookups must use its own index, even for a review with thousands of votes among many
with few (statistics skewed so, as a real store's ANALYZE gathers them)."""

from __future__ import annotations

import re

import aiosqlite
import pytest

from server.db import ANALYSIS_LIMIT
from server.db.migrations import apply_migrations
from server.reviews.vote_queries import Voter, has_voted

pytestmark = pytest.mark.anyio

POPULAR = 1  # a review with many votes; reviews 2 on have two each
INDEXES = {
    "visitor_id": "PRIMARY KEY (review_id=? AND visitor_id=?)",
    "address": "INDEX review_votes_one_per_address (review_id=? AND address=?)",
}


async def skewed_votes(conn: aiosqlite.Connection) -> None:
    await conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
        " INSERT INTO review_votes (review_id, visitor_id, address, created_at)"
        " SELECT ?, 'v_' || i, hex(randomblob(32)), i FROM n",
        (POPULAR,),
    )
    await conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000)"
        " INSERT INTO review_votes (review_id, visitor_id, address, created_at)"
        " SELECT 2 + i / 2, 'v_' || i, hex(randomblob(32)), i FROM n"
    )
    await conn.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")  # as Keepcart's ANALYZE
    await conn.execute("ANALYZE")


async def test_has_voted_looks_up_by_each_index_not_by_the_review_alone(tmp_path):
    conn = await aiosqlite.connect(tmp_path / "k.db", isolation_level=None)
    try:
        await apply_migrations(conn)
        await conn.execute("PRAGMA foreign_keys = OFF")  # votes without their reviews
        await skewed_votes(conn)
        statements: list[str] = []
        await conn.set_trace_callback(statements.append)
        voter = Voter("v_nobody", ("a" * 64, "b" * 64))
        assert not await has_voted(conn, POPULAR, voter)
        await conn.set_trace_callback(None)
        plans = []
        for sql in statements:
            rows = await conn.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}")
            plans.append(" | ".join(row[3] for row in rows))
    finally:
        await conn.close()
    assert plans, statements
    for plan in plans:
        # Every step a search by both columns of one of the two indexes, none by review_id alone.
        steps = re.findall(r"(?:SEARCH|SCAN) [^|]+", plan)
        assert steps and all(any(index in step for index in INDEXES.values()) for step in steps), (
            plan
        )
    assert all(any(index in plan for plan in plans) for index in INDEXES.values()), plans
