"""Numbered SQL migrations (``NNNN_name.sql``), applied in order at start-up.

Each file runs in its own transaction together with its row in ``schema_migrations``, so a
failed migration leaves the database as it was.

A migration that rebuilds a table (SQLite cannot change a CHECK constraint in place) starts
with the line ``-- foreign_keys: off``. It then runs with foreign keys off, as SQLite's
documented rebuild procedure requires, so dropping the old table neither cascades nor fails,
and ``PRAGMA foreign_key_check`` must find nothing before it commits.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

log = logging.getLogger("keepcart.db")

MIGRATIONS_DIR = Path(__file__).parent
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_FOREIGN_KEYS_OFF = "-- foreign_keys: off"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]
    foreign_keys_off: bool = False


def available_migrations() -> list[Migration]:
    found = []
    for path in MIGRATIONS_DIR.glob("*.sql"):
        match = _NAME.match(path.name)
        if not match:
            raise RuntimeError(f"migration file name not understood: {path.name}")
        text = path.read_text()
        statements = tuple(s.strip() for s in text.split(";\n") if s.strip())
        keys_off = text.startswith(_FOREIGN_KEYS_OFF)
        found.append(Migration(int(match.group(1)), path.name, statements, keys_off))
    return sorted(found, key=lambda m: m.version)


async def apply_migrations(conn: aiosqlite.Connection) -> list[int]:
    """Apply every migration newer than the database; return the versions applied."""
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    async with conn.execute("SELECT version FROM schema_migrations") as cursor:
        done = {row[0] for row in await cursor.fetchall()}
    applied = []
    for migration in available_migrations():
        if migration.version in done:
            continue
        await _apply(conn, migration)
        applied.append(migration.version)
        log.info("applied migration %s", migration.name)
    return applied


async def _apply(conn: aiosqlite.Connection, migration: Migration) -> None:
    if migration.foreign_keys_off:  # only outside a transaction does this pragma take effect
        await conn.execute("PRAGMA foreign_keys = OFF")
    try:
        await _run_in_transaction(conn, migration)
    finally:
        if migration.foreign_keys_off:
            await conn.execute("PRAGMA foreign_keys = ON")


async def _run_in_transaction(conn: aiosqlite.Connection, migration: Migration) -> None:
    await conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in migration.statements:
            await conn.execute(statement)
        if migration.foreign_keys_off:
            async with conn.execute("PRAGMA foreign_key_check") as cursor:
                broken = list(await cursor.fetchall())
            if broken:
                raise RuntimeError(f"{migration.name} breaks foreign keys: {broken[:5]}")
        await conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at)"
            " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            (migration.version, migration.name),
        )
    except BaseException:
        await conn.execute("ROLLBACK")
        raise
    await conn.execute("COMMIT")
