"""0032: stores that existed before recovery get it off (a new store keeps the default,
consent); an origin two stores list stays with both (one site, a store per currency); a
reminder keeps the address it went to and when it was delivered."""

from __future__ import annotations

import asyncio

import aiosqlite

from server.db.migrations import apply_migrations
from server.recovery.model import DEFAULTS
from server.recovery.queries import load_settings
from tests.unit.migrating import migrate_before


async def _older_database(conn: aiosqlite.Connection) -> None:
    for store_id, key in ((1, "pk_a"), (2, "pk_b"), (3, "pk_c")):
        await conn.execute(
            "INSERT INTO stores (id, public_key, name, currency, locale, timezone, created_at)"
            " VALUES (?, ?, 'Shop', 'EUR', 'en-IE', 'UTC', 100)",
            (store_id, key),
        )
    await conn.executemany(
        "INSERT INTO store_origins (store_id, origin) VALUES (?, ?)",
        [(1, "https://a.test"), (2, "https://a.test"), (2, "https://b.test")],
    )
    await conn.execute(
        "INSERT INTO recovery_settings (store_id, mode, notice_text, consent_text,"
        " holdout_percent, steps, updated_at) VALUES (3, 'notice', 'n', 'c', 10, '[]', 1)"
    )


def test_0032_turns_recovery_off_for_existing_stores_and_keeps_shared_origins(
    tmp_path, monkeypatch
):
    async def run():
        conn = await aiosqlite.connect(tmp_path / "k.db", isolation_level=None)
        conn.row_factory = aiosqlite.Row
        try:
            await migrate_before(conn, monkeypatch, 32)
            await _older_database(conn)
            assert 32 in await apply_migrations(conn)
            modes = [(await load_settings(conn, n)).mode for n in (1, 2, 3)]
            off = await load_settings(conn, 1)
            origins = await conn.execute_fetchall(
                "SELECT store_id, origin FROM store_origins ORDER BY store_id, origin"
            )
            return modes, off, [tuple(row) for row in origins]
        finally:
            await conn.close()

    modes, off, origins = asyncio.run(run())
    assert modes == ["off", "off", "notice"]  # a store's own choice stays
    assert (off.notice_text, off.consent_text, off.steps) == (
        DEFAULTS.notice_text, DEFAULTS.consent_text, DEFAULTS.steps)  # fmt: skip
    assert origins == [(1, "https://a.test"), (2, "https://a.test"), (2, "https://b.test")]
