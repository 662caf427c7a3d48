"""SQL for helpful votes (``server.reviews.voting``), run inside the single writer's
transaction: one vote per review per visitor id and per client address (a keyed hash, looked
up under every signing key, so a key rotation neither resets nor doubles an address's votes),
and an IPv6 client's /48 kept the same way for its own daily cap."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from server.db import read_all, read_one


@dataclass(frozen=True)
class Voter:
    """Who sends a helpful vote: the widget's visitor id, and the client's address as keyed
    hashes (never the address itself), one under each signing key, the newest first; for an
    IPv6 client, its /48 so too (``networks``; () for an IPv4 one)."""

    visitor: str
    addresses: tuple[str, ...]
    networks: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        """The hash a new vote is kept under: the newest key's."""
        return self.addresses[0]

    def address_in(self) -> str:
        """``address IN (?, …)`` for ``addresses``."""
        return f"address IN ({', '.join('?' * len(self.addresses))})"

    @property
    def network(self) -> str | None:
        """The hash a new vote's network is kept under: the newest key's, if any."""
        return self.networks[0] if self.networks else None


async def has_voted(conn: aiosqlite.Connection, review_id: int, voter: Voter) -> bool:
    """Two lookups, each by its own index: one statement with ``visitor_id = ? OR address IN
    …`` let SQLite's planner walk every vote of a popular review (by ``review_id`` alone),
    inside the single writer."""
    by_visitor = await read_one(
        conn,
        "SELECT 1 FROM review_votes WHERE review_id = ? AND visitor_id = ?",
        (review_id, voter.visitor),
    )
    if by_visitor is not None:
        return True
    by_address = await read_one(
        conn,
        f"SELECT 1 FROM review_votes WHERE review_id = ? AND {voter.address_in()} LIMIT 1",
        (review_id, *voter.addresses),
    )
    return by_address is not None


async def recent_votes(
    conn: aiosqlite.Connection, voter: Voter, *, since: int, limit: int
) -> list[int]:
    """When the voter's address's votes after ``since`` were cast, newest first, ``limit`` at
    most."""
    rows = await read_all(
        conn,
        f"SELECT created_at FROM review_votes WHERE {voter.address_in()} AND created_at > ?"
        " ORDER BY created_at DESC LIMIT ?",
        (*voter.addresses, since, limit),
    )
    return [row["created_at"] for row in rows]


async def recent_network_votes(
    conn: aiosqlite.Connection, voter: Voter, *, since: int, limit: int
) -> list[int]:
    """As ``recent_votes``, for the voter's IPv6 /48 (none for an IPv4 voter)."""
    if not voter.networks:
        return []
    marks = ", ".join("?" * len(voter.networks))
    rows = await read_all(
        conn,
        f"SELECT created_at FROM review_votes WHERE network IN ({marks}) AND created_at > ?"
        " ORDER BY created_at DESC LIMIT ?",
        (*voter.networks, since, limit),
    )
    return [row["created_at"] for row in rows]


async def add_vote(conn: aiosqlite.Connection, review_id: int, voter: Voter, now: int) -> bool:
    """One vote per visitor and per address: True when this one counted (and the review's
    count went up)."""
    cursor = await conn.execute(
        "INSERT OR IGNORE INTO review_votes (review_id, visitor_id, address, network,"
        " created_at) VALUES (?, ?, ?, ?, ?)",
        (review_id, voter.visitor, voter.address, voter.network, now),
    )
    if cursor.rowcount != 1:
        return False
    await conn.execute("UPDATE reviews SET helpful = helpful + 1 WHERE id = ?", (review_id,))
    return True


async def helpful_count(conn: aiosqlite.Connection, review_id: int) -> int:
    row = await read_one(conn, "SELECT helpful FROM reviews WHERE id = ?", (review_id,))
    return 0 if row is None else int(row["helpful"])
