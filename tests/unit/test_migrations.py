"""Migrations keep data: the 0003 rebuild of `discounts` loses no code and no redemption."""

from __future__ import annotations

import asyncio

import aiosqlite
import pytest

from server.db.migrations import apply_migrations
from tests.unit.migrating import migrate_before

NOW = 1_790_000_000_000


async def _open(path):
    conn = await aiosqlite.connect(path, isolation_level=None)
    await conn.execute("PRAGMA foreign_keys = ON")
    return conn


async def _migrate_with_data_before_0003(path, monkeypatch) -> aiosqlite.Connection:
    """A database at version 2 holding a code, an order and the code's redemption."""
    conn = await _open(path)
    try:
        await _apply_before_0003(conn, monkeypatch)
    except BaseException:
        await conn.close()
        raise
    return conn


async def _apply_before_0003(conn, monkeypatch) -> None:
    await migrate_before(conn, monkeypatch, 3)
    await conn.executescript(f"""
        INSERT INTO stores (id, public_key, name, currency, locale, timezone, created_at)
            VALUES (1, 'pk_test', 'Shop', 'EUR', 'en-IE', 'Europe/Dublin', {NOW});
        INSERT INTO products (id, store_id, sku, product_group, name, price, created_at,
            updated_at) VALUES (1, 1, 'MUG', 'MUG', 'Mug', 1200, {NOW}, {NOW});
        INSERT INTO discounts (id, store_id, code, kind, value, usage_limit, times_used,
            created_at) VALUES (7, 1, 'WELCOME10', 'percent', 10, 100, 1, {NOW});
        INSERT INTO orders (id, public_id, store_id, number, status, email, shipping_name,
            shipping_address, shipping_method, delivery_from, delivery_to, currency,
            prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total,
            discount_code, payment_method, created_at, updated_at)
            VALUES (1, 'ord_1', 1, 1001, 'paid', 'a@b.test', 'A', '{{}}', 'Post',
            '2026-01-01', '2026-01-02', 'EUR', 1, 1200, 120, 0, 0, 1080, 'WELCOME10',
            'test_card', {NOW}, {NOW});
        INSERT INTO discount_redemptions (discount_id, order_id, email, amount, created_at)
            VALUES (7, 1, 'a@b.test', 120, {NOW});
    """)


def test_rebuilding_discounts_keeps_codes_and_redemptions(tmp_path, monkeypatch):
    async def run():
        conn = await _migrate_with_data_before_0003(tmp_path / "k.db", monkeypatch)
        try:
            return await migrate_and_inspect(conn)
        finally:
            await conn.close()

    async def migrate_and_inspect(conn):
        assert (await apply_migrations(conn))[0] == 3  # later migrations follow it
        rows = await conn.execute_fetchall("SELECT id, code, kind, times_used FROM discounts")
        redemptions = await conn.execute_fetchall("SELECT * FROM discount_redemptions")
        fk = await conn.execute_fetchall("PRAGMA foreign_keys")
        sql = await conn.execute_fetchall(
            "SELECT sql FROM sqlite_master WHERE name = 'discount_redemptions'"
        )
        # Deleting the discount still cascades to its redemptions: the reference survived.
        await conn.execute("DELETE FROM discounts WHERE id = 7")
        left = await conn.execute_fetchall("SELECT count(*) FROM discount_redemptions")
        return rows, redemptions, fk, sql, left

    rows, redemptions, fk, sql, left = asyncio.run(run())
    assert [tuple(r) for r in rows] == [(7, "WELCOME10", "percent", 1)]
    assert len(redemptions) == 1
    assert fk[0][0] == 1, "foreign keys are on again after the migration"
    assert "REFERENCES discounts (id)" in sql[0][0]
    assert left[0][0] == 0


def test_a_free_gift_needs_its_product(tmp_path):
    async def run():
        conn = await _open(tmp_path / "k.db")
        await apply_migrations(conn)
        await conn.execute(
            "INSERT INTO stores (id, public_key, name, currency, locale, timezone, created_at)"
            " VALUES (1, 'pk_t', 'S', 'EUR', 'en', 'UTC', 0)"
        )
        try:
            await conn.execute(
                "INSERT INTO discounts (store_id, code, kind, created_at)"
                " VALUES (1, 'GIFT', 'free_gift', 0)"
            )
        finally:
            await conn.close()

    with pytest.raises(aiosqlite.IntegrityError):
        asyncio.run(run())


def test_0007_keeps_completed_checkouts_and_refuses_a_reservation_without_its_holder(
    tmp_path, monkeypatch
):
    async def run():
        conn = await _migrate_with_data_before_0003(tmp_path / "k.db", monkeypatch)
        try:
            return await migrate_and_inspect(conn)
        finally:
            await conn.close()

    async def migrate_and_inspect(conn):
        await migrate_before(conn, monkeypatch, 7)
        await conn.execute(
            "INSERT INTO idempotency_keys (store_id, key, request_hash, order_id, response,"
            f" created_at) VALUES (1, 'key-1', 'hash', 1, '{{}}', {NOW})"
        )
        assert 7 in await apply_migrations(conn)
        kept = await conn.execute_fetchall(
            "SELECT key, state, reserved_at, order_id, response FROM idempotency_keys"
        )
        references = await conn.execute_fetchall("SELECT payment_reference FROM orders")
        with pytest.raises(aiosqlite.IntegrityError):  # an in_flight row names its request
            await conn.execute(
                "INSERT INTO idempotency_keys (store_id, key, request_hash, state, reserved_at,"
                f" created_at) VALUES (1, 'key-2', 'hash', 'in_flight', {NOW}, {NOW})"
            )
        return kept, references

    kept, references = asyncio.run(run())
    assert [tuple(row) for row in kept] == [("key-1", "completed", NOW, 1, "{}")]
    assert [tuple(row) for row in references] == [(None,)]
