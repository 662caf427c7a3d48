"""SQL for merchant logins."""

from __future__ import annotations

import aiosqlite

from server.db import Database


async def insert_user(
    conn: aiosqlite.Connection, email: str, password_hash: str, now_ms: int
) -> int:
    cursor = await conn.execute(
        "INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash",
        (email, password_hash, now_ms),
    )
    return cursor.lastrowid or 0


async def find_user_by_email(db: Database, email: str) -> aiosqlite.Row | None:
    return await db.fetch_one(
        "SELECT id, email, password_hash FROM users WHERE email = ?", (email,)
    )


async def find_user(db: Database, user_id: int) -> aiosqlite.Row | None:
    return await db.fetch_one("SELECT id, email FROM users WHERE id = ?", (user_id,))
